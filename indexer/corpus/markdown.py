"""Markdown as the renderer reads it: sections, anchors and plain text.

An entry body is split along its headings into sections (the text before the first
heading is its own section, path ``()``); each heading gets the anchor Python-Markdown's
``toc`` makes; a section's Markdown is grouped into units (paragraphs, list items, table
rows, admonition titles); a unit becomes plain text with citations rendered as
author-date text. ``kb check``, the search chunker and the site all read bodies this way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .citations import Citation, Labels, replace_citations

#: word pieces the search model reads, including [CLS] and [SEP]
MAX_TOKENS = 256
#: characters of an entry's title and heading path together ('Title: Section > Subsection'),
#: which travel with every search passage: a character is at most one word piece, so this
#: leaves at least 54 of the model's 256 for the text. ``kb check`` reports a longer title or heading.
MAX_HEAD_CHARS = 200


# --- Markdown to plain text --------------------------------------------------------------

_FENCE_RE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_ATTR_ID_RE = re.compile(r"\s*\{[^{}]*#([\w-]+)[^{}]*\}\s*$")
_ATTR_RE = re.compile(r"\s*\{:?[^{}]*\}\s*$")
_ADMONITION_RE = re.compile(r"^(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+[\w-]+)*(?:\s+\"(?P<title>[^\"]*)\")?\s*$")
_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]+)\]\((?:<[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_REFLINK_RE = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR_RE = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EM_UNDER_RE = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_CODE_RE = re.compile(r"(`+)(.+?)\1")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_RULE_RE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINKDEF_RE = re.compile(r"^\s*\[[^\]]+\]:\s+\S+")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")


def render_citation(citation: Citation, labels: Labels) -> str:
    """Author-date text for one citation: '(see McInnes, 2007a, p. 21)', 'Frost (2005)'.

    ``labels`` come from the citation style (``indexer.cite.labels``), so the text reads as
    the site prints it; a key without a label is shown as the key.
    """

    def name_year(key: str) -> tuple[str, str]:
        label = labels.get(key)
        return (key, "") if label is None else (label.author, label.year)

    if citation.narrative:
        item = citation.items[0]
        name, year = name_year(item.key)
        inner = ", ".join(x for x in (year, item.locator) if x)
        return f"{name} ({inner})" if inner else name
    parts = []
    for item in citation.items:
        name, year = name_year(item.key)
        words = [item.prefix] if item.prefix else []
        words.append(year if item.suppress_author else ", ".join(x for x in (name, year) if x))
        text = " ".join(w for w in words if w)
        if item.locator:
            text += f", {item.locator}"
        parts.append(text)
    return "(" + "; ".join(parts) + ")"


def inline_text(markdown: str, labels: Labels) -> str:
    """One line or paragraph of Markdown as plain text (citations as author-date text)."""
    text = replace_citations(markdown, lambda c: render_citation(c, labels))
    text = _IMAGE_RE.sub(r"\1", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _REFLINK_RE.sub(r"\1", text)
    text = _AUTOLINK_RE.sub(r"\1", text)
    text = _CODE_RE.sub(r"\2", text)  # kept as written: content is text (kb check allows no raw HTML)
    for pattern in (_STRONG_RE, _EM_STAR_RE, _EM_UNDER_RE):
        text = pattern.sub(r"\2" if pattern is _STRONG_RE else r"\1", text)
    text = _ESCAPE_RE.sub(r"\1", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Section:
    """A heading's section of an entry: its path of headings, anchor and Markdown units."""

    path: tuple[str, ...]
    anchor: str
    units: tuple[str, ...]  # paragraphs, list items, table rows (Markdown)


def _units(lines: list[str]) -> list[str]:
    """Group Markdown lines into units: paragraphs, list items, table rows, admonition titles."""
    units: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            units.append(" ".join(s.strip() for s in current))
            current.clear()

    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith(">"):
            stripped = stripped.lstrip("> ").strip()
        if not stripped or _RULE_RE.match(stripped) or _LINKDEF_RE.match(stripped):
            flush()
            continue
        admonition = _ADMONITION_RE.match(stripped)
        if admonition:
            flush()
            title = admonition.group("title")
            if title:
                units.append(title.rstrip(":") + ":")
            continue
        if stripped.startswith("|") or _TABLE_SEP_RE.match(stripped):
            flush()
            if not _TABLE_SEP_RE.match(stripped):
                cells = [c.strip() for c in stripped.strip("|").split("|")]
                units.append(" | ".join(c for c in cells if c))
            continue
        if _LIST_RE.match(stripped):
            flush()
            current.append(_LIST_RE.sub("", stripped))
            continue
        current.append(stripped)
    flush()
    return units


def heading_paths(body: str) -> list[tuple[int, tuple[str, ...]]]:
    """Each heading's 0-based line in ``body`` and its path of headings (as written, code skipped)."""
    masked = _FENCE_RE.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    stack: list[tuple[int, str]] = []
    found: list[tuple[int, tuple[str, ...]]] = []
    for number, line in enumerate(masked.split("\n")):
        match = _HEADING_RE.match(line)
        if match:
            level = len(match.group(1))
            stack = [(lvl, text) for lvl, text in stack if lvl < level]
            stack.append((level, _ATTR_RE.sub("", match.group(2))))
            found.append((number, tuple(text for _lvl, text in stack)))
    return found


def split_sections(body: str, labels: Labels) -> list[Section]:
    """The sections of an entry body, in order; the first one (path ``()``) is the intro.

    Headings are read as text with their citations labelled by ``labels`` (their anchors
    then match the site's)."""
    from markdown.extensions.toc import slugify, unique

    masked = _FENCE_RE.sub(lambda m: "\n" * m.group(0).count("\n"), _HTML_COMMENT_RE.sub("", body))
    sections: list[Section] = []
    ids: set[str] = set()
    counters: dict[str, int] = {}
    stack: list[tuple[int, str]] = []
    path: tuple[str, ...] = ()
    anchor = ""
    lines: list[str] = []
    for line in masked.splitlines():
        match = _HEADING_RE.match(line)
        if not match:
            lines.append(line)
            continue
        sections.append(Section(path, anchor, tuple(_units(lines))))
        lines = []
        level, raw = len(match.group(1)), match.group(2)
        attr = _ATTR_ID_RE.search(raw)
        raw = _ATTR_RE.sub("", raw)
        name = inline_text(raw, labels)
        anchor = unique(attr.group(1) if attr else slugify(name, "-"), ids, counters)
        stack = [(lvl, text) for lvl, text in stack if lvl < level]
        stack.append((level, name))
        path = tuple(text for _lvl, text in stack)
    sections.append(Section(path, anchor, tuple(_units(lines))))
    return sections
