"""``packgen site``: every meeting under a repository published as a static website.

:mod:`~packgen.site.discover` finds the meetings, :mod:`~packgen.site.places` where each is
published (kept once published), :mod:`~packgen.site.digest` fingerprints a meeting's
inputs, :mod:`~packgen.site.meeting` builds one meeting's files in memory,
:mod:`~packgen.site.pages` renders the HTML pages, :mod:`~packgen.site.index` the pages
that list meetings, :mod:`~packgen.site.addresses` looks after old addresses,
:mod:`~packgen.site.write` puts files in place atomically, and :mod:`~packgen.site.build`
is the pipeline that knows their order.
"""
