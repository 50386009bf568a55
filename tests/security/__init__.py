"""Hostile inputs, each generated in its test, and what packgen must do with them.

One module per kind of attack; leaks are looked for in the pack's decompressed bytes
and extracted text (:mod:`tests.security.readback`), not only where a viewer shows them.

- ``test_hostile_exempt``: one file public and exempt, named twice (appendix, link, copy).
- ``test_late_material``: supplements leave the main pack byte-identical; exclusion items.
- ``test_hostile_pages``: active content, forms and hidden layers in attachments' pages.
- ``test_hostile_pdfs``: damaged boxes, page-tree bombs, huge damaged files, open files.
- ``test_hostile_text``: text and alias bombs, layout budgets, pictures, fonts, titles.
- ``test_hostile_names``: control characters in names, pipes, page sizes and margins.
- ``test_hostile_outputs``: modes, outputs over inputs, collisions, signals, orphans, links.
"""
