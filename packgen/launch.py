"""The ``packgen`` command as a program starts it (``python -m packgen``, the installed
script): a build's typesetting process is forked first, before the command line loads.

Click, the command line's modules and their imports take about 50 ms before the command
can fork (:func:`packgen.cli_build.start_typesetting`); a small build waits for the
typesetting process (its imports, fonts and front sheet), so that is 50 ms of the whole.
Forked here, on a glance at the arguments (a ``build`` that is not ``--watch`` and asks
for no help), it imports meanwhile and learns the build's options when they are parsed;
a build of several meetings, or one the command line refuses, ends it (or, exiting,
kills it: :func:`packgen.forking.die_with_parent`). Tests that run the command in-process
call :func:`packgen.cli.main`, which forks as before.
"""

from __future__ import annotations

import sys

_NOT_AHEAD = frozenset({"--watch", "-h", "--help"})


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:1] == ["build"] and not _NOT_AHEAD.intersection(arguments):
        from packgen.early import fork_ahead

        fork_ahead()
    from packgen.cli import main as command

    command()
