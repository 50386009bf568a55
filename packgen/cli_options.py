"""Options several commands share, declared once so that each reads and helps alike."""

from __future__ import annotations

import re
from pathlib import Path

import click

meeting_files = click.argument(
    "meetings", nargs=-1, required=True, metavar="MEETING.yaml...",
    type=click.Path(dir_okay=False, path_type=Path))
templates_option = click.option(
    "--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of template overrides, searched before the meeting's templates/.")
trusted_option = click.option(
    "--trusted-templates", is_flag=True,
    help="Render template overrides outside Jinja's sandbox (only for templates you trust).")
debug_option = click.option("--debug", is_flag=True, help="Show a traceback for problems.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
language_option = click.option(
    "--language", metavar="LANGUAGE", callback=lambda ctx, param, value: _language(value),
    help="Build the edition in this language (cy: Welsh): its message catalogue and each "
         "KEY_LANGUAGE value (title_cy ...); written as NAME-LANGUAGE.pdf.")
require_tagged_option = click.option(
    "--require-tagged", is_flag=True,
    help="Refuse a PDF attachment that is not tagged (or whose tags its maker doubts), "
         "rather than warn: for packs that must be accessible (PDF/UA).")
jobs_option = click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1,
                           show_default=True, help="Meetings to work on at once.")


def _language(value: str | None) -> str | None:
    # A language also names the edition's file: a tag, never a path.
    if value is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise click.BadParameter(f'expected a language tag such as cy or en-GB, found "{value}"')
    return value
