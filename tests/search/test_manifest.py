"""Which corpus files the index reads (``manifest.corpus_files``): the same list, in the same
order, as ``sorted(rglob(...))`` gave, on a tree of every awkward kind of entry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.search.manifest import _corpus_walk, corpus_files, corpus_stat


def _reference(corpus: Path) -> list[Path]:
    inside = corpus.resolve()
    return sorted(
        p for p in corpus.rglob("*")
        if p.is_file() and p.suffix in (".md", ".yml", ".yaml") and (not p.is_symlink() or p.resolve().is_relative_to(inside))
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "a" / "b").mkdir(parents=True)
    (corpus / "a-b").mkdir()
    (corpus / "dir.md").mkdir()  # a folder named like an entry
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    for name in ("x.md", "a/y.md", "a/b/z.yml", "a-b/w.yaml", ".hidden.md", ".md", "a/n.txt", "A.md", "a/b.md",
                 "é.md", "dir.md/inner.md"):
        (corpus / name).write_text("x", encoding="utf-8")
    (outside / "o.md").write_text("x", encoding="utf-8")
    (outside / "sub" / "s.md").write_text("x", encoding="utf-8")
    os.symlink(outside / "o.md", corpus / "link-out.md")  # leaves the corpus: not read
    os.symlink(corpus / "x.md", corpus / "a" / "link-in.md")  # stays inside: read
    os.symlink(outside, corpus / "linked-folder")  # a linked folder is not entered
    os.symlink(corpus / "a", corpus / "linked-inside")
    os.symlink(corpus / "nowhere.md", corpus / "broken.md")
    return corpus


def test_the_walk_gives_what_rglob_gave(tree: Path) -> None:
    walked = _corpus_walk(tree)
    assert [Path(path) for _rel, path in walked] == _reference(tree)
    assert all(rel == Path(path).relative_to(tree).as_posix() for rel, path in walked)
    assert [rel for rel, _path in walked] == [
        ".hidden.md", "A.md", "a/b/z.yml", "a/b.md", "a/link-in.md", "a/y.md", "a-b/w.yaml", "dir.md/inner.md",
        "x.md", "é.md",
    ]  # 'a/b.md' before 'a-b/': by path parts, as paths sort


def test_the_stat_of_the_walk_is_the_stat_of_the_files(tree: Path) -> None:
    root = tree.parent
    assert corpus_stat(root) == ("", 0)  # no bibliography: a file cannot be stat-ed
    (root / "bibliography.bib").write_text("", encoding="utf-8")
    stat = corpus_stat(root)
    assert stat[0] and stat == corpus_stat(root, corpus_files(root))
    (tree / "x.md").write_text("changed size")
    assert corpus_stat(root)[0] != stat[0]


def test_corpus_files_end_with_the_bibliography_and_a_missing_corpus_is_empty(tree: Path, tmp_path: Path) -> None:
    assert corpus_files(tmp_path)[-1] == tmp_path / "bibliography.bib"
    assert corpus_files(tmp_path / "nowhere") == [tmp_path / "nowhere" / "bibliography.bib"]
