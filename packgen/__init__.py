"""packgen: assemble the public document pack for a council committee meeting."""

from __future__ import annotations

__version__ = "0.1.0"

from packgen.build import BuildResult, Checked, build_pack, validate  # noqa: E402
from packgen.errors import PackgenError, Position, Problem  # noqa: E402

__all__ = ["BuildResult", "Checked", "PackgenError", "Position", "Problem", "__version__",
           "build_pack", "validate"]
