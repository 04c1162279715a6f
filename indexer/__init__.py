"""Knowledge base on multi-agency working in early childhood services.

The package is a pipeline, one module per stage: ``corpus`` (load entries),
``citations`` (pandoc citations), ``bibliography`` (BibTeX), ``check`` (validate);
the ``cli`` module is a thin click adapter over them.
"""

__version__ = "0.1.0"
