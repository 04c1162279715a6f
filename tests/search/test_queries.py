"""The project's query set (tests/queries/): its size, and that its paraphrases really share no
word with the passages that answer them.

A paraphrase that lists ``passages`` must share no content word with any of them: the query and
each passage (its entry's title, section path and text, as the index reads them) are tokenised
by the lexical retriever's own tokenizer (lowercase, stop words removed, Snowball stems), and
the two sets of stems must not meet. Each listed passage must also count as relevant by the
query's own ``all`` patterns, so that the scores reward finding it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from indexer.corpus.bibliography import load_bibliography
from indexer.corpus.entries import load_corpus
from indexer.search.chunking import chunk_corpus, embed_text
from indexer.search.lexical import tokenize

REPO = Path(__file__).resolve().parents[2]
QUERIES = REPO / "tests" / "queries"
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _load(name: str) -> list[dict[str, Any]]:
    data = json.loads((QUERIES / name).read_text(encoding="utf-8"))
    queries: list[dict[str, Any]] = data["queries"]
    return queries


@pytest.fixture(scope="module")
def sections() -> dict[str, str]:
    """Every section of the corpus (parts of a split section joined), by chunk id without ``~N``:
    the text the index reads (title, section path, text)."""
    corpus = load_corpus(REPO / "corpus", display_root=REPO)
    bibliography = load_bibliography(REPO / "bibliography.bib", REPO)
    chunks = chunk_corpus(corpus.entries, bibliography.references, lambda text: len(text.split()), 10**6)
    out: dict[str, str] = {}
    for chunk in chunks:
        key = chunk.id.split("~", 1)[0]
        text = embed_text(chunk.title, chunk.section_path, chunk.text)
        out[key] = f"{out[key]}\n{chunk.text}" if key in out else text
    return out


def test_the_query_set_is_large_enough() -> None:
    answerable = [q for name in ("dev_queries.json", "project_queries.json", "paraphrase_queries.json")
                  for q in _load(name)]
    unanswerable = _load("unanswerable_queries.json")
    assert len(answerable) + len(unanswerable) >= 150
    assert len(unanswerable) >= 20
    assert sum(1 for q in _load("paraphrase_queries.json") if q.get("passages")) >= 60
    ids = [q["id"] for q in answerable + unanswerable]
    assert len(ids) == len(set(ids)), "query ids are not unique"
    for q in answerable:
        assert q["q"].strip() and q["all"], q["id"]
        for pattern in q["all"]:
            re.compile(pattern)


def test_paraphrases_share_no_content_word_with_their_passages(sections: dict[str, str]) -> None:
    listed = [q for q in _load("paraphrase_queries.json") if q.get("passages")]
    problems = []
    for q in listed:
        words = set(tokenize([q["q"]])[0])
        assert words, f"{q['id']}: no content word at all"
        for passage in q["passages"]:
            if passage not in sections:
                problems.append(f"{q['id']}: no passage {passage!r} in the corpus")
                continue
            text = sections[passage]
            shared = words & set(tokenize([text])[0])
            if shared:
                problems.append(f"{q['id']}: shares {sorted(shared)} with {passage}")
            blob = text.translate(QUOTES)
            if not all(re.search(p, blob, re.IGNORECASE) for p in q["all"]):
                problems.append(f"{q['id']}: {passage} does not match its patterns {q['all']}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_shared_stem(sections: dict[str, str]) -> None:
    """The check is not vacuous: a query using the passage's own word (in another form) fails it."""
    text = sections["glossary/work-shadowing"]
    assert set(tokenize(["shadowed colleagues"])[0]) & set(tokenize([text])[0]) == {"shadow", "colleagu"}
    assert not set(tokenize(["what is the"])[0])
