"""The bibliography page: every reference, formatted in the site's CSL style and sorted.

Each reference has its key as anchor (``bibliography/#mcinnes2007practitioners``), its
URL or DOI as a link, a note where the entry is unverified, and "Cited in" links back
to the entries that cite it (in their text or as a source they rest on).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..cite.citestyle import CitationStyle
from ..corpus.citations import parse_citations
from ..corpus.entries import Entry
from .markup import attr, link, md_html, md_text
from .pages import front_matter


def cited_in(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    """key -> the entries citing it (body citations and ``sources``), by title."""
    found: dict[str, dict[str, Entry]] = {}
    for entry in entries:
        keys = set(entry.sources)
        for citation in parse_citations(entry.body):
            keys.update(citation.keys)
        for key in keys:
            found.setdefault(key, {})[entry.path_id] = entry
    return {k: sorted(v.values(), key=lambda e: (e.title.casefold(), e.id)) for k, v in found.items()}


def reference_block(key: str, style: CitationStyle, citing: list[Entry]) -> list[str]:
    ref = style.bibliography.references[key]
    body = md_html(style.reference_html(key))
    doi = ref.get("doi")
    if doi and "doi.org" not in style.reference_html(key):
        body += f' <a href="https://doi.org/{attr(doi)}">doi:{md_text(doi)}</a>'
    lines = [f'<div class="kb-bib-entry" id="{attr(key)}" markdown>', "", body, ""]
    note = ref.get("note")
    if note:
        lines += [f"*Note:* {md_text(note)}", "{: .kb-bib-note }", ""]
    if citing:
        lines += ["Cited in: " + ", ".join(link(e) for e in citing), "{: .kb-cited-in }", ""]
    lines += ["</div>", ""]
    return lines


def downloads_paragraph(downloads: dict[str, str]) -> list[str]:
    """Markdown: links to the whole bibliography as files (label -> docs-root-absolute link)."""
    links = " · ".join(f"[{md_text(label)}]({target}){{: download }}" for label, target in downloads.items())
    return [f"**Download the whole bibliography** for a reference manager: {links}", "{: .kb-downloads }", ""]


def bibliography_page(
    style: CitationStyle, citing: dict[str, list[Entry]], downloads: dict[str, str] | None = None
) -> str:
    """The whole bibliography page; ``downloads`` (label -> link) are offered at its top."""
    keys = style.sorted_keys()
    lines = [
        front_matter({"title": "Bibliography"}),
        "# Bibliography",
        "",
        f"Every work the knowledge base cites or draws on ({len(keys)} references), "
        "in the Harvard (Cite Them Right) style. Each reference lists the entries that cite it.",
        "",
    ]
    if downloads:
        lines += downloads_paragraph(downloads)
    for key in keys:
        lines += reference_block(key, style, citing.get(key, []))
    return "\n".join(lines)


__all__ = ["bibliography_page", "cited_in"]
