"""The website: the site step and its faces.

``render`` turns the corpus and the bibliography into the site's Markdown pages (one module
per kind of page: ``pages``, ``themes``, ``timeline``, ``glossary``, ``gallery``,
``bibliography_page``, ``nav``), downloads and nav, with links relative to each page;
``output`` writes them to a folder any builder reads (``kb site render OUT``); ``plugin`` is
the thin MkDocs adapter over ``render``; ``mdx_citations`` renders pandoc citations;
``theme/`` is the theme override; ``search_*``, ``browser_model`` and ``quantise`` make the in-browser
search's files; ``printable`` the printable edition. See docs/architecture.md.
"""
