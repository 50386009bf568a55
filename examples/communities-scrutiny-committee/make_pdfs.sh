#!/bin/sh
# Regenerate this example's officers' PDFs: tagged LibreOffice Writer exports of the flat ODT
# sources beside them, as File > Export as PDF with "PDF/UA" ticked makes them.
#   sh examples/communities-scrutiny-committee/make_pdfs.sh   (needs soffice)
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
PROFILE="$(mktemp -d)"  # a private profile: a LibreOffice open elsewhere would take the job
trap 'rm -rf "$PROFILE"' EXIT
FILTER='pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},"PDFUACompliance":{"type":"boolean","value":"true"}}'
for source in "$HERE"/*.fodt; do
  soffice -env:UserInstallation="file://$PROFILE" --headless --convert-to "$FILTER" \
    --outdir "$HERE" "$source" >/dev/null
done
