"""The ``packgen`` command: parses options, calls the library, prints problems.

Exit status: 0 done; 1 the input is wrong (every problem listed); 2 usage.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from packgen import __version__
from packgen.build import build_pack, validate
from packgen.errors import PackgenError, Problem

F = TypeVar("F", bound=Callable[..., Any])

meeting_files = click.argument(
    "meetings", nargs=-1, required=True, metavar="MEETING.yaml...",
    type=click.Path(dir_okay=False, path_type=Path))
templates_option = click.option(
    "--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of template overrides, searched before the meeting's templates/.")
debug_option = click.option("--debug", is_flag=True, help="Show a traceback for problems.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only problems.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="packgen")
def main() -> None:
    """Assemble the public document pack for a council committee meeting."""
    # pypdf logs what it tolerates in damaged files; the problems we report say what matters.
    logging.getLogger("pypdf").addHandler(logging.NullHandler())
    logging.getLogger("pypdf").propagate = False


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(p.severity == "error" for p in problems)
    if errors:
        noun = "problem" if errors == 1 else "problems"
        click.echo(f"{errors} {noun}; nothing was written.", err=True)


def _run(action: Callable[[], None], debug: bool) -> bool:
    """Run one meeting's work; print its problems. True when it succeeded."""
    try:
        action()
        return True
    except PackgenError as exc:
        if debug:
            traceback.print_exc()
        _report(exc.problems)
        return False


@main.command()
@meeting_files
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the pack (default build/<meeting folder>.pdf).")
@click.option("--private", is_flag=True,
              help="Build the private pack: exempt items too, marked NOT FOR PUBLICATION.")
@click.option("--supplement", type=click.IntRange(1, 99), metavar="N",
              help="Build supplementary pack N: the material marked supplement: N.")
@click.option("--draft", is_flag=True, help="Mark every page and the metadata DRAFT.")
@templates_option
@quiet_option
@debug_option
def build(meetings: tuple[Path, ...], output: Path | None, private: bool,
          supplement: int | None, draft: bool, templates: Path | None, quiet: bool,
          debug: bool) -> None:
    """Validate, render and write the document pack of each meeting (public by default)."""
    if output is not None and len(meetings) > 1:
        raise click.UsageError("-o/--output names one file; give one meeting with it")
    ok = True
    for meeting in meetings:
        def one(meeting: Path = meeting) -> None:
            result = build_pack(meeting, output, templates, private=private,
                                supplement=supplement, draft=draft)
            _report(list(result.warnings))
            if not quiet:
                click.echo(f"wrote {result.output} ({result.pages} pages)")
        ok = _run(one, debug) and ok
    sys.exit(0 if ok else 1)


@main.command(name="validate")
@meeting_files
@templates_option
@quiet_option
@debug_option
def validate_command(meetings: tuple[Path, ...], templates: Path | None, quiet: bool,
                     debug: bool) -> None:
    """Check everything build would, without rendering anything."""
    ok = True
    for meeting in meetings:
        def one(meeting: Path = meeting) -> None:
            _report(list(validate(meeting, templates).warnings))
            if not quiet:
                click.echo(f"{meeting}: ok")
        ok = _run(one, debug) and ok
    sys.exit(0 if ok else 1)
