"""Chunk corpus entries along their headings, sized for the embedding model.

An entry becomes one chunk per section (the text before the first heading, led by the
entry's summary, is its own section); a section longer than the model reads
(all-MiniLM-L6-v2: 256 word pieces, counted with the model's own tokenizer) is split at
paragraph boundaries, then sentences, then words, into parts of even size, so that no
text is cut off. Sections that only list links ("See also") are left out. Every chunk
carries its entry's title and section path, the heading's anchor as Python-Markdown's
``toc`` makes it, plain text for display and BM25 (Markdown syntax stripped, citations
rendered as author-date text with the site's labels), and the keys it cites.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ..cite.labels import citation_labels
from ..corpus.bibliography import Reference
from ..corpus.citations import Labels, cited_keys
from ..corpus.entries import Entry
from ..corpus.markdown import MAX_HEAD_CHARS, MAX_TOKENS, inline_text, split_sections
from ..problems import KBError
from .chunk import Chunk, CitationRef, embed_text
from .sentences import split_sentences

#: a function giving the number of word pieces of a text, without special tokens
TokenCounter = Callable[[str], int]

#: sections that only list links to other entries: not passages, so not indexed
NAVIGATION_HEADINGS: frozenset[str] = frozenset({"see also", "related", "related entries", "further reading"})

SPECIAL_TOKENS = 2
#: the fewest word pieces a chunk's text may have beside its title and section path
MIN_TEXT_TOKENS = 16


# --- sizing -------------------------------------------------------------------------------


Piece = tuple[str, int]  # text and its word pieces


def _split_long(unit: str, budget: int, count: TokenCounter) -> list[Piece]:
    """Split a plain-text unit longer than ``budget`` at sentences (``sentences.split_sentences``,
    the answer's splitter too), then at words.

    Word-piece counts add up over text joined by whitespace (the tokenizer splits at
    whitespace first), so every piece is counted once.
    """
    size = count(unit)
    if size <= budget:
        return [(unit, size)]
    pieces: list[Piece] = []
    for sentence in split_sentences(unit):
        size = count(sentence)
        if size <= budget:
            pieces.append((sentence, size))
            continue
        words: list[str] = []
        used = 0
        for word in sentence.split():
            n = count(word)
            if words and used + n > budget:
                pieces.append((" ".join(words), used))
                words, used = [], 0
            words.append(word)
            used += n
        if words:
            pieces.append((" ".join(words), used))
    return [(" ".join(p for p, _n in part), sum(n for _p, n in part)) for part in _pack(pieces, budget)]


def _pack(pieces: list[Piece], budget: int) -> list[list[Piece]]:
    """Group pieces (each within budget) into as few parts as needed, of even size."""
    total = sum(n for _p, n in pieces)
    if total <= budget:
        return [pieces] if pieces else []
    target = math.ceil(total / math.ceil(total / budget))
    parts: list[list[Piece]] = [[]]
    used = 0
    for piece in pieces:
        size = piece[1]
        if parts[-1] and (used + size > budget or used >= target):
            parts.append([])
            used = 0
        parts[-1].append(piece)
        used += size
    return [p for p in parts if p]


def chunk_entry(
    entry: Entry,
    references: dict[str, Reference],
    count: TokenCounter,
    max_tokens: int = MAX_TOKENS,
    labels: Labels | None = None,
) -> list[Chunk]:
    """The chunks of one entry, none longer than ``max_tokens`` word pieces as embedded.

    Citations read as the site prints them: ``labels`` (default: those the whole of
    ``references`` gives, ``indexer.cite.labels``)."""
    if labels is None:
        labels = citation_labels(references)
    chunks: list[Chunk] = []
    sections = split_sections(entry.body, labels)
    for index, section in enumerate(sections):
        if any(heading.lower().strip(" :") in NAVIGATION_HEADINGS for heading in section.path):
            continue
        units_md = list(section.units)
        if index == 0 and entry.summary:
            units_md.insert(0, entry.summary)
        if not units_md:
            continue
        head_text = embed_text(entry.title, section.path, "").strip()
        head = count(head_text)
        budget = max_tokens - SPECIAL_TOKENS - head
        if budget < MIN_TEXT_TOKENS:
            shown = head_text if len(head_text) <= 60 else head_text[:59] + "…"
            raise KBError(
                f"{entry.rel_path}: title and heading path {shown!r} take {head} of the model's {max_tokens} "
                f"word pieces, too many to index (at most {MAX_HEAD_CHARS} characters; run kb check)"
            )
        pieces: list[Piece] = []
        piece_keys: list[list[str]] = []  # the keys each piece's unit cites
        for unit in units_md:
            keys = cited_keys(unit)
            for piece in _split_long(inline_text(unit, labels), budget, count):
                if piece[0]:
                    pieces.append(piece)
                    piece_keys.append(keys)
        parts = _pack(pieces, budget)
        base = entry.path_id + (f"#{section.anchor}" if section.anchor else "")
        url = entry.url + (f"#{section.anchor}" if section.anchor else "")
        cursor = 0
        for part, members in enumerate(parts):
            text = "\n".join(p for p, _n in members)
            keys_here: dict[str, None] = {}
            for keys in piece_keys[cursor : cursor + len(members)]:
                keys_here.update(dict.fromkeys(keys))
            cursor += len(members)
            cited = list(keys_here) or list(entry.sources)
            chunks.append(
                Chunk(
                    id=base if part == 0 else f"{base}~{part + 1}",
                    path_id=entry.path_id,
                    kind=entry.kind,
                    title=entry.title,
                    section_path=section.path,
                    anchor=section.anchor,
                    url=url,
                    text=text,
                    tags=entry.tags,
                    year=entry.year,
                    citations=tuple(CitationRef.from_reference(k, references.get(k), labels.get(k)) for k in cited),
                )
            )
    return chunks


def chunk_corpus(
    entries: Sequence[Entry],
    references: dict[str, Reference],
    count: TokenCounter,
    max_tokens: int = MAX_TOKENS,
) -> list[Chunk]:
    """The chunks of every entry, in corpus order (labels from the whole of ``references``)."""
    labels = citation_labels(references)
    return [c for e in entries for c in chunk_entry(e, references, count, max_tokens, labels)]
