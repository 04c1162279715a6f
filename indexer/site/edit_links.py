""""Edit this page" links of generated pages: they open the corpus file, not the generated page.

MkDocs' own rule (``repo_url`` + ``edit_uri`` + the file's path in the docs folder, or
``edit_uri_template``) applied to the corpus file's path from the docs folder
(``../corpus/findings/x.md``), with the dot segments resolved. The site step puts the URL in
the page's front matter (``kb_edit_url``, ``""`` for a page with no file to edit), and the
theme override's ``partials/actions.html`` shows it: the same link whichever builder builds
the pages (the plugin in memory, or plain MkDocs on ``kb site render``'s folder).
"""

from __future__ import annotations

import os
import posixpath
import string
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit, urlunsplit


@dataclass(frozen=True)
class EditLinks:
    """The site's edit settings, as MkDocs resolves them (``edit_uri`` ends with ``/``)."""

    repo_url: str = ""
    edit_uri: str = ""
    edit_uri_template: str = ""

    @property
    def on(self) -> bool:
        return bool(self.edit_uri or self.edit_uri_template)

    def url(self, source: Path, docs_dir: Path) -> str:
        """The edit URL of ``source`` (a file anywhere in the project) as MkDocs would make it
        for a file at that path from ``docs_dir``; ``""`` when edit links are off."""
        if not self.on:
            return ""
        path = Path(os.path.relpath(source.resolve(), docs_dir.resolve())).as_posix()
        if self.edit_uri_template:
            noext = posixpath.splitext(path)[0]
            file_edit_uri = _Formatter().format(self.edit_uri_template, path=path, path_noext=noext)
        else:
            file_edit_uri = self.edit_uri + path
        repo_url = self.repo_url
        if repo_url and not file_edit_uri.startswith(("?", "#")) and not repo_url.endswith("/"):
            repo_url += "/"
        return without_dot_segments(urljoin(repo_url, file_edit_uri))


def edit_links(repo_url: str | None, edit_uri: str | None, edit_uri_template: str | None = None) -> EditLinks:
    """The settings from a ``mkdocs.yml`` as written, with MkDocs' defaults (``edit/master/docs/``
    for a GitHub or GitLab ``repo_url``, ``src/default/docs/`` for Bitbucket) and its trailing ``/``."""
    if edit_uri is None and repo_url:
        host = urlsplit(repo_url).netloc.lower()
        edit_uri = {"github.com": "edit/master/docs/", "gitlab.com": "edit/master/docs/",
                    "bitbucket.org": "src/default/docs/"}.get(host)
    if edit_uri and not edit_uri.endswith("/"):
        edit_uri += "/"
    return EditLinks(repo_url or "", edit_uri or "", edit_uri_template or "")


def without_dot_segments(url: str) -> str:
    """``https://host/edit/main/docs/../corpus/x.md`` -> ``https://host/edit/main/corpus/x.md``."""
    parts = urlsplit(url)
    if "/." not in parts.path:
        return url
    return urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))


class _Formatter(string.Formatter):
    """``edit_uri_template``'s formatter: ``{path!q}`` is the path URL-quoted (as MkDocs has it)."""

    def convert_field(self, value: object, conversion: str | None) -> object:
        return quote(str(value), safe="") if conversion == "q" else super().convert_field(value, conversion)


__all__ = ["EditLinks", "edit_links", "without_dot_segments"]
