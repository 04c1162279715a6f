"""Knowledge base on multi-agency working in early childhood services.

The package is a pipeline in stages, each a subpackage of one-stage modules; a stage imports
only from the stages below it:

- ``corpus``: the content (entries and their front matter, Markdown sections, pandoc
  citations, the BibTeX bibliography) and ``kb check``;
- ``cite``: references (the CSL mapping, the styles, the export formats);
- ``search``: passages, embeddings, BM25, the index on disk, queries and their rendering;
- ``site``: the website's pages and assets, the MkDocs plugin and Markdown extension;
- ``cli``: the ``kb`` command, a thin click adapter over them all.

The root holds what every stage uses: ``problems`` (errors and reports), ``atomic``
(atomic writes) and ``lock`` (the writer lock). See docs/architecture.md.
"""

__version__ = "0.1.0"
