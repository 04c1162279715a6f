"""Fixtures for the Node suite (tests/js/*.test.mjs), written from the Python engine.

``write_fixtures(project, out, embedder, node_modules)`` indexes ``project`` (the repository's
corpus, in a copy) with ``embedder`` (``WordVectorEmbedder``, a fake: no model) and writes into
``out``:

* ``index.json``: the site's search index (``search_assets.index_document``), what the page gets;
* ``vectors.f32``: the chunk vectors as FAISS holds them (float32, row-major), so that the JS
  dense ranking sees the vectors ``kb search`` sees;
* ``vendor/``: the stemmer's files as the site ships them (``search_assets.VENDOR_FILES``);
* ``cases.json``: per word, its token(s) and Snowball stem from ``indexer.search.lexical``; per odd
  text, its tokens; fusion inputs and outputs; and per query its expansion, its BM25 scores
  (every chunk), its query vector, the top 10 in lexical, semantic and hybrid mode, the hybrid
  results grouped by entry (``indexer.search.grouping``), and the extractive answer
  (``indexer.search.answer``): its candidate sentences, their vectors, and the sentences chosen.

Run by tests/js/test_js_engine.py into ``tmp_path`` (so they are never stale), or by hand:
``python tests/js/jsfixtures.py OUT`` then ``KB_JS_FIXTURES=OUT node --test tests/js/``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
OOV_WORDS = HERE / "fixtures" / "oov_words.txt"
QUERIES = REPO / "tests" / "queries" / "project_queries.json"
TOP = 10

#: queries with words the corpus lacks (stems the old 10-suffix guesser got wrong among them)
OOV_QUERIES = (
    "communicative practitioners",
    "communicatively coordinated agencies",
    "internationalisation of early years policy",
    "organisationally fragmented services",
    "multidisciplinary collaboratively",
    "safeguarding toddlers hospitalised",
    "paediatricians and midwives liaising",
    "interprofessionally",
    "bureaucratically duplicated paperwork",
    "co-locating nurseries beside surgeries",
    "disadvantaged neighbourhoods regeneration",
    "fathers' involvement in children's centres",
    "evaluations of sure start programmes",
    "accountabilities of local authorities",
    "trustworthiness between professions",
    "xylophone zeppelin",
    "quixotically",
    "dying lying tying",
    "skies skis news",
    "generously funded",
)
#: odd queries: glossary names, acronyms, punctuation, Unicode, stop words only, numbers
ODD_QUERIES = (
    "TAC", "TACs", "what is a CAF", "CAF", "EYDCPs and SSLPs", "LA duties", "la la land", "EY",
    "Team Around the Child", "one-stop shop", "children’s trust", "“lead professional”",
    "the of and to", "what how why", "2006", "Childcare Act 2006", "Every Child Matters (2003)",
    "naïve café façade", "straße", "ελληνικά", "日本語", "a", "x", "co-location", "co—location",
    "information-sharing/consent", "sure_start", "C.A.F.", "multi-agency working!!!",
    "  spaced    out   query  ", "SAFEGUARDING", "Safeguarding children's boards",
    "key worker key worker key worker", "health visitors health visitors",
)
#: texts for the tokenizer alone (not searched)
ODD_TEXTS = (
    "Sure Start children's centres (SSCCs) — 1998/99: £540m",
    "İstanbul ǅemal ẞig Ωmega ﬁnance",
    "snake_case_words and CamelCaseWords; e-mail, e.g., i.e.",
    "a1 b2 c3 x 9 99 999 1,000 3.14 ½ ² ⅷ",
    "don't won't children’s o'clock 'quoted'",
    "tab\tnew\nline\r\nend",
    "emoji 🙂 kids 👶 and ZWJ 👨‍👩‍👧",
    "combining e\u0301 vs é, hangul 한국어, arabic العربية, devanagari हिन्दी",
)


class WordVectorEmbedder:
    """A fake embedder (no model) for the parity fixtures: the sum of a pseudo-random Gaussian
    vector per lowercase word (seeded by the word's hash), normalised, 384 dimensions as
    all-MiniLM-L6-v2. Texts sharing words are close, and unlike ``conftest.FakeEmbedder``'s 64
    hashed buckets the scores are continuous: no exact ties, whose order would depend on how
    FAISS rounds its float32 sums rather than on the engines."""

    model_id = "fake/word-vectors-384"
    dim = 384

    def __init__(self) -> None:
        self._words: dict[str, np.ndarray] = {}

    def _word(self, word: str) -> np.ndarray:
        if word not in self._words:
            seed = int.from_bytes(hashlib.md5(word.encode()).digest()[:8], "little")
            self._words[word] = np.random.default_rng(seed).standard_normal(self.dim)
        return self._words[word]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            total = np.zeros(self.dim)
            for word in re.findall(r"\w+", text.lower()) or ["<empty>"]:
                total += self._word(word)
            out[row] = total / max(float(np.linalg.norm(total)), 1e-12)
        return out


def corpus_words(project: Path) -> list[str]:
    words: set[str] = set()
    for path in sorted((project / "corpus").rglob("*.md")):
        words.update(re.findall(r"(?u)\b\w\w+\b", path.read_text(encoding="utf-8").lower()))
    return sorted(words)


def oov_words() -> list[str]:
    lines = OOV_WORDS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def queries() -> list[str]:
    project = [q["q"] for q in json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]]
    return [*project, *OOV_QUERIES, *ODD_QUERIES]


def _fusion_cases() -> list[dict[str, Any]]:
    from indexer.search.query import RRF_K, reciprocal_rank_fusion

    rng = random.Random(7)
    cases = []
    for n in range(20):
        rankings = [rng.sample(range(60), rng.randint(0, 40)) for _ in range(rng.randint(1, 3))]
        k = RRF_K if n % 2 else rng.randint(1, 100)
        cases.append({"rankings": rankings, "k": k,
                      "fused": [[i, s] for i, s in reciprocal_rank_fusion(rankings, k)]})
    return cases


def _answer_case(searcher: Any, query: str, position: dict[int, int]) -> dict[str, Any]:
    """The hybrid groups and the answer of ``query``, with the candidates' vectors."""
    from indexer.search import answer as a
    from indexer.search.respond import respond

    response = respond(searcher, query, top_k=TOP)
    words = respond(searcher, query, mode="lexical", top_k=TOP)
    pool = a.candidates(response.groups)
    vectors = [[float(x) for x in row] for row in searcher.embedder.encode([c.text for c in pool])] if pool else []
    chosen = a.select(pool, vectors, [float(x) for x in response.results.vector[0]])
    return {
        "groups": [{"id": g.chunk.path_id, "hits": [position[id(h.chunk)] for h in g.hits], "score": g.score,
                    "roles": list(g.roles), "summary": g.summary, "synthesis": g.synthesis}
                   for g in response.groups],
        "lexical_groups": [g.chunk.path_id for g in words.groups],
        "candidates": [{"text": c.text, "chunk": position[id(c.chunk)], "line": c.line, "cite": c.cite,
                        "citations": [r.key for r in c.citations], "share": c.share} for c in pool],
        "candidate_vectors": vectors,
        "answer": {"sentences": [next(n for n, p in enumerate(pool) if p is c) for c, _r in chosen.sentences],
                   "best": chosen.best,
                   "reason": chosen.reason},
    }


def write_fixtures(project: Path, out: Path, embedder: Callable[[], Any], node_modules: Path) -> dict[str, int]:
    """Index ``project`` and write the fixtures into ``out``; returns counts for the report."""
    from indexer.search.build import build_index
    from indexer.search.lexical import _stemmer, tokenize
    from indexer.search.query import Searcher
    from indexer.search.store import load_index
    from indexer.site import search_assets as sa

    build_index(project, embedder=embedder)
    fake = embedder()
    index = load_index(project, fake.model_id)
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.json").write_text(json.dumps(sa.index_document(index, None, None), ensure_ascii=False),
                                    encoding="utf-8")
    vectors = np.stack([index.dense.reconstruct(i) for i in range(index.dense.ntotal)]).astype("<f4")
    (out / "vectors.f32").write_bytes(vectors.tobytes())
    (out / "vendor").mkdir(exist_ok=True)
    for name, path in sa.vendor_sources(node_modules).items():
        if name.startswith("stemmer"):  # the lexical stage's files (not the 14 MB of onnxruntime)
            shutil.copyfile(path, out / "vendor" / name)

    words = sorted(set(corpus_words(project)) | set(oov_words()))
    stems = _stemmer().stemWords(words)
    searcher = Searcher(index, fake)
    position = {id(c): n for n, c in enumerate(index.chunks)}
    query_cases = []
    for query in queries():
        lexical = searcher.search(query, mode="lexical", top_k=TOP)
        expansion = lexical.expansion
        vector = fake.encode([expansion.text])[0]
        case: dict[str, Any] = {
            "query": query,
            "expansion": {"text": expansion.text, "extra": expansion.extra, "added": list(expansion.added),
                          "decoded": list(expansion.decoded)},
            "tokens": tokenize([expansion.text])[0],
            "bm25": [float(x) for x in index.lexical.scores(expansion.text)],
            "bm25_extra": [float(x) for x in index.lexical.scores(expansion.extra)] if expansion.extra else None,
            "vector": [float(x) for x in vector],
            "lexical": [[position[id(h.chunk)], h.score] for h in lexical.hits],
        }
        for mode in ("semantic", "hybrid"):
            hits = searcher.search(query, mode=mode, top_k=TOP).hits
            case[mode] = [[position[id(h.chunk)], h.score] for h in hits]
        case.update(_answer_case(searcher, query, position))
        query_cases.append(case)
    cases = {
        "top": TOP,
        "words": words,
        "word_tokens": tokenize(words),
        "stems": stems,
        "texts": [{"text": t, "tokens": tokenize([t])[0]} for t in ODD_TEXTS],
        "fusion": _fusion_cases(),
        "queries": query_cases,
    }
    (out / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    return {"words": len(words), "queries": len(query_cases), "chunks": len(index.chunks)}


def copy_project(target: Path) -> Path:
    """The repository's corpus and bibliography, copied to ``target`` (the index goes there)."""
    shutil.copytree(REPO / "corpus", target / "corpus")
    shutil.copyfile(REPO / "bibliography.bib", target / "bibliography.bib")
    return target


if __name__ == "__main__":  # pragma: no cover - by hand
    target = Path(sys.argv[1])
    project = copy_project(target / "project")
    print(write_fixtures(project, target, WordVectorEmbedder, REPO / "node_modules"))
