"""``packgen site``: publish every meeting under ROOT as a static website."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from packgen.cli_options import debug_option, jobs_option, quiet_option, templates_option
from packgen.cli_run import Outcome, print_outcome, quiet_pypdf
from packgen.errors import PackgenError, Problem, display_path


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
    from packgen.site.build import SiteOptions, build_site
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
            print_outcome(Outcome(False, "", one.problems, one.trace), quiet)
            continue
        said = (f"wrote {display_path(out / (one.page or ''))} ({one.pages} pages)"
                if one.status == "built" else f"unchanged {display_path(out / (one.page or ''))}")
        print_outcome(Outcome(True, said, one.problems), quiet)
        for line in one.notes:
            click.echo(str(Problem(Position(one.file), line, "note")))
    for problem in result.problems:
        click.echo(str(problem), err=True)
    sys.exit(0 if result.ok else 1)
