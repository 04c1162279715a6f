"""The BM25 query path agrees with bm25s without importing it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS

from indexer.corpus.entries import load_corpus
from indexer.search.lexical import LexicalIndex, _stemmer, tokenize

REPO = Path(__file__).resolve().parents[2]
QUERIES = [
    "what does co-location achieve",
    "One person who coordinates support for a family?",
    "TAC meeting (Team Around the Child)",
    "Children's centres' outcomes, 2004–2006: NESS & EPPE",
    "子供 multi-agency",
    "",
]


def _texts() -> list[str]:
    corpus = load_corpus(REPO / "corpus", REPO)
    return [f"{e.title}\n{e.summary}\n{e.body}" for e in corpus.entries]


def test_tokenize_matches_bm25s() -> None:
    texts = [*_texts(), *QUERIES]
    expected = bm25s.tokenize(
        texts, stopwords=list(STOPWORDS_EN_PLUS), stemmer=_stemmer(), return_ids=False, show_progress=False
    )
    assert tokenize(texts) == expected


def test_loaded_index_scores_match_bm25s(tmp_path: Path) -> None:
    texts = _texts()
    built = LexicalIndex.build(texts)
    built.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, len(texts))
    retriever = bm25s.BM25.load(str(tmp_path / "bm25"), show_progress=False)
    for query in QUERIES:
        tokens = [t for t in tokenize([query])[0] if t in retriever.vocab_dict]
        expected = retriever.get_scores(tokens) if tokens else np.zeros(len(texts))
        np.testing.assert_allclose(loaded.scores(query), expected, rtol=1e-6)
        np.testing.assert_allclose(built.scores(query), expected, rtol=1e-6)
    assert loaded.scores("what does co-location achieve").max() > 0


def test_query_path_imports_neither_bm25s_nor_scipy(tmp_path: Path) -> None:
    texts = ["Co-location means sharing a building.", "The lead professional co-ordinates support."]
    LexicalIndex.build(texts).save(tmp_path)
    code = (
        "import sys; from pathlib import Path; from indexer.search.lexical import LexicalIndex; "
        f"i = LexicalIndex.load(Path({str(tmp_path)!r}), 2); s = i.scores('sharing a building'); "
        "assert s[0] > 0 == s[1], s; "
        "bad = [m for m in ('bm25s', 'scipy') if m in sys.modules]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
