"""What the site's stages share: its options, what became of each meeting, a meeting's
published manifest read back, and what every page is given."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packgen.errors import Problem, ValidationError
from packgen.manifest import read_manifest
from packgen.site.pages import (
    SiteLook,
    site_words,
)
from packgen.site.style import House

Json = dict[str, Any]


CHANGES = "changes.txt"
"""Beside a republished meeting's page: its change note, one line each, for its feed entry."""


@dataclass(frozen=True)
class SiteOptions:
    root: Path
    output: Path
    templates: Path | None = None
    base_url: str | None = None
    jobs: int = 1
    debug: bool = False


@dataclass(frozen=True)
class MeetingOutcome:
    file: Path
    page: str | None
    status: str
    """"built", "unchanged" or "failed"."""
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    """The change note since the manifest published before."""
    pages: int = 0
    trace: str = ""
    written: int = 0
    """Files written (those whose bytes were already there are not)."""
    removed: int = 0
    """Files of the meeting's folder its publication no longer has, removed."""
    withdrawn: bool = False
    """A failed meeting's folder removed, as it held what is now withheld."""


@dataclass
class SiteResult:
    meetings: list[MeetingOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """The site's own (a template's mistake, a file that could not be written)."""
    written: int = 0
    """The site's own files written: index, bodies' pages, calendars, feeds, stylesheet."""
    withdrawn: int = 0
    """Folders of meetings no longer under the root, removed."""

    @property
    def ok(self) -> bool:
        return not self.problems and all(m.status != "failed" for m in self.meetings)


def old_manifest(out: Path, page: str | None) -> Json | None:
    if page is None or not (out / page / "manifest.json").is_file():
        return None
    try:
        return read_manifest(out / page / "manifest.json")
    except ValidationError:  # not ours, or damaged: the meeting is built afresh
        return None


def page_common(look: House, root: str) -> dict[str, Any]:
    logo = f"logo{look.logo.suffix.lower()}" if look.logo is not None else None
    return {"look": SiteLook(look.name, logo, look.logo_alt, look.language), "root": root,
            "words": site_words(look.language)}


