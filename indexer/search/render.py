"""Search results for people: entries with their best passage (the matching words marked),
the sources in author-date form, the page's link, and the extractive answer.

``style`` decides how a matched word looks (bold on a terminal, unchanged otherwise).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .query import Hit, Results

if TYPE_CHECKING:
    from .answer import Answer
    from .grouping import Group

Style = Callable[[str], str]
SNIPPET_CHARS = 320
_WORD_RE = re.compile(r"\w+(?:'\w+)?")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n")


def _plain(text: str) -> str:
    return text


def query_stems(results: Results) -> set[str]:
    """Stems of the query's words and of the glossary names it was expanded with."""
    from .lexical import tokenize

    return set(tokenize([results.expansion.text])[0])


def _stem(word: str) -> str:
    from .lexical import tokenize

    tokens = tokenize([word])[0]
    return tokens[0] if tokens else ""


def snippet(text: str, stems: set[str], style: Style = _plain, width: int = SNIPPET_CHARS) -> str:
    """The passage of ``text`` richest in query words, about ``width`` characters, marked."""
    sentences = [s for s in _SENTENCE_RE.split(text) if s.strip()]
    if not sentences:
        return ""
    cache: dict[str, str] = {}

    def matches(sentence: str) -> set[str]:
        found = set()
        for word in _WORD_RE.findall(sentence):
            low = word.lower()
            if low not in cache:
                cache[low] = _stem(low)
            if cache[low] in stems:
                found.add(cache[low])
        return found

    best, best_score = 0, (-1, -1)
    for i in range(len(sentences)):
        window, length, seen = i, 0, set()
        while window < len(sentences) and length < width:
            seen |= matches(sentences[window])
            length += len(sentences[window]) + 1
            window += 1
        score = (len(seen), len(matches(sentences[i])))  # ties: start at a matching sentence
        if score > best_score:
            best, best_score = i, score
    picked: list[str] = []
    length = 0
    for sentence in sentences[best:]:
        if length >= width:
            break
        picked.append(sentence.strip())
        length += len(sentence) + 1
    passage = " ".join(picked)
    if len(passage) > width + 80:
        passage = passage[: width + 80].rsplit(" ", 1)[0] + " …"
    if best > 0:
        passage = "… " + passage
    elif best + len(picked) < len(sentences) and not passage.endswith("…"):
        passage += " …"

    def mark(match: re.Match[str]) -> str:
        word = match.group(0)
        return style(word) if cache.get(word.lower(), _stem(word.lower())) in stems else word

    return _WORD_RE.sub(mark, passage)


def sources_line(hit: Hit) -> str:
    """'McInnes (2007); Cameron and Lart (2003)'."""
    return "; ".join(dict.fromkeys(c.author_date for c in hit.chunk.citations))


def format_results(results: Results, style: Style = _plain, title_style: Style = _plain) -> str:
    """The results as text for people, one block per hit."""
    if not results.hits:
        return f"No results for {results.query!r}."
    stems = query_stems(results)
    blocks = []
    if results.expansion.added:
        blocks.append(f"(also searched for: {', '.join(results.expansion.added)})")
    for hit in results.hits:
        c = hit.chunk
        head = f"{hit.rank}. {title_style(c.title)}" + (f" — {c.section}" if c.section else "")
        lines = [f"{head}  [{c.kind}]", "   " + snippet(c.text, stems, style)]
        sources = sources_line(hit)
        if sources:
            lines.append(f"   Sources: {sources}")
        lines.append(f"   {c.url}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def format_groups(results: Results, groups: tuple[Group, ...], style: Style = _plain,
                  title_style: Style = _plain) -> str:
    """The results as text for people, one block per entry: its kind and themes, summary,
    best passage (from the entry's own text, matches marked), sources, link, further passages."""
    if not groups:
        return f"No results for {results.query!r}."
    stems = query_stems(results)
    blocks = []
    if results.expansion.added:
        blocks.append(f"(also searched for: {', '.join(results.expansion.added)})")
    for group in groups:
        c = group.chunk
        lines = [f"{group.rank}. {title_style(c.title)}  [{c.kind}]"]
        if group.theme:
            lines.append(f"   Theme: {group.theme}")
        elif c.tags:
            lines.append(f"   Tags: {', '.join(c.tags)}")
        if group.summary:
            lines.append(f"   {html.unescape(group.summary)}")
        label = "Editors' synthesis" if group.synthesis else (c.section or "Summary")
        shown = group.shown_text()
        if not c.section and group.summary and (shown == group.summary or shown.startswith(group.summary + "\n")):
            shown = shown[len(group.summary) + 1 :]  # the summary is printed above: not again
            label = "Introduction"
        if shown.strip():
            lines.append(f"   {label}: " + snippet(html.unescape(shown), stems, style))
        sources = sources_line(group.best)
        if sources:
            lines.append(f"   Sources: {sources}")
        lines.append(f"   {c.url}")
        more = [h.chunk.section or "Summary" for h in group.hits[1:]]
        if more:
            lines.append(f"   {len(more)} more passage{'s' if len(more) > 1 else ''}: {'; '.join(dict.fromkeys(more))}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def format_answer(results: Results, answer: Answer, title_style: Style = _plain) -> str:
    """The extractive answer: each sentence verbatim with its citation and link, then from how
    many entries; or a line saying that nothing answers well."""
    if not answer.sentences:
        return f"No good answer for {results.query!r}: {answer.reason}."
    n = answer.entries
    lines = [title_style(f"Answer (from {n} entr{'y' if n == 1 else 'ies'}, sentences quoted as they stand):")]
    for candidate, _relevance in answer.sentences:
        text = html.unescape(candidate.text) + (f" {candidate.cite}" if candidate.cite else "")
        lines.append(f"  - {text}")
        lines.append(f"    {candidate.chunk.title} — {candidate.chunk.url}")
    return "\n".join(lines)
