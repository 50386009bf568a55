"""How often a packgen process collects garbage in reference cycles.

One setting, shared by the command line (:mod:`packgen.cli`, which also turns collection
off while a meeting is built) and the typesetting process (:mod:`packgen.serving`), which
may be forked before the command line has set it (:mod:`packgen.launch`).
"""

from __future__ import annotations

GC_THRESHOLDS = (50_000, 20, 20)
"""A build allocates millions of small objects and frees nearly all of them by reference
counting; at the default 700 allocations a young collection took a tenth of a build's CPU
time, at 50,000 a thirtieth (measured with gc.callbacks), for a few MB of garbage held a
little longer."""
