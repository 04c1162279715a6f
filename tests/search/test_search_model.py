"""Tests with the real model (marked ``model``): the index of the project's own corpus is
built once per session in a temporary copy (about a minute)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.corpus.markdown import MAX_TOKENS
from indexer.search.bench import load_queries, quality
from indexer.search.build import build_index
from indexer.search.embedding import OnnxEmbedder, SentenceTransformerEmbedder, max_cosine_distance
from indexer.search.query import Searcher, open_searcher
from indexer.search.store import load_index

pytestmark = pytest.mark.model

PROJECT = Path(__file__).parents[2]
PROJECT_QUERIES = Path(__file__).parent.parent / "queries" / "project_queries.json"
DEV_QUERIES = PROJECT / "tests" / "queries" / "dev_queries.json"
#: floors set from measurement (hybrid measured S@5 1.00, MRR@10 0.98 on the project's queries,
#: S@5 1.00, MRR@10 0.97 on dev_queries.json), with room for the corpus to change
FLOORS = {"project": (0.92, 0.88), "dev": (0.93, 0.85)}


@pytest.fixture(scope="session")
def st_embedder() -> SentenceTransformerEmbedder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def real_project(tmp_path_factory: pytest.TempPathFactory, st_embedder: SentenceTransformerEmbedder) -> Path:
    root = tmp_path_factory.mktemp("real") / "project"
    shutil.copytree(PROJECT / "corpus", root / "corpus")
    shutil.copyfile(PROJECT / "bibliography.bib", root / "bibliography.bib")
    report = build_index(root, embedder=lambda: st_embedder)
    assert report.exported and report.chunks > 0
    return root


@pytest.fixture(scope="session")
def real_searcher(real_project: Path) -> Searcher:
    return open_searcher(real_project)


def test_onnx_query_embeddings_equal_sentence_transformers(
    real_searcher: Searcher, st_embedder: SentenceTransformerEmbedder
) -> None:
    assert isinstance(real_searcher.embedder, OnnxEmbedder)
    texts = [
        "TAC meeting",
        "one person who coordinates support for a family",
        "協力して働く",
        "",
        "partnership " * 400,  # past 256 word pieces: both truncate at the same place
        *[c.embed_text for c in real_searcher.index.chunks[:40]],
    ]
    assert max_cosine_distance(real_searcher.embedder.encode(texts), st_embedder.encode(texts)) <= 1e-5


def test_index_vectors_are_the_models_and_no_chunk_is_cut_off(
    real_project: Path, st_embedder: SentenceTransformerEmbedder
) -> None:
    import numpy as np

    index = load_index(real_project, st_embedder.model_id)
    tokenizer = st_embedder.model.tokenizer
    lengths = [len(tokenizer(c.embed_text)["input_ids"]) for c in index.chunks]
    assert max(lengths) <= MAX_TOKENS
    sample = [0, len(index.chunks) // 2, len(index.chunks) - 1]
    stored = np.stack([index.dense.reconstruct(i) for i in sample])
    fresh = st_embedder.encode([index.chunks[i].embed_text for i in sample])
    assert max_cosine_distance(stored, fresh) <= 1e-5


def test_cold_search_does_not_import_torch(real_project: Path) -> None:
    code = (
        "import sys, json\n"
        "from indexer.cli import main\n"
        "try:\n"
        "    main(['search', 'what does co-location achieve', '--json', '--root', sys.argv[1]])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]\n"
        "print(json.dumps(heavy), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(real_project)], capture_output=True, text=True, check=True)
    assert json.loads(proc.stderr.strip().splitlines()[-1]) == []
    results = json.loads(proc.stdout)["results"]
    assert len(results) == 10 and results[0]["citations"]


def test_small_update_embeds_with_onnx_and_matches(real_project: Path, st_embedder: SentenceTransformerEmbedder) -> None:
    entry = sorted((real_project / "corpus" / "glossary").glob("*.md"))[0]
    head, sep, body = entry.read_text(encoding="utf-8").partition("\n---\n")  # after the front matter
    entry.write_text(f"{head}{sep}\nA sentence added by the test.\n{body}", encoding="utf-8")
    report = build_index(real_project)  # default embedder: ONNX for a few changed chunks, no torch load
    assert 1 <= report.embedded <= 3 and not report.exported
    index = load_index(real_project, st_embedder.model_id)
    changed = [i for i, c in enumerate(index.chunks) if "added by the test" in c.text]
    assert changed
    import numpy as np

    stored = np.stack([index.dense.reconstruct(i) for i in changed])
    fresh = st_embedder.encode([index.chunks[i].embed_text for i in changed])
    assert max_cosine_distance(stored, fresh) <= 1e-5


@pytest.mark.parametrize("name", ["project", "dev"])
def test_hybrid_quality_above_floor_and_above_lexical(real_searcher: Searcher, name: str) -> None:
    path = PROJECT_QUERIES if name == "project" else DEV_QUERIES
    queries = load_queries(path)
    hybrid, lexical = quality(real_searcher, queries, "hybrid"), quality(real_searcher, queries, "lexical")
    floor_s5, floor_mrr = FLOORS[name]
    assert hybrid.s5 >= floor_s5 and hybrid.mrr10 >= floor_mrr, str(hybrid)
    assert hybrid.mrr10 >= lexical.mrr10, f"hybrid {hybrid} below lexical {lexical}"


def test_glossary_acronyms_find_their_terms(real_searcher: Searcher) -> None:
    for query, term in [("TAC meeting", "Team Around the Child"), ("CAF", "Common Assessment Framework"),
                        ("EYDCP", "Early Years Development and Childcare Partnership"), ("NPQICL", "NPQICL")]:
        hits = real_searcher.search(query, top_k=3).hits
        assert any(term.lower() in (h.chunk.title + " " + h.chunk.text).lower() for h in hits), query


# -- results grouped by entry and the extractive answer (issue 13) --------------------------------

PARAPHRASE_QUERIES = PROJECT / "tests" / "queries" / "paraphrase_queries.json"
UNANSWERABLE_QUERIES = PROJECT / "tests" / "queries" / "unanswerable_queries.json"


def _first_relevant(flags: list[bool]) -> int | None:
    return next((n + 1 for n, f in enumerate(flags) if f), None)


@pytest.mark.parametrize("path", [PROJECT_QUERIES, DEV_QUERIES, PARAPHRASE_QUERIES], ids=["project", "dev", "paraphrase"])
def test_groups_rank_entries_no_worse_than_the_passages(real_searcher: Searcher, path: Path) -> None:
    from indexer.search.bench import relevant
    from indexer.search.respond import respond

    passages_rr = groups_rr = 0.0
    queries = load_queries(path)
    for q in queries:
        response = respond(real_searcher, q["q"], top_k=10)
        first_passage = _first_relevant([relevant(h.to_dict(), q["all"]) for h in response.results.hits])
        shown = [{"title": g.chunk.title, "section": g.chunk.section, "text": g.shown_text()} for g in response.groups]
        first_group = _first_relevant([relevant(s, q["all"]) for s in shown])  # judged on the passage shown
        passages_rr += 1 / first_passage if first_passage else 0.0
        groups_rr += 1 / first_group if first_group else 0.0
    assert groups_rr / len(queries) >= passages_rr / len(queries) - 0.01, (groups_rr, passages_rr)


def test_one_person_who_coordinates_support_finds_the_lead_professional(real_searcher: Searcher) -> None:
    from indexer.search.respond import respond

    response = respond(real_searcher, "one person who coordinates support for a family", top_k=10, with_answer=True)
    titles = [g.chunk.title.lower() for g in response.groups]
    assert any("lead professional" in t for t in titles[:2]), titles
    assert sum("supporting families" in t for t in titles) <= 1  # one card, not three places
    assert response.answer is not None and response.answer.sentences
    first, _relevance = response.answer.sentences[0]
    assert "lead professional" in first.chunk.title.lower(), first.text


def test_what_does_co_location_achieve_answers_from_co_location_entries(real_searcher: Searcher) -> None:
    from indexer.search.respond import respond

    response = respond(real_searcher, "what does co-location achieve", top_k=10, with_answer=True)
    assert all("co-locat" in g.chunk.title.lower() for g in response.groups[:3])
    assert response.answer is not None and 2 <= len(response.answer.sentences) <= 4
    assert all("co-locat" in c.chunk.title.lower() for c, _r in response.answer.sentences)
    assert response.answer.entries >= 2
    paragraphs = [c.paragraph for c, _r in response.answer.sentences]
    assert len(paragraphs) == len(set(paragraphs))
    for candidate, _r in response.answer.sentences:
        assert candidate.text in candidate.chunk.text  # verbatim
        assert candidate.citations  # every sentence names its source


def test_questions_the_corpus_cannot_answer_get_no_answer(real_searcher: Searcher) -> None:
    from indexer.search.respond import respond

    unanswerable = [q["q"] for q in load_queries(UNANSWERABLE_QUERIES)]
    assert len(unanswerable) >= 20
    refused = [q for q in unanswerable if not respond(real_searcher, q, with_answer=True).answer.sentences]  # type: ignore[union-attr]
    assert len(refused) >= 0.9 * len(unanswerable), sorted(set(unanswerable) - set(refused))
    for q in ("jogging shoes", "capital of France", "how to bake bread"):
        assert q in refused
    answerable = [q["q"] for path in (PROJECT_QUERIES, DEV_QUERIES) for q in load_queries(path)]
    answered = [q for q in answerable if respond(real_searcher, q, with_answer=True).answer.sentences]  # type: ignore[union-attr]
    assert len(answered) >= 0.9 * len(answerable), sorted(set(answerable) - set(answered))


def test_editorial_notes_are_never_snippets_or_answer_sentences(real_searcher: Searcher) -> None:
    from indexer.search.respond import respond

    for query in ("McInnes's text spells Bertam", "spelling slips in the source corrected", "Halsy or Halsey"):
        response = respond(real_searcher, query, top_k=10, with_answer=True)
        for group in response.groups:
            assert "spells" not in group.shown_text(), (query, group.chunk.id)
        assert response.answer is not None
        for candidate, _r in response.answer.sentences:
            assert "spell" not in candidate.text.lower(), candidate.text
