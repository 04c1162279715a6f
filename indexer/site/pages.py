"""An entry's page, and the index pages of findings, strategies, procedures and sources.

``entry_page`` shows, above the entry's own text: its kind, the fields of its kind
(theme, dates, place...), its summary and the sources it rests on (as citations, so
they are formatted and listed under References); below it, links to its related
entries. The body is preceded by a ``kb-source`` marker so that the citations
extension reports problems at the corpus file's own line.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from ..corpus import schema
from ..corpus.bibliography import Bibliography
from ..corpus.entries import Entry
from .evidence import finding_evidence
from .markup import by_title, format_date, grouped, html_text, kind_label, link, md_text, page_link, source_marker


def front_matter(data: dict[str, object]) -> str:
    """A YAML front matter block."""
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---\n"


def _meta_items(entry: Entry) -> list[str]:
    """``**Label:** value`` lines for the fields of the entry's kind."""
    m = entry.meta
    items = [f"**{kind_label(entry.kind)}**"]
    if entry.kind == "finding" and m.get("theme") in schema.FINDING_THEMES:
        theme = m["theme"]
        items.append(f"Theme: [{md_text(schema.FINDING_THEMES[theme])}](/findings/index.md#{theme})")
    elif entry.kind == "event":
        if m.get("date"):
            items.append(f"Date: **{format_date(m['date'])}** ([on the timeline](/timeline/index.md#{entry.id}))")
        if m.get("event_type"):
            items.append(f"Type: {md_text(event_type_label(m['event_type']))}")
        if m.get("jurisdiction"):
            items.append(f"Jurisdiction: {md_text(m['jurisdiction'])}")
    elif entry.kind == "term":
        if m.get("abbreviation"):
            items.append(f"Abbreviation: **{md_text(m['abbreviation'])}**")
        if m.get("also_known_as"):
            items.append("Also known as: " + ", ".join(md_text(a) for a in m["also_known_as"]))
    elif entry.kind == "case-study":
        for name, label in (("place", "Place"), ("setting", "Setting")):
            if m.get(name):
                items.append(f"{label}: {md_text(m[name])}")
        if m.get("year"):
            items.append(f"Year: **{format_date(m['year'])}**")
        if m.get("partners"):
            items.append("Partners: " + ", ".join(md_text(p) for p in m["partners"]))
    elif entry.kind == "strategy":
        domain = m.get("domain")
        if domain in schema.STRATEGY_DOMAINS:
            items.append(
                f"Domain: [{md_text(schema.STRATEGY_DOMAINS[domain])}](/strategies/index.md#{domain})"
            )
        if m.get("heading"):
            items.append(f"Heading: {md_text(m['heading'])}")
    elif entry.kind == "procedure" and m.get("applies_to"):
        items.append(f"Applies to: {md_text(m['applies_to'])}")
    elif entry.kind == "source":
        if m.get("year"):
            items.append(f"Date: **{format_date(m['year'])}**")
        if m.get("document"):
            items.append(f"Document: `{m['document']}`")
    return items


def event_type_label(event_type: str) -> str:
    """``green-paper`` -> ``Green paper``."""
    return event_type.replace("-", " ").capitalize()


def entry_page(entry: Entry, by_id: dict[str, Entry], shown_path: str, bib: Bibliography | None = None) -> str:
    """The Markdown page of one entry. ``shown_path`` names its file in messages; with the
    bibliography, a finding shows the kinds of evidence it rests on (``indexer.site.evidence``)."""
    # the theme prints these into HTML as they are: escaped here, once
    meta: dict[str, object] = {"title": html_text(entry.title), "description": html_text(entry.summary)}
    if entry.tags:
        meta["tags"] = [html_text(tag) for tag in entry.tags]
    lines = [front_matter(meta), f"# {md_text(entry.title)}", ""]
    lines += ['<div class="kb-meta" markdown>', ""]
    lines += [f"- {item}" for item in _meta_items(entry)]
    lines += ["", "</div>", ""]
    if entry.kind == "case-study" and entry.meta.get("fictional"):
        lines += ['!!! info "A fictional case"', "    This is a teaching scenario, not a real case.", ""]
    if entry.summary:
        lines += [md_text(entry.summary), '{: .kb-summary }', ""]
    if entry.kind == "case-study" and entry.meta.get("outcome"):
        lines += [f"**Outcome:** {md_text(entry.meta['outcome'])}", "{: .kb-outcome }", ""]
    if entry.sources:
        lines += [source_marker(shown_path, entry.line_of("sources"))]
        keys = "; ".join(f"@{key}" for key in entry.sources)
        lines += [f"Based on: [{keys}]", "{: .kb-sources }", ""]
    if bib is not None:
        lines += finding_evidence(entry, bib)
    lines += [source_marker(shown_path, entry.body_line), entry.body.rstrip(), ""]
    related = [by_id[r] for r in entry.related if r in by_id]
    if related:
        lines += ["## Related entries", ""]
        lines += [f"- {link(r)} <small>({kind_label(r.kind)})</small>: {md_text(r.summary)}" for r in related]
        lines += [""]
    return "\n".join(lines)


