"""The PDF half of packgen: read the attachments, assemble, clean, number and write the pack.

Data flows one way through it: :mod:`.sources` opens every attachment and checks it
(:mod:`.pagetree`, :mod:`.boxes`, :mod:`.filters`; read fast by :mod:`.fastread` from
:mod:`.mapped` files, pypdf's repairs worded by :mod:`.repairs`), :mod:`.assemble`
copies the pages in the layout's order, :mod:`.scrub` makes them safe to publish
(:mod:`.resources`, :mod:`.forms`, :mod:`.layers`, :mod:`.links`), :mod:`.number`
stamps them (:mod:`.stamps`), :mod:`.metadata` describes the pack and :mod:`.write`
serializes it. A copied page is changed only through :mod:`.pages`, which gives it its
own resources and annotations first. Every use of pypdf beyond its public API is in
:mod:`.bridge`, and nowhere else.

Importing this package imports nothing from pypdf, and neither does importing
:mod:`.links`, so the typesetting side and ``validate`` can use its rules cheaply.
"""
