"""A theme's landing page: its cited introduction, then cards of what belongs to it.

A theme is an entry of kind ``theme`` (``corpus/themes/<theme>.md``, the id a key of
``schema.FINDING_THEMES``). Its page shows the introduction (the body up to its first
``## `` heading), then cards of the theme's findings (every finding whose ``theme`` or
``also_themes`` names it), of the practice strategies, case studies and procedures tagged
with the theme's first tag or listed as ``related``, a list of the glossary terms chosen the
same way, and then the rest of the body (e.g. "Questions to think about").
"""

from __future__ import annotations

from collections.abc import Iterable

from ..corpus import schema
from ..corpus.entries import Entry
from .markup import by_title, html_text, kind_label, link, md_text, page_link, source_marker
from .pages import front_matter

#: kinds shown as cards on a theme page, in this order, with their headings
CARD_KINDS: tuple[tuple[str, str], ...] = (
    ("strategy", "Practice strategies"),
    ("case-study", "Case studies"),
    ("procedure", "Procedures"),
)


def findings_of(theme: str, findings: Iterable[Entry]) -> list[Entry]:
    """The findings that belong to ``theme`` (first or other theme), by title."""
    return by_title(f for f in findings if theme in schema.finding_themes(f.meta))


def members(theme: Entry, entries: Iterable[Entry], kind: str) -> list[Entry]:
    """Entries of ``kind`` tagged with the theme's first tag, or listed in its ``related``."""
    tag = theme.tags[0] if theme.tags else theme.id
    return by_title(e for e in entries if e.kind == kind and (tag in e.tags or e.id in theme.related))


def split_body(body: str) -> tuple[str, str, int]:
    """(introduction, rest, line of the rest in the body): the body cut at its first ``## ``."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("## "):
            return "\n".join(lines[:index]).rstrip(), "\n".join(lines[index:]).rstrip(), index
    return body.rstrip(), "", len(lines)


def card(entry: Entry, note: str = "") -> list[str]:
    """One grid card: the entry's title linked, its summary, and an optional note."""
    lines = [f"-   **{link(entry)}**", "", "    ---", "", f"    {md_text(entry.summary)}", ""]
    if note:
        lines += [f"    {note}", "    {: .kb-card-where }", ""]
    return lines


def cards(entries: list[Entry], notes: dict[str, str] | None = None) -> list[str]:
    lines = ['<div class="grid cards" markdown>', ""]
    for entry in entries:
        lines += card(entry, (notes or {}).get(entry.id, ""))
    return [*lines, "</div>", ""]


def theme_page(theme: Entry, entries: Iterable[Entry], shown_path: str) -> str:
    """The Markdown page of a theme. ``shown_path`` names its file in messages."""
    pool = list(entries)
    label = schema.FINDING_THEMES.get(theme.id, theme.title)
    meta: dict[str, object] = {"title": html_text(theme.title), "description": html_text(theme.summary)}
    lines = [front_matter(meta), f"# {md_text(theme.title)}", ""]
    lines += ['<div class="kb-meta" markdown>', "", f"- **{kind_label('theme')}**"]
    lines += ["- [All themes and findings](/findings/index.md)", "", "</div>", ""]
    if theme.summary:
        lines += [md_text(theme.summary), "{: .kb-summary }", ""]
    intro, rest, rest_line = split_body(theme.body)
    lines += [source_marker(shown_path, theme.body_line), intro, ""]

    findings = findings_of(theme.id, (e for e in pool if e.kind == "finding"))
    if findings:
        pages = theme_links(pool)
        notes = {}
        for finding in findings:
            first = str(finding.meta.get("theme"))
            if first != theme.id and first in schema.FINDING_THEMES:
                name = md_text(schema.FINDING_THEMES[first])
                notes[finding.id] = f"Filed first under [{name}]({pages[first]})" if first in pages else ""
        lines += [f"## Findings: {md_text(label)} {{#findings}}", ""]
        lines += cards(findings, notes)
    for kind, heading in CARD_KINDS:
        group = members(theme, pool, kind)
        if group:
            lines += [f"## {heading} {{#{schema.KIND_FOLDER[kind]}}}", "", *cards(group)]
    terms = members(theme, pool, "term")
    if terms:
        lines += ["## Terms {#terms}", ""]
        lines += [f"- {link(t)}: {md_text(t.summary)}" for t in terms]
        lines += [""]
    if theme.id == "history":
        lines += ["The [timeline](/timeline/index.md) sets out the acts, reports and programmes in order.", ""]
    if rest:
        lines += [source_marker(shown_path, theme.body_line + rest_line), rest, ""]
    return "\n".join(lines)


def theme_links(themes: Iterable[Entry]) -> dict[str, str]:
    """theme id -> the docs-root-absolute link of its page, for the themes that have one."""
    return {t.id: page_link(t) for t in themes if t.kind == "theme"}


__all__ = ["findings_of", "members", "split_body", "theme_links", "theme_page"]