def entry_list(entries: Iterable[Entry]) -> list[str]:
    """A Markdown list: each entry linked, with its summary."""
    return [f"- {link(e)}: {md_text(e.summary)}" for e in entries]


def findings_index(findings: list[Entry]) -> str:
    """Findings grouped by theme, in the themes' reading order."""
    lines = [
        front_matter({"title": "Findings"}),
        "# Findings",
        "",
        "What the literature says about multi-agency working, theme by theme. Each finding "
        "cites the studies it rests on; follow a citation to its full reference.",
        "",
    ]
    for theme, label, group in grouped(findings, "theme", schema.FINDING_THEMES):
        lines += [f"## {md_text(label)} {{#{theme}}}", "", *entry_list(group), ""]
    return "\n".join(lines)


def strategies_index(strategies: list[Entry]) -> str:
    """Practice strategies by domain of Table 5.1, then by the heading they sit under."""
    lines = [
        front_matter({"title": "Practice strategies"}),
        "# Practice strategies",
        "",
        "Ways of making multi-agency work succeed, by the domains of Atkinson, Jones and "
        "Lamont's review (Table 5.1), and practical tools and templates.",
        "",
    ]
    for domain, label, group in grouped(strategies, "domain", schema.STRATEGY_DOMAINS):
        lines += [f"## {md_text(label)} {{#{domain}}}", ""]
        headings: dict[str, list[Entry]] = {}
        for entry in group:
            headings.setdefault(str(entry.meta.get("heading", "")), []).append(entry)
        for heading in sorted(headings, key=str.casefold):
            if heading:
                lines += [f"### {md_text(heading)}", ""]
            lines += [*entry_list(by_title(headings[heading])), ""]
    return "\n".join(lines)


def simple_index(title: str, intro: str, entries: list[Entry]) -> str:
    """A titled page listing entries alphabetically with their summaries."""
    lines = [front_matter({"title": title}), f"# {md_text(title)}", "", intro, ""]
    lines += entry_list(by_title(entries)) if entries else ["*No entries yet.*"]
    return "\n".join([*lines, ""])


def sources_list(sources: list[Entry]) -> str:
    """The source overviews, oldest first, as a list with dates (for About the sources)."""
    if not sources:
        return "*The overviews of the source documents are being written.*\n"
    ordered = sorted(sources, key=lambda e: (str(e.meta.get("year", "")), e.title.casefold()))
    lines = []
    for entry in ordered:
        year = format_date(str(entry.meta["year"])) if entry.meta.get("year") else "undated"
        lines.append(f"- **{year}**: {link(entry)}. {md_text(entry.summary)}")
    return "\n".join([*lines, ""])


def sources_index(sources: list[Entry]) -> str:
    lines = [
        front_matter({"title": "Sources"}),
        "# Sources",
        "",
        "One overview per source document the knowledge base is built from. "
        "[About the sources](/about-sources.md) explains what they are and their limits.",
        "",
        sources_list(sources),
    ]
    return "\n".join(lines)


__all__ = [
    "entry_page",
    "event_type_label",
    "findings_index",
    "page_link",
    "simple_index",
    "sources_index",
    "sources_list",
    "strategies_index",
]
