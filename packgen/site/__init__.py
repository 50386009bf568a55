"""``packgen site``: every meeting under a repository published as a static website.

:mod:`~packgen.site.discover` finds the meetings and where each is published,
:mod:`~packgen.site.digest` fingerprints a meeting's inputs, :mod:`~packgen.site.meeting`
builds one meeting's files in memory, :mod:`~packgen.site.pages` renders the HTML pages,
:mod:`~packgen.site.write` puts files in place atomically, and :mod:`~packgen.site.build`
is the pipeline that knows their order.
"""
