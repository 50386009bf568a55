"""The typesetting process, forked before the meeting is validated.

Forked after validation (as :class:`~packgen.typesetting.ForkedTypesetting` alone
does), the process starts importing Jinja and ReportLab only once the meeting is known;
forked before (before even the schema is imported: this module imports nothing heavy),
it imports them while this process imports the schema and reads and checks the YAML, and
receives the validated meeting (pickled: plain frozen data, equal on the other side, so
the pages are the same bytes) when there is one. A validation that fails kills it, so
nothing is left behind; a meeting that cannot be pickled gets a process of its own
forked the usual way.
"""

from __future__ import annotations

import gc
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from packgen.forking import can_fork, fork, stop

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from packgen.model import Meeting
    from packgen.typesetting import ForkedTypesetting


class EarlyTypesetting:
    """A typesetting process waiting, imports done, for the meeting it is to typeset.

    Forked before the command's options are known (:func:`fork_ahead`), it waits for them
    (:meth:`configure`) after its imports and fonts, which they do not change."""

    def __init__(self) -> None:
        self.templates: Path | None = None
        self.trusted = False
        self.cache: Path | None = None
        self.pid, self.connection = fork(_wait)
        self.handed = False

    def configure(self, templates: Path | None, trusted: bool, cache: Path | None
                  ) -> EarlyTypesetting:
        """Tell the process the build's template overrides, sandbox and cache."""
        self.templates, self.trusted, self.cache = templates, trusted, cache
        try:
            self.connection.send((templates, trusted, cache))
        except OSError:  # it died: said when the meeting is handed over
            pass
        return self

    def given(self, meeting: Meeting) -> ForkedTypesetting:
        """The typesetting of ``meeting``, validated: this process, from now on."""
        from packgen.typesetting import ForkedTypesetting

        try:
            data = pickle.dumps(meeting, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            self.close()
            return ForkedTypesetting(meeting, self.templates, self.trusted, self.cache)
        try:
            self.connection.send_bytes(data)
        except OSError as exc:  # it died: as a forked typesetting that dies says
            self.close()
            raise RuntimeError("the typesetting process ended unexpectedly") from exc
        self.handed = True
        return ForkedTypesetting.attached(self.pid, self.connection)

    def close(self) -> None:
        """End the process at once, unless :meth:`given` handed it on."""
        if not self.handed:
            self.handed = True
            stop(self.pid, self.connection, now=True)


def _wait(connection: Connection) -> None:
    gc.disable()  # importing only: collected once serving (packgen.serving.serve_forked)
    # What typesetting any meeting imports, loaded while the other process validates;
    # the theme's fonts and templates too, which most meetings use. ReportLab's start-up
    # made lighter first (what a pack of text never uses, left for when it is used).
    from packgen.rlstartup import lighten_imports

    lighten_imports()
    import packgen.htmltree
    import packgen.render
    import packgen.theme
    import packgen.typeset  # noqa: F401 - imported for its time, see above
    from packgen.fonts import warm_theme_fonts
    from packgen.render import warm_templates
    from packgen.serving import serve_forked

    warm_theme_fonts()
    try:
        templates, trusted, cache = connection.recv()
    except (EOFError, OSError):  # the command ended, or will not build
        return
    warm_templates(trusted, connection.poll)

    try:
        data = connection.recv_bytes()
    except (EOFError, OSError):  # the build failed or ended before it had a meeting
        return
    meeting = pickle.loads(data)  # noqa: S301 - from the process that forked this one
    serve_forked(connection, meeting, templates, trusted, cache)


_AHEAD: list[EarlyTypesetting] = []


def fork_ahead() -> None:
    """Fork the typesetting process of a ``packgen build`` now, before the command line is
    even imported (:mod:`packgen.launch`): :func:`taken_ahead` hands it to the build."""
    if can_fork() and not _AHEAD:
        _AHEAD.append(EarlyTypesetting())


def taken_ahead() -> EarlyTypesetting | None:
    """The process :func:`fork_ahead` forked, if it did; the taker configures or closes it."""
    return _AHEAD.pop() if _AHEAD else None
