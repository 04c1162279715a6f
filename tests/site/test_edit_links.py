""""Edit this page" links: MkDocs' own rule applied to the corpus file, dot segments resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.site.edit_links import EditLinks, edit_links, without_dot_segments


def test_the_corpus_files_link_from_the_docs_folder(tmp_path: Path) -> None:
    links = edit_links("https://github.com/o/r", "edit/main/docs")
    assert links == EditLinks("https://github.com/o/r", "edit/main/docs/", "")
    source = tmp_path / "corpus" / "findings" / "x.md"
    assert links.url(source, tmp_path / "docs") == "https://github.com/o/r/edit/main/corpus/findings/x.md"


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "expected"),
    [
        ("https://github.com/o/r", None, "edit/master/docs/"),  # MkDocs' defaults
        ("https://gitlab.com/o/r", None, "edit/master/docs/"),
        ("https://bitbucket.org/o/r", None, "src/default/docs/"),
        ("https://example.org/r", None, ""),
        (None, None, ""),
        (None, "https://example.org/kb/edit/main/docs/", "https://example.org/kb/edit/main/docs/"),
    ],
)
def test_edit_uri_as_mkdocs_resolves_it(repo_url: str | None, edit_uri: str | None, expected: str) -> None:
    links = edit_links(repo_url, edit_uri)
    assert links.edit_uri == expected and links.on == bool(expected)


def test_off_without_an_edit_uri(tmp_path: Path) -> None:
    assert edit_links(None, None).url(tmp_path / "corpus" / "x.md", tmp_path / "docs") == ""


def test_the_template_gets_the_path_and_quotes_it(tmp_path: Path) -> None:
    links = edit_links("https://example.org/", None, "src/{path_noext}.md?q={path!q}")
    url = links.url(tmp_path / "corpus" / "a b.md", tmp_path / "docs")
    assert url == "https://example.org/corpus/a b.md?q=..%2Fcorpus%2Fa%20b.md"


def test_dot_segments_go_and_the_rest_stays() -> None:
    assert without_dot_segments("https://h/edit/main/docs/../corpus/x.md?a=1#f") == "https://h/edit/main/corpus/x.md?a=1#f"
    assert without_dot_segments("https://h/edit/main/docs/x.md") == "https://h/edit/main/docs/x.md"
