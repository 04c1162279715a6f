"""Sentences: the one splitter of the search, used to cut a long paragraph into parts for the
model (``chunking``) and to choose answer sentences (``answer``); the site's copy is
``splitSentences`` in ``indexer/site/js/results.js``."""

from __future__ import annotations

import re

#: words before a full stop that do not end a sentence (lowercase, without the stop)
ABBREVIATIONS = frozenset({
    "p", "pp", "sec", "secs", "al", "e.g", "i.e", "etc", "cf", "vol", "ch", "no", "fig", "para", "dr",
    "mr", "mrs", "ms", "st", "vs", "c", "ed", "eds", "approx", "ca", "op", "cit", "ibid",
})
_BOUNDARY_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")
_NEXT_RE = re.compile(r"[\"'\u201c\u2018(\[]?[A-Z0-9]")
_WORD_BEFORE_RE = re.compile(r"([\w.]+)[.!?][\"'\u201d\u2019)\]]*$")


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph: at '.', '!' or '?' (and closing quotes or brackets) and
    space before a capital, a digit or an opening quote, outside parentheses, not after an
    abbreviation ('p.', 'et al.', 'e.g.') or an initial."""
    out: list[str] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        if not _NEXT_RE.match(text, end):
            continue
        head = text[start : match.end()].rstrip()
        if head.count("(") > head.count(")"):
            continue
        before = _WORD_BEFORE_RE.search(head)
        if before:
            word = before.group(1)
            if word.lower().rstrip(".") in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                continue
        out.append(head)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
