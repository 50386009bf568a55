"""Where the built-in theme lies, found without importing Jinja.

Asked before anything is typeset (an output must not land on the theme's files), by
a process that must not pay for the template engine it may never load.
"""

from __future__ import annotations

from pathlib import Path


def theme_dir() -> Path:
    """The built-in theme: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "style.yaml").is_file():
            return candidate
    raise RuntimeError("packgen's built-in templates are missing; reinstall packgen")
