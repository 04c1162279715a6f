"""An extractive answer: two to four sentences taken verbatim from the best entries, no generation.

Candidates are the sentences of the best passages (``ANSWER_ENTRIES`` groups, ``PASSAGES_PER_ENTRY``
passages each, in rank order, at most ``MAX_CANDIDATES``), from the entry's own text only: never
an editorial note, the editors' synthesis, a list of works or a table row (``passages``), nor a
question or a pointer to another page ("See ..."). Each
is embedded by the search model; its relevance is its cosine to the query. The answer is chosen
by maximal marginal relevance (``MMR_LAMBDA``: relevance against likeness to the sentences
already chosen), never two sentences from one paragraph and at most ``PER_ENTRY`` from one
entry, each at least ``MIN_RELEVANCE`` and within ``MAX_DROP`` of the best, and, but for the
most relevant sentence of all, from an entry whose score is at least ``ENTRY_SHARE`` of the
best entry's (a sentence of a weaker entry that merely shares the query's words, such as a
title, does not join the answer). When the best is
below ``MIN_RELEVANCE`` there is no answer: the corpus does not answer the question well (the
threshold is set from measurement, docs/search.md). Each sentence keeps its in-text citation as
the passage gives it; a sentence without one gets its paragraph's next (else previous) one; a
sentence whose paragraph cites nothing (an entry's summary, say) is not a candidate.
The browser runs the same steps (``indexer/site/js/answer.js``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .chunk import Chunk, CitationRef
from .grouping import Group
from .passages import TEXT
from .sentences import split_sentences

ANSWER_ENTRIES = 3
#: a sentence (but the most relevant) comes from an entry scoring at least this share of the best's
ENTRY_SHARE = 0.8
PASSAGES_PER_ENTRY = 2
MAX_CANDIDATES = 16
MAX_SENTENCES = 4
PER_ENTRY = 2
MMR_LAMBDA = 0.7
#: the least cosine between query and sentence for a sentence to be part of an answer
MIN_RELEVANCE = 0.35
#: a further sentence is at most this much less relevant than the best
MAX_DROP = 0.12
MIN_WORDS = 6
MAX_CHARS = 400

_CITE_RE = re.compile(r"\([^()]*\b(?:1[5-9]|20)\d\d[a-z]?\b[^()]*\)|\([^()]*\bn\.d\.[^()]*\)")
#: a narrative citation's bracket, "(2006)" or "(2006, p. 4)": its author stands outside it, so a
#: sentence without a citation of its own never borrows it
_YEAR_ONLY_RE = re.compile(r"^\((?:(?:1[5-9]|20)\d\d[a-z]?|n\.d\.)(?:,[^()]*)?\)$")
_WORDS_RE = re.compile(r"\w+")
#: sentences that point elsewhere rather than say something ("See ...", "... is discussed in ...")
_POINTER_RE = re.compile(r"^(?:See|For more|For details|Compare)\b|\b(?:is|are) (?:set out|discussed|described) in\b")

Encode = Callable[[Sequence[str]], Any]


@dataclass(frozen=True)
class Candidate:
    """A sentence that may be part of an answer, with where it comes from."""

    text: str
    chunk: Chunk
    line: int  # the paragraph: its line in the chunk's text
    group: int  # the rank of its entry's group
    cite: str  # the in-text citation shown with it ('' when the sentence has its own)
    citations: tuple[CitationRef, ...]
    share: float = 1.0  # its entry's score over the best entry's

    @property
    def paragraph(self) -> str:
        return f"{self.chunk.id}\n{self.line}"

    def to_dict(self, relevance: float) -> dict[str, Any]:
        return {
            "text": self.text,
            "cite": self.cite,
            "id": self.chunk.path_id,
            "passage": self.chunk.id,
            "title": self.chunk.title,
            "section": self.chunk.section,
            "url": self.chunk.url,
            "relevance": round(relevance, 4),
            "citations": [c.to_dict() for c in self.citations],
        }


def _cited(refs: Sequence[CitationRef], context: str) -> tuple[CitationRef, ...]:
    """The works of ``refs`` that ``context`` names (the author's first word and the year)."""
    found = []
    words = set(_WORDS_RE.findall(context))
    for ref in refs:
        first = _WORDS_RE.findall(ref.author)
        if first and first[0] in words and (not ref.year or ref.year in context):
            found.append(ref)
    if not found:  # a narrative citation whose author stands outside the sentence: its year alone
        by_year = [ref for ref in refs if ref.year and re.search(rf"\b{re.escape(ref.year)}\b", context)]
        found = by_year if len(by_year) == 1 else []
    return tuple(found)


def sentence_candidates(line: str, chunk: Chunk, number: int, group: int, share: float = 1.0) -> list[Candidate]:
    """The sentences of one paragraph that could be answer sentences, with their citations."""
    spans = [(m.start(), m.end(), m.group(0)) for m in _CITE_RE.finditer(line)]
    out = []
    cursor = 0
    for sentence in split_sentences(line):
        at = line.find(sentence, cursor)
        at = at if at >= 0 else cursor
        cursor = at + len(sentence)
        words = _WORDS_RE.findall(sentence)
        if (len(words) < MIN_WORDS or len(sentence) > MAX_CHARS or sentence.endswith((":", "?"))
                or " | " in sentence or _POINTER_RE.search(sentence)):
            continue
        own = [s for s in spans if s[0] >= at and s[1] <= cursor]
        cite = ""
        if own:
            context = sentence
        else:
            named = [s for s in spans if not _YEAR_ONLY_RE.match(s[2])]
            after = [s for s in named if s[0] >= cursor]
            before = [s for s in named if s[1] <= at]
            pick = after[0] if after else (before[-1] if before else None)
            if pick is None:
                continue  # a sentence whose paragraph cites nothing cannot say where it comes from
            cite = pick[2]
            context = f"{sentence} {cite}"
        out.append(Candidate(sentence, chunk, number, group, cite, _cited(chunk.citations, context), share))
    return out


def candidates(groups: Sequence[Group]) -> list[Candidate]:
    """The sentences the answer is chosen from, in rank order (see the module)."""
    out: list[Candidate] = []
    top = groups[0].score if groups else 0.0
    for group in groups[:ANSWER_ENTRIES]:
        share = group.score / top if top > 0 else 1.0
        taken = 0
        for hit, roles in zip(group.hits, group.roles, strict=True):
            if taken == PASSAGES_PER_ENTRY:
                break
            if TEXT not in roles:
                continue
            taken += 1
            for number, (line, role) in enumerate(zip(hit.chunk.text.split("\n"), roles, strict=False)):
                if role == TEXT:
                    out.extend(sentence_candidates(line, hit.chunk, number, group.rank, share))
    return out[:MAX_CANDIDATES]


@dataclass(frozen=True)
class Answer:
    """The sentences chosen (with their relevance), or none, and why."""

    sentences: tuple[tuple[Candidate, float], ...] = field(default=())
    best: float = 0.0  # the best relevance among the candidates
    reason: str = ""  # why there is no answer

    @property
    def entries(self) -> int:
        return len({c.chunk.path_id for c, _r in self.sentences})

    def to_dict(self) -> dict[str, Any]:
        return {
            "answered": bool(self.sentences),
            "entries": self.entries,
            "best": round(self.best, 4),
            "reason": self.reason,
            "sentences": [c.to_dict(r) for c, r in self.sentences],
        }


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return float(sum(x * y for x, y in zip(a, b, strict=True)))


def select(pool: Sequence[Candidate], vectors: Sequence[Sequence[float]], query: Sequence[float]) -> Answer:
    """Choose the answer from ``pool`` given each candidate's unit vector and the query's."""
    if not pool:
        return Answer(reason="no passage with text of its own was found")
    relevance = [_dot(v, query) for v in vectors]
    best = max(relevance)
    if best < MIN_RELEVANCE:
        return Answer(best=best, reason="nothing in the knowledge base answers this well")
    floor = max(MIN_RELEVANCE, best - MAX_DROP)
    first = relevance.index(best)
    chosen: list[int] = []
    while len(chosen) < MAX_SENTENCES:
        pick, pick_score = -1, -float("inf")
        for n, candidate in enumerate(pool):
            if n in chosen or relevance[n] < floor or (candidate.share < ENTRY_SHARE and n != first):
                continue
            if any(pool[c].paragraph == candidate.paragraph for c in chosen):
                continue
            if sum(pool[c].chunk.path_id == candidate.chunk.path_id for c in chosen) >= PER_ENTRY:
                continue
            likeness = max((_dot(vectors[n], vectors[c]) for c in chosen), default=0.0)
            score = MMR_LAMBDA * relevance[n] - (1 - MMR_LAMBDA) * likeness
            if score > pick_score:
                pick, pick_score = n, score
        if pick < 0:
            break
        chosen.append(pick)
    return Answer(tuple((pool[n], relevance[n]) for n in chosen), best)


def answer(groups: Sequence[Group], query_vector: Any, encode: Encode | None) -> Answer:
    """The answer from ``groups`` (see the module); ``encode`` embeds sentences (None: lexical
    search, which has no answer)."""
    if encode is None or query_vector is None:
        return Answer(reason="the answer needs the meaning-based search (hybrid or semantic mode)")
    pool = candidates(groups)
    if not pool:
        return Answer(reason="no passage with text of its own was found")
    vectors = [[float(x) for x in row] for row in encode([c.text for c in pool])]
    query = [float(x) for x in (query_vector[0] if getattr(query_vector, "ndim", 1) == 2 else query_vector)]
    return select(pool, vectors, query)
