"""The PDF half of packgen: read the attachments, assemble, clean, number and write the pack.

Data flows one way through it: :mod:`.sources` opens and checks every attachment
(:mod:`.pagetree`, :mod:`.fastread`, :mod:`.mapped`), :mod:`.assemble` copies the pages
in the layout's order, :mod:`.scrub` makes them safe to publish (:mod:`.resources`,
:mod:`.forms`, :mod:`.layers`, :mod:`.links`), :mod:`.number` stamps them,
:mod:`.metadata` describes the pack and :mod:`.write` serializes it. Every use of pypdf
beyond its public API is in :mod:`.bridge`, and nowhere else.

Importing this package imports nothing from pypdf, so the typesetting side and
``validate`` can use :mod:`.links`'s rules cheaply.
"""
