"""``packgen site``: publish every meeting under ROOT as a static website."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from packgen.cli_options import debug_option, jobs_option, quiet_option, templates_option
from packgen.cli_run import Outcome, print_outcome, print_problems, quiet_pypdf
from packgen.errors import PackgenError, Problem, display_path

if TYPE_CHECKING:
    from packgen.site.common import MeetingOutcome, SiteResult


@click.command(name="site")
@click.argument("root", type=click.Path(file_okay=False, exists=True, path_type=Path),
                required=False)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="The site's folder (default build/site under ROOT).")
@click.option("--base-url", metavar="URL",
              help="Where the site is served (https://...): calendars then link each meeting.")
@templates_option
@jobs_option
@quiet_option
@debug_option
def site_command(root: Path | None, output: Path | None, base_url: str | None,
                 templates: Path | None, jobs: int, quiet: bool, debug: bool) -> None:
    """Publish every meeting under ROOT (default: the folder holding packgen.yaml) as a
    static website: pages, packs, each document's PDF, manifests, calendars, feeds."""
    from packgen.errors import Position
    from packgen.site.build import build_site
    from packgen.site.common import SiteOptions
    from packgen.site.discover import find_root

    if base_url is not None and not re.fullmatch(r"https?://[^\s]+", base_url):
        raise click.BadParameter("expected an absolute http(s) URL", param_hint="--base-url")
    found = root if root is not None else find_root(Path.cwd())
    if found is None:
        raise click.UsageError("no packgen.yaml here or above: give the ROOT folder")
    quiet_pypdf()
    out = output if output is not None else found / "build" / "site"
    try:
        result = build_site(SiteOptions(found, out, templates, base_url, jobs, debug))
    except PackgenError as exc:  # the site's folder refused before anything was built
        print_outcome(Outcome(False, "", tuple(exc.problems)), quiet)
        sys.exit(1)
    for one in result.meetings:
        if one.status == "failed":
            _failed(one)
            continue
        said = (f"wrote {display_path(out / (one.page or ''))} ({one.pages} pages)"
                if one.status == "built" else f"unchanged {display_path(out / (one.page or ''))}")
        print_outcome(Outcome(True, said, one.problems), quiet)
        for line in one.notes:
            click.echo(str(Problem(Position(one.file), line, "note")))
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if not quiet or not result.ok:
        click.echo(summary(result, out), err=not result.ok)
    sys.exit(0 if result.ok else 1)


def _failed(one: MeetingOutcome) -> None:
    """A failed meeting's problems, and what became of its published files: not
    "nothing was written", as a build says, since the site's other files were."""
    errors = print_problems(one.problems, one.trace)
    kept = ("its published files were removed from the site" if one.withdrawn else
            "its files on the site were left as they were")
    click.echo(f"{_count(errors, 'problem')}; {kept}.", err=True)


def summary(result: SiteResult, out: Path) -> str:
    """One line for the whole run: "site build/site: 2 meetings built, 3 unchanged,
    1 failed; 41 files written, 2 removed". It starts "site", so CI scripts that pick out
    the meetings' own lines ("wrote ...", "unchanged ...") pass it by."""
    counts = Counter(one.status for one in result.meetings)
    said = [f"{_count(counts['built'], 'meeting')} built", f"{counts['unchanged']} unchanged"]
    if counts["failed"]:
        said.append(f"{counts['failed']} failed")
    written = result.written + sum(one.written for one in result.meetings)
    removed = sum(one.removed for one in result.meetings)
    files = f"{_count(written, 'file')} written, {removed} removed"
    if result.withdrawn:
        files += f", {_count(result.withdrawn, 'meeting')} withdrawn"
    trouble = f"; {_count(len(result.problems), 'problem')} with the site's own pages" \
        if result.problems else ""
    return f"site {display_path(out)}: {', '.join(said)}; {files}{trouble}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
