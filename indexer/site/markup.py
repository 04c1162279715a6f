"""Small helpers shared by the page renderers: escaping, links, dates."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from ..cite.csl import MONTH_NAMES
from ..corpus.entries import Entry
from ..corpus.schema import KIND_LABEL

_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]{}#|])")
# a first character that would start a list, a fence, an admonition, a snippet... at a line start
_LEADING_RE = re.compile(r"^(?:[-+=~:;!%>]|(?P<number>\d+)(?P<dot>[.)]))")
_TAG_SPLIT_RE = re.compile(r"(<[^>]+>)")
MONTHS = MONTH_NAMES  # the one month table (indexer.cite.csl)


def md_text(text: str) -> str:
    """Plain text made safe to put into Markdown: shown as written, wherever it is put (no
    emphasis, links, HTML, entities, attribute lists; nor a list, fence or include when it starts
    a line)."""
    escaped = _MD_SPECIAL_RE.sub(r"\\\1", " ".join(text.split()))
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def leading(match: re.Match[str]) -> str:
        if match.group("number"):
            return f"{match.group('number')}\\{match.group('dot')}"
        return f"&#{ord(match.group(0))};"

    return _LEADING_RE.sub(leading, escaped, count=1)


def html_text(text: str) -> str:
    """Plain text for where the theme prints it as HTML without escaping it (page and nav
    titles, tag names, the description meta tag, tooltips): escaped once, quotes included."""
    return html.escape(" ".join(text.split()), quote=True)


def md_html(fragment: str) -> str:
    """An HTML fragment (tags kept) whose text parts are made safe for Markdown."""
    parts = _TAG_SPLIT_RE.split(fragment)
    return "".join(p if p.startswith("<") else _MD_SPECIAL_RE.sub(r"\\\1", p) for p in parts)


def attr(text: str) -> str:
    """Text for an HTML attribute value."""
    return html.escape(" ".join(text.split()), quote=True)


def page_link(entry: Entry, anchor: str = "") -> str:
    """The docs-root-absolute link target of an entry's page."""
    return f"/{entry.path_id}.md" + (f"#{anchor}" if anchor else "")


def link(entry: Entry) -> str:
    """A Markdown link to an entry, with its title as text."""
    return f"[{md_text(entry.title)}]({page_link(entry)})"


def kind_label(kind: str, plural: bool = False) -> str:
    labels = KIND_LABEL.get(kind, (kind, kind))
    return labels[1] if plural else labels[0]


def format_date(value: str) -> str:
    """``1989`` -> ``1989``; ``2004-11`` -> ``November 2004``; ``1989-11-16`` -> ``16 November 1989``."""
    parts = str(value).split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def source_marker(shown_path: str, line: int) -> str:
    """The comment that tells the citations extension where the next line comes from."""
    return f"<!-- kb-source: {shown_path}:{line} -->"


def page_marker(src_uri: str) -> str:
    """The comment that tells the citations extension which page it renders (its links to the
    bibliography are then relative to the page)."""
    return f"<!-- kb-page: {src_uri} -->"


def by_title(entries: Iterable[Entry]) -> list[Entry]:
    """Entries sorted by title (case-insensitive), then id."""
    return sorted(entries, key=lambda e: (e.title.casefold(), e.id))


def grouped(entries: Iterable[Entry], field: str, labels: dict[str, str]) -> list[tuple[str, str, list[Entry]]]:
    """``(value, label, entries by title)`` for each value of ``field`` in ``labels``' order; empty groups left out."""
    pool = list(entries)
    groups = [
        (value, label, by_title(e for e in pool if e.meta.get(field) == value)) for value, label in labels.items()
    ]
    return [(value, label, members) for value, label, members in groups if members]
