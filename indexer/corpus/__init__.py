"""The content: entries, their Markdown and citations, the bibliography, and ``kb check``."""
