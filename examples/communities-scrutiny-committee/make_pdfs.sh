#!/bin/sh
# Regenerate this example's officers' PDFs: tagged LibreOffice Writer exports of the flat ODT
# sources beside them, as File > Export as PDF with "PDF/UA" ticked makes them, by the same
# script that makes the test fixtures.
#   sh examples/communities-scrutiny-committee/make_pdfs.sh   (needs soffice)
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
exec sh "$HERE/../../tests/fixtures/tagged/make.sh" "$HERE"
