"""Where the built-in theme lies, and its own YAML files, found without importing Jinja.

Asked before anything is typeset (an output must not land on the theme's files), by
a process that must not pay for the template engine it may never load.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

# The theme's files are ours and trusted, and carry no positions worth reporting, so
# they are read with libyaml's C parser where the platform has it: the pure-Python
# parser took about 15 ms for style.yaml alone, once in each process of every build.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def theme_dir() -> Path:
    """The built-in theme: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "style.yaml").is_file():
            return candidate
    raise RuntimeError("packgen's built-in templates are missing; reinstall packgen")


def theme_yaml(name: str) -> Any:
    """The data of the theme's YAML file ``name`` (``style.yaml``, ``messages/cy.yaml``):
    a copy of its own, since callers merge the house style into what they are given."""
    return copy.deepcopy(_parsed(theme_dir() / name))


@cache
def _parsed(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
