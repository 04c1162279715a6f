"""The browser's model against the fp32 ONNX export, with the real model (marked ``model``).

The scheme of ``indexer/site/browser_model.py`` is kept only if, over the project's queries
(tests/queries/*.json), the browser model's query embeddings stay at cosine >= MIN_COSINE to
the export's and the passages they retrieve (among the corpus's own, embedded by the export)
stay the same ones. Measured when the scheme was chosen (1,057 passages, 120 queries):
cosine min 0.9972, median 0.9985; top-10 overlap 0.967; the same first passage for 97.5%.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sitebuild import REPO

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from indexer.search.embedding import SentenceTransformerEmbedder, export_onnx

    folder = tmp_path_factory.mktemp("export")
    export_onnx(folder, SentenceTransformerEmbedder())
    return folder


def _queries() -> list[str]:
    texts = []
    for path in sorted((REPO / "tests" / "queries").glob("*.json")):
        texts += [q["q"] for q in json.loads(path.read_text(encoding="utf-8"))["queries"]]
    assert len(texts) >= 100
    return texts


def _passages(tokenizer: Path) -> list[str]:
    from indexer.corpus.bibliography import load_bibliography
    from indexer.corpus.entries import load_corpus
    from indexer.search.chunking import chunk_corpus
    from indexer.search.embedding import token_counter

    corpus = load_corpus(REPO / "corpus")
    bib = load_bibliography(REPO / "bibliography.bib")
    chunks = chunk_corpus(corpus.entries, bib.references, token_counter(tokenizer))
    return [c.embed_text for c in chunks[::3]]  # a third of the corpus keeps the test short


def test_browser_model_keeps_the_queries_and_their_passages(export: Path, tmp_path: Path) -> None:
    from indexer.search.embedding import ONNX_DATA, OnnxEmbedder
    from indexer.site.browser_model import MIN_COSINE, SCHEME, browser_model

    small = browser_model(export)
    folder = tmp_path / "browser"
    folder.mkdir()
    shutil.copy(small, folder / "model.onnx")
    shutil.copy(export / "tokenizer.json", folder / "tokenizer.json")
    # the export keeps its weights beside the graph; the browser's model is one file
    exported = sum((export / name).stat().st_size for name in ("model.onnx", ONNX_DATA))
    assert (folder / "model.onnx").stat().st_size < exported / 4.5

    full, browser = OnnxEmbedder(export, "export"), OnnxEmbedder(folder, SCHEME.name)
    queries = _queries()
    reference, got = full.encode(queries), browser.encode(queries)
    cosines = (reference * got).sum(axis=1)
    assert cosines.min() >= MIN_COSINE, sorted(zip(cosines.round(4).tolist(), queries, strict=True))[:5]
    assert float(np.median(cosines)) >= 0.998

    passages = full.encode(_passages(export / "tokenizer.json"))
    top_full = np.argsort(-(passages @ reference.T), axis=0)[:10].T
    top_browser = np.argsort(-(passages @ got.T), axis=0)[:10].T
    overlap = [len(set(a) & set(b)) / 10 for a, b in zip(top_full, top_browser, strict=True)]
    assert float(np.mean(overlap)) >= 0.93 and min(overlap) >= 0.7, overlap
    assert float(np.mean(top_full[:, 0] == top_browser[:, 0])) >= 0.95
