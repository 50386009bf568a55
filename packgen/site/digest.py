"""The fingerprint of a meeting's inputs: what decides whether the site rebuilds it.

SHA-256 over packgen's version, the options that change what is written, and each input
file (:func:`packgen.inputs.meeting_inputs`, the list ``--watch`` follows) as its path
relative to the site's root and its bytes, in the order of those paths. No absolute path
and no time goes in: the same repository gives the same digest on any machine, so a CI
run rebuilds only what a commit changed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from packgen import __version__
from packgen.inputs import meeting_inputs


def inputs_digest(meeting_file: Path, root: Path, templates: Path | None,
                  options: Sequence[str] = ()) -> str:
    """The digest of ``meeting_file``'s inputs, paths taken relative to ``root``."""
    listed = meeting_inputs(meeting_file, templates).paths
    named = sorted((Path(os.path.relpath(path, root.absolute())).as_posix(), path)
                   for path in listed)
    digest = hashlib.sha256()
    for line in (f"packgen {__version__}", *options):
        _field(digest, b"option", line.encode("utf-8"))
    for name, path in named:
        _field(digest, b"path", name.encode("utf-8"))
        if path.is_file():
            _field(digest, b"file", path.read_bytes())
        else:  # a folder is listed for its files, listed too; a missing file is a state
            _field(digest, b"folder" if path.is_dir() else b"missing", b"")
    return digest.hexdigest()


def _field(digest: hashlib._Hash, kind: bytes, data: bytes) -> None:
    # Length-prefixed, so no two different lists of fields hash alike.
    digest.update(kind + b" " + str(len(data)).encode("ascii") + b"\n" + data)
