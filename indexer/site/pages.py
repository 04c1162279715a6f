"""An entry's page, and the index pages of findings, strategies, procedures and sources.

``entry_page`` shows, above the entry's own text: its kind, the fields of its kind
(theme, dates, place...), its summary and the sources it rests on (as citations, so
they are formatted and listed under References); below it, links to its related
entries. The body is preceded by a ``kb-source`` marker so that the citations
extension reports problems at the corpus file's own line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

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


def page_head(title: str, intro: str) -> list[str]:
    """The first lines of a generated index page: front matter, the heading, the introduction."""
    return [front_matter({"title": title}), f"# {md_text(title)}", "", intro, ""]


def _folded(text: str) -> str:
    """Letters and digits only, lowercase, accents dropped: 'Co-location' and 'colocation' fold alike."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.casefold())


def _words(text: str) -> str:
    return " " + " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split()) + " "


def shown_names(term: Entry) -> list[str]:
    """A term's other names as readers see them ("Also known as"): its ``also_known_as`` less
    what only a search needs (spellings, plurals and phrases that contain the title or the
    abbreviation). The full list, and ``search_terms``, stay with the search index."""
    abbreviation = str(term.meta.get("abbreviation") or "")
    bare = re.sub(r"\s*\([^()]*\)", "", term.title).strip()
    names = [n for n in (term.title, bare, abbreviation) if n]
    seen = {_folded(n) for n in names}
    contained = [_words(n) for n in names if len(_folded(n)) > 1]
    shown: list[str] = []
    for name in term.meta.get("also_known_as") or ():
        folded = _folded(name)
        if not folded or "(" in name or folded in seen or folded.rstrip("s") in {k.rstrip("s") for k in seen}:
            continue
        words = _words(name)
        if any(c in words or words in c for c in contained):
            continue
        seen.add(folded)
        shown.append(name)
    return shown


def theme_target(theme: str, by_id: dict[str, Entry]) -> str:
    """Where a theme's name links: its page if it has one, else its place in the findings index."""
    page = by_id.get(theme)
    return page_link(page) if page is not None and page.kind == "theme" else f"/findings/index.md#{theme}"


@dataclass(frozen=True)
class Fact:
    """One field of an entry's kind as readers see it (``Date: 16 November 1989``): the one list
    of them, which the entry's page (Markdown) and the printable edition (HTML) each format."""

    key: str  # the front-matter field
    label: str
    values: tuple[str, ...]  # plain text
    strong: bool = False  # the value in bold (dates, an abbreviation)


def entry_facts(entry: Entry) -> list[Fact]:
    """The fields of the entry's kind, in the order shown (themes apart: each view links them)."""
    m = entry.meta

    def fact(key: str, label: str, *values: str, strong: bool = False) -> list[Fact]:
        shown = tuple(v for v in values if v)
        return [Fact(key, label, shown, strong)] if shown else []

    def field_text(key: str) -> str:
        return str(m.get(key) or "")

    def date(key: str) -> str:
        return format_date(str(m[key])) if m.get(key) else ""

    if entry.kind == "event":
        return [
            *fact("date", "Date", date("date"), strong=True),
            *fact("event_type", "Type", event_type_label(field_text("event_type")) if m.get("event_type") else ""),
            *fact("jurisdiction", "Jurisdiction", field_text("jurisdiction")),
        ]
    if entry.kind == "term":
        return [*fact("abbreviation", "Abbreviation", field_text("abbreviation"), strong=True),
                *fact("also_known_as", "Also known as", *shown_names(entry))]
    if entry.kind == "case-study":
        return [
            *fact("place", "Place", field_text("place")),
            *fact("setting", "Setting", field_text("setting")),
            *fact("year", "Year", date("year"), strong=True),
            *fact("partners", "Partners", *(str(p) for p in m.get("partners") or ())),
        ]
    if entry.kind == "strategy":
        heading = field_text("heading")
        return [
            *fact("domain", "Domain", schema.STRATEGY_DOMAINS.get(field_text("domain"), "")),
            *fact("heading", "Under", heading if _folded(heading) != _folded(entry.title) else ""),
        ]
    if entry.kind == "procedure":
        return fact("applies_to", "Applies to", field_text("applies_to"))
    if entry.kind == "source":
        return fact("year", "Date", date("year"), strong=True)
    return []


def _meta_items(entry: Entry, by_id: dict[str, Entry] | None = None) -> list[str]:
    """``**Label:** value`` lines: the entry's kind, its themes, the fields of its kind."""
    items = [f"**{kind_label(entry.kind)}**"]
    themes = schema.finding_themes(entry.meta) if entry.kind == "finding" else ()
    if themes:
        named = [f"[{md_text(schema.FINDING_THEMES[t])}]({theme_target(t, by_id or {})})" for t in themes]
        items.append(("Themes: " if len(named) > 1 else "Theme: ") + " · ".join(named))
    for fact in entry_facts(entry):
        text = ", ".join(md_text(v) for v in fact.values)
        text = f"**{text}**" if fact.strong else text
        if fact.key == "domain":
            text = f"[{text}](/strategies/index.md#{entry.meta['domain']})"
        elif fact.key == "date":
            text += f" ([on the timeline](/timeline/index.md#{entry.id}))"
        items.append(f"{fact.label}: {text}")
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
    lines += [f"- {item}" for item in _meta_items(entry, by_id)]
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


def findings_index(findings: list[Entry], themes: Iterable[Entry] = ()) -> str:
    """Findings by theme, in the themes' reading order; a finding of several themes is listed
    under each. A theme with a page (``themes``) links to it, with its summary."""
    pages = {t.id: t for t in themes if t.kind == "theme"}
    lines = page_head("Findings", (
        "What the literature says about multi-agency working, theme by theme. Each finding "
        "cites the studies it rests on; follow a citation to its full reference. A finding "
        "that belongs to more than one theme is listed under each."
    ))
    for theme, label in schema.FINDING_THEMES.items():
        group = by_title(f for f in findings if theme in schema.finding_themes(f.meta))
        if not group:
            continue
        lines += [f"## {md_text(label)} {{#{theme}}}", ""]
        if theme in pages:
            lines += [f"{md_text(pages[theme].summary)} [The theme's page]({page_link(pages[theme])}).", ""]
        lines += [*entry_list(group), ""]
    return "\n".join(lines)


def strategies_index(strategies: list[Entry]) -> str:
    """Practice strategies by domain of Table 5.1, then by the heading they sit under."""
    lines = page_head("Practice strategies", (
        "Ways of making multi-agency work succeed, by the domains of Atkinson, Jones and "
        "Lamont's review (Table 5.1), and practical tools and templates."
    ))
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
    lines = page_head(title, intro)
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


def sources_index(sources: list[Entry], about_page: bool = True) -> str:
    """The source overviews' index (``about_page``: the site has the hand-written "About the sources")."""
    about = " [About the sources](/about-sources.md) explains what they are and their limits." if about_page else ""
    lines = page_head("Sources", "One overview per source document the knowledge base is built from." + about)
    lines += [sources_list(sources)]
    return "\n".join(lines)


__all__ = [
    "Fact",
    "entry_facts",
    "entry_page",
    "event_type_label",
    "findings_index",
    "page_head",
    "page_link",
    "shown_names",
    "simple_index",
    "sources_index",
    "sources_list",
    "strategies_index",
    "theme_target",
]
