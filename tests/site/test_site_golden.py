"""Golden files for the rendered glossary, timeline, bibliography and case-study pages.

The pages are rendered by pure functions from the fixture corpus (no MkDocs). After an
intended change, regenerate with ``KB_UPDATE_GOLDEN=1 pytest tests/site/test_site_golden.py``
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sitebuild import SITE_FIXTURE

from indexer.cite.citestyle import CitationStyle
from indexer.corpus.entries import Corpus, load_corpus
from indexer.site.bibliography_page import bibliography_page, cited_in
from indexer.site.gallery import gallery_page
from indexer.site.glossary import abbreviations, glossary_page
from indexer.site.pages import entry_page, findings_index, strategies_index
from indexer.site.timeline import timeline_page

GOLDEN = SITE_FIXTURE / "golden"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    loaded = load_corpus(SITE_FIXTURE / "corpus", display_root=SITE_FIXTURE)
    assert not loaded.problems, loaded.problems
    return loaded


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KB_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with KB_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")


def test_glossary_golden(corpus: Corpus) -> None:
    check_golden("glossary.md", glossary_page(corpus.of_kind("term")))


def test_abbreviations_golden(corpus: Corpus) -> None:
    check_golden("abbreviations.md", abbreviations(corpus.of_kind("term")))


def test_timeline_golden(corpus: Corpus) -> None:
    check_golden("timeline.md", timeline_page(corpus.of_kind("event"), corpus.by_id()))


def test_bibliography_golden(corpus: Corpus) -> None:
    style = CitationStyle.from_files(SITE_FIXTURE / "bibliography.bib")
    check_golden("bibliography.md", bibliography_page(style, cited_in(corpus.entries)))


def test_case_studies_golden(corpus: Corpus) -> None:
    check_golden("case-studies.md", gallery_page(corpus.of_kind("case-study")))


def test_finding_page_golden(corpus: Corpus) -> None:
    entry = corpus.by_id()["co-location-what-it-achieves"]
    check_golden("finding.md", entry_page(entry, corpus.by_id(), "corpus/findings/co-location-what-it-achieves.md"))


def test_index_pages_golden(corpus: Corpus) -> None:
    text = findings_index(corpus.of_kind("finding")) + "\n---8<---\n" + strategies_index(corpus.of_kind("strategy"))
    check_golden("indexes.md", text)


def test_empty_corpus_pages_say_so(tmp_path: Path) -> None:
    assert "*No terms yet.*" in glossary_page([])
    assert "*No events yet.*" in timeline_page([], {})
    assert "*No case studies yet.*" in gallery_page([])
