"""The website's pages, rendered from the corpus as Markdown by pure functions.

One module per kind of page: ``pages`` (an entry's page and the section index pages),
``timeline``, ``glossary``, ``gallery`` (case studies), ``bibliography_page`` and
``nav``. Links between pages are written docs-root-absolute (``/findings/x.md``) and
MkDocs (``validation.links.absolute_links: relative_to_docs``) makes them relative and
checks them. The MkDocs plugin (``indexer.site.plugin``) is a thin adapter over these.
"""
