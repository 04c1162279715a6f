"""scripts/grow_corpus.py: an N-fold corpus that kb check accepts, with no two passages equal."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from indexer.corpus.check import run_check
from indexer.corpus.markdown import MAX_TOKENS
from indexer.search.chunking import chunk_entry
from indexer.search.embedding import token_counter

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "grow_corpus.py"
FACTOR = 3


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grown") / "project"
    done = subprocess.run([sys.executable, str(SCRIPT), str(REPO), str(out), "--factor", str(FACTOR)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    source_entries = len(list((REPO / "corpus").rglob("*.md")))
    themes = len(list((REPO / "corpus" / "themes").glob("*.md")))  # one landing page per theme, not copied
    expected = FACTOR * (source_entries - themes) + themes
    assert done.stdout.strip() == f"wrote {expected} entries ({FACTOR}x) to {out}"
    return out


def test_the_grown_corpus_has_the_sources_problems_and_no_new_error(grown: Path) -> None:
    source, copy = run_check(REPO), run_check(grown)
    themes = sum(e.kind == "theme" for e in source.corpus.entries)  # not copied
    assert len(copy.corpus.entries) == FACTOR * (len(source.corpus.entries) - themes) + themes
    assert [str(p) for p in copy.errors] == [str(p) for p in source.errors]  # the bibliography's, if any
    def unnumbered(problem: object) -> str:  # the note of a copy as the note of its original
        return re.sub(r"(?:-v\d+)?\.md:\d+:", ".md:", str(problem))

    # the copies add no note: a short uncited paragraph stays under kb check's length for a claim
    assert {unnumbered(p) for p in copy.notes} == {unnumbered(p) for p in source.notes}
    assert len(copy.notes) == len(source.notes) + sum(
        (FACTOR - 1) * (".md:" in str(p) and "/themes/" not in str(p)) for p in source.notes)


def test_the_script_counts_words_as_kb_check_does() -> None:
    import importlib.util

    from indexer.corpus import check

    spec = importlib.util.spec_from_file_location("grow_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.CLAIM_WORDS == check._MIN_CLAIM_WORDS
    lines = ["See the [case](../x.md) and the [event](../y.md), both of them here.", "",
             "Lead in [@a2000b]:", "", "- an item with no citation but covered by the lead in above it"]
    assert module.short_uncited_lines(lines) == {0: 10}  # ten words; the item is covered


def test_copies_link_to_their_own_copy_and_keep_the_front_matter(grown: Path) -> None:
    copy = {e.id: e for e in run_check(grown).corpus.entries}
    original, third = copy["co-location-what-it-achieves"], copy["co-location-what-it-achieves-v3"]
    assert third.title == f"{original.title} (3)"
    assert third.related == tuple(f"{r}-v3" for r in original.related)
    assert (third.sources, third.tags, third.kind) == (original.sources, original.tags, original.kind)
    links = re.findall(r"\]\(([^)]+\.md)(?:#[^)]*)?\)", third.body)
    assert links and all(re.search(r"-v3\.md$", link) for link in links)
    assert third.body != original.body


def _passages(root: Path) -> list[str]:
    report = run_check(root)
    count = token_counter()
    refs = report.bibliography.references
    return [c.text for e in report.corpus.entries for c in chunk_entry(e, refs, count, MAX_TOKENS)]


def _repeated(texts: list[str]) -> set[str]:
    return {text for text, n in Counter(texts).items() if n > 1}


def test_no_two_passages_are_equal_beyond_the_sources_own(grown: Path) -> None:
    source, copy = _passages(REPO), _passages(grown)
    assert len(copy) >= FACTOR * len(source)
    # the copies add no equal pair; the source's own (one editorial note in two entries today) stay
    assert _repeated(copy) == _repeated(source)
    assert len(_repeated(source)) <= 1


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("x")
    done = subprocess.run([sys.executable, str(SCRIPT), str(REPO), str(tmp_path), "--factor", "2"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == f"grow_corpus: {tmp_path}: not empty (the grown corpus needs a new or empty folder)"
