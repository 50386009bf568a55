"""packgen: assemble the public document pack for a council committee meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["BuildResult", "Checked", "PackgenError", "Position", "Problem", "__version__",
           "build_pack", "validate"]

if TYPE_CHECKING:
    from packgen.build import BuildResult, build_pack
    from packgen.check import Checked, validate
    from packgen.errors import PackgenError, Position, Problem

# Where each public name lives. Imported on first use, so that ``packgen validate``
# and ``import packgen.errors`` never pay for the typesetter and the PDF writer.
_HOMES = {"BuildResult": "packgen.build", "build_pack": "packgen.build",
          "Checked": "packgen.check", "validate": "packgen.check",
          "PackgenError": "packgen.errors", "Position": "packgen.errors",
          "Problem": "packgen.errors"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'packgen' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
