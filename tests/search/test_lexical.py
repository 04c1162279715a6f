"""BM25: the query path agrees with bm25s without importing it; the bm25.npz file round-trips and
refuses what does not fit."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import bm25s
import numpy as np
import pytest
from bm25s.stopwords import STOPWORDS_EN_PLUS

from indexer.corpus.entries import load_corpus
from indexer.search.lexical import (
    BM25_B,
    BM25_K1,
    LexicalFormatError,
    LexicalIndex,
    _stemmer,
    fold,
    stopwords,
    tokenize,
)

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
        [fold(t) for t in texts], stopwords=list(STOPWORDS_EN_PLUS), stemmer=_stemmer(), return_ids=False, show_progress=False
    )
    assert tokenize(texts) == expected


def test_a_co_prefix_is_one_word_with_or_without_its_hyphen() -> None:
    assert tokenize(["Co-ordinates co\u2011operation", "coordinating cooperative"]) == [
        ["coordin", "cooper"], ["coordin", "cooper"]]
    assert tokenize(["eco-friendly co-2 taco-bell"]) == [["eco", "friend", "co", "taco", "bell"]]


def test_stop_words_are_bm25s_longer_list() -> None:
    assert stopwords() == frozenset(STOPWORDS_EN_PLUS)


def test_saved_index_scores_match_bm25s() -> None:
    texts = _texts()
    built = LexicalIndex.build(texts)
    loaded = LexicalIndex.from_bytes(built.to_bytes(), len(texts))
    retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    retriever.index(tokenize(texts), show_progress=False)
    for query in QUERIES:
        tokens = [t for t in tokenize([query])[0] if t in retriever.vocab_dict]
        expected = retriever.get_scores(tokens) if tokens else np.zeros(len(texts))
        np.testing.assert_allclose(loaded.scores(query), expected, rtol=1e-6)
        np.testing.assert_allclose(built.scores(query), expected, rtol=1e-6)
    assert loaded.scores("what does co-location achieve").max() > 0
    assert loaded.vocab == built.vocab and "" not in loaded.vocab


def test_the_file_is_an_npz_of_four_arrays_with_a_json_header() -> None:
    data = LexicalIndex.build(["Co-location means sharing a building.", "Sharing information."]).to_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        assert sorted(archive.files) == ["data", "header", "indices", "indptr"]
        header = json.loads(archive["header"].tobytes().decode("utf-8"))
        assert (archive["data"].dtype, archive["indices"].dtype, archive["indptr"].dtype) == (
            np.float32, np.int32, np.int64)
        assert len(archive["indptr"]) == len(header["vocab"]) + 1
    assert {k: header[k] for k in ("format", "version", "method", "k1", "b", "documents")} == {
        "format": "kb-bm25", "version": 2, "method": "lucene", "k1": BM25_K1, "b": BM25_B, "documents": 2}
    assert sorted(header["vocab"]) == ["build", "coloc", "inform", "mean", "share"]


def test_an_empty_index_round_trips() -> None:
    empty = LexicalIndex.from_bytes(LexicalIndex.build([]).to_bytes(), 0)
    assert empty.size == 0 and empty.scores("anything").shape == (0,)


def _rewrite(npz: bytes, **changes: object) -> bytes:
    """``npz`` (a bm25.npz) with header fields or arrays replaced."""
    with np.load(io.BytesIO(npz), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    header = json.loads(arrays["header"].tobytes())
    for name, value in changes.items():
        if name in arrays and name != "header":
            arrays[name] = value(arrays[name])  # type: ignore[operator]
        elif value is None:
            header.pop(name, None)
        else:
            header[name] = value
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"k1": 1.2}, "built with k1=1.2, b=0.75, not k1=1.5, b=0.75"),
        ({"version": 1}, "version 1, not 2"),
        ({"format": "bm25s"}, "not a kb-bm25 file"),
        ({"documents": 3}, "made for 3 chunks, not 2"),
        ({"indices": lambda a: np.where(a == a.max(), 5, a).astype(np.int32)}, "chunk numbers outside 0..1"),
        ({"indptr": lambda a: a[:-1]}, "arrays of the wrong shape for 3 tokens"),
        ({"indptr": lambda a: a[::-1].copy()}, "indptr out of order"),
        ({"data": lambda a: a.astype(np.float64)}, "arrays of the wrong type"),
    ],
)
def test_a_file_that_does_not_fit_is_refused_saying_why(change: dict[str, object], message: str) -> None:
    data = LexicalIndex.build(["sharing a building", "sharing information building"]).to_bytes()
    with pytest.raises(LexicalFormatError, match=f"^{re.escape(message)}$"):
        LexicalIndex.from_bytes(_rewrite(data, **change), 2)


def test_bytes_that_are_not_an_archive_are_refused() -> None:
    with pytest.raises(LexicalFormatError, match=r"^not a \.npz archive"):
        LexicalIndex.from_bytes(b"PK\x03\x04 torn", 2)


def test_query_path_imports_neither_bm25s_nor_scipy(tmp_path: Path) -> None:
    texts = ["Co-location means sharing a building.", "The lead professional co-ordinates support."]
    (tmp_path / "bm25.npz").write_bytes(LexicalIndex.build(texts).to_bytes())
    code = (
        "import sys; from pathlib import Path; from indexer.search.lexical import LexicalIndex; "
        f"i = LexicalIndex.from_bytes(Path({str(tmp_path / 'bm25.npz')!r}).read_bytes(), 2); "
        "s = i.scores('sharing a building'); assert s[0] > 0 == s[1], s; "
        "bad = [m for m in ('bm25s', 'scipy') if m in sys.modules]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
