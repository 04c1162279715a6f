"""The printable edition: the whole knowledge base as one HTML page, in reading order.

Introduction (about the sources, with the source overviews), the themes with their findings,
practice strategies by domain, procedures, the timeline, the glossary A-Z, the case studies and
one bibliography, after a table of contents. Every entry appears once, as a ``<section>`` whose
id is ``FOLDER-ID``; links between entries become links to those sections, citations link to
the bibliography at the end (ids are the keys), and a finding of several themes is printed
under its first theme and listed under the others. The page carries its own styles (screen
and print, ``indexer/data/printable.css``), so it needs nothing else; ``write_pdf`` turns it
into a PDF with WeasyPrint (imported only there).

Pure: corpus, bibliography and style in, text out (``edition``); ``write_pdf`` is the one
function that writes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..cite.citestyle import DEFAULT_STYLE, CitationStyle, load_style
from ..corpus import schema
from ..corpus.entries import Corpus, Entry
from .bibliography_page import is_unidentified, reader_note, unidentified_description
from .glossary import _sort_key
from .markup import by_title, kind_label
from .pages import entry_facts
from .printable_render import Renderer, anchor
from .timeline import event_sort_key

CSS_FILE = Path(__file__).resolve().parent.parent / "data" / "printable.css"
PDF_NAME = "multi-agency-working-in-the-early-years.pdf"


@dataclass(frozen=True)
class Part:
    """One part of the edition: its heading, id, and sections of (heading, id, entries)."""

    title: str
    id: str
    intro: str
    sections: tuple[tuple[str, str, tuple[Entry, ...]], ...]


@dataclass(frozen=True)
class Edition:
    """The edition's HTML and the entries it prints, in order (their section ids)."""

    html: str
    entry_ids: tuple[str, ...]


def _e(text: str) -> str:
    return html.escape(" ".join(str(text).split()), quote=True)


def parts_of(corpus: Corpus) -> list[Part]:
    """The edition's parts, in reading order, each entry in exactly one of them."""
    of = {kind: [e for e in corpus.entries if e.kind == kind] for kind in schema.KIND_FOLDER}
    themes = {t.id: t for t in of["theme"]}
    findings: list[tuple[str, str, tuple[Entry, ...]]] = []
    for theme, label in schema.FINDING_THEMES.items():
        group = tuple(by_title(f for f in of["finding"] if f.meta.get("theme") == theme))
        page = themes.get(theme)
        findings.append((page.title if page else label, f"theme-{theme}", group))
    strategies = [
        (label, f"domain-{domain}", tuple(by_title(s for s in of["strategy"] if s.meta.get("domain") == domain)))
        for domain, label in schema.STRATEGY_DOMAINS.items()
    ]
    sources = sorted(of["source"], key=lambda e: (str(e.meta.get("year", "")), e.title.casefold()))
    return [
        Part("Introduction", "introduction", "", (("The source documents", "the-sources", tuple(sources)),)),
        Part("Themes and findings", "findings", "", tuple(s for s in findings if s[2] or s[0])),
        Part("Practice strategies", "strategies", "", tuple(s for s in strategies if s[2])),
        Part("Procedures", "procedures", "", (("", "", tuple(by_title(of["procedure"]))),)),
        Part("Timeline", "timeline", "", (("", "", tuple(sorted(of["event"], key=event_sort_key))),)),
        Part("Glossary", "glossary", "", (("", "", tuple(sorted(of["term"], key=lambda e: _sort_key(e.title)))),)),
        Part("Case studies", "case-studies", "", (("", "", tuple(by_title(of["case-study"]))),)),
    ]


def meta_line(entry: Entry, themes: dict[str, str]) -> str:
    """The entry's kind and fields (``pages.entry_facts``, as on its page), as one line of HTML."""
    bits = [kind_label(entry.kind)]
    named = schema.finding_themes(entry.meta) if entry.kind == "finding" else ()
    if len(named) > 1:
        links = [f'<a href="#theme-{t}">{_e(themes.get(t, schema.FINDING_THEMES[t]))}</a>' for t in named]
        bits.append("themes: " + ", ".join(links))
    for fact in entry_facts(entry):
        text = ", ".join(_e(v) for v in fact.values)
        bits.append(f"{fact.label}: " + (f"<b>{text}</b>" if fact.strong else text))
    if entry.kind == "case-study" and entry.meta.get("fictional"):
        bits.append("a fictional teaching scenario")
    return " · ".join(bits)


def entry_html(entry: Entry, render: Renderer, by_id: dict[str, Entry], themes: dict[str, str]) -> str:
    """One entry as a section: title, kind line, summary, what it rests on, text, related."""
    parts = [f'<section class="kb-entry kb-{_e(entry.kind)}" id="{anchor(entry)}">']
    parts.append(f"<h3>{_e(entry.title)}</h3>")
    parts.append(f'<p class="kb-print-meta">{meta_line(entry, themes)}</p>')
    if entry.summary:
        parts.append(f'<p class="kb-print-summary">{_e(entry.summary)}</p>')
    if entry.kind == "case-study" and entry.meta.get("outcome"):
        parts.append(f'<p class="kb-print-outcome"><b>Outcome:</b> {_e(entry.meta["outcome"])}</p>')
    if entry.sources:
        keys = "; ".join(f"@{key}" for key in entry.sources)
        parts.append(render.markdown(f"Based on: [{keys}]", entry, shift=0, css="kb-print-sources"))
    parts.append(render.markdown(entry.body, entry, shift=2))
    related = [by_id[r] for r in entry.related if r in by_id]
    if related:
        links = ", ".join(f'<a href="#{anchor(r)}">{_e(r.title)}</a>' for r in related)
        parts.append(f'<p class="kb-print-related"><b>See also:</b> {links}.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def bibliography_html(style: CitationStyle) -> str:
    """One bibliography: every reference (ids are the keys); works not identified last."""
    refs = style.bibliography.references
    keys = style.sorted_keys()
    known = [k for k in keys if not is_unidentified(refs[k])]
    unknown = [k for k in keys if is_unidentified(refs[k])]
    out = ['<h1 class="kb-part" id="bibliography">Bibliography</h1>', '<div class="kb-print-bib">']
    for key in known:
        note = reader_note(refs[key].get("note"))
        extra = f' <span class="kb-print-note">Note: {_e(note)}</span>' if note else ""
        out.append(f'<p id="{_e(key)}">{style.reference_html(key)}{extra}</p>')
    if unknown:
        out.append('<h2 id="not-identified">Works cited but not identified</h2>')
        for key in unknown:
            text = _e(unidentified_description(refs[key]).replace("**", ""))
            out.append(f'<p id="{_e(key)}">{text}</p>')
    out.append("</div>")
    return "\n".join(out)


def contents_html(parts: Iterable[Part]) -> str:
    """The table of contents: parts, their sections and entries."""
    out = ['<nav class="kb-print-toc" aria-labelledby="contents"><h1 id="contents">Contents</h1><ol>']
    for part in parts:
        out.append(f'<li><a href="#{part.id}">{_e(part.title)}</a><ol>')
        for title, section_id, entries in part.sections:
            items = [f'<li><a href="#{anchor(e)}">{_e(e.title)}</a></li>' for e in entries]
            if part.id in ("glossary", "timeline"):
                items = []  # A-Z and by date: the part itself is the index
            if title:
                nested = f"<ol>{''.join(items)}</ol>" if items else ""
                out.append(f'<li class="kb-toc-section"><a href="#{section_id}">{_e(title)}</a>{nested}</li>')
            else:
                out += items
        out.append("</ol></li>")
    out.append('<li><a href="#bibliography">Bibliography</a></li></ol></nav>')
    return "\n".join(out)


def edition(
    corpus: Corpus,
    style: CitationStyle,
    introduction: str = "",
    title: str = "Multi-agency working in the early years",
    built: str = "",
    pdf_link: bool = True,
) -> Edition:
    """The printable edition. ``introduction``: Markdown shown before the source overviews
    (e.g. docs/about-sources.md without its front matter); ``built``: the date it was made."""
    render = Renderer(corpus, style)
    by_id = corpus.by_id()
    theme_entries = {t.id: t for t in corpus.entries if t.kind == "theme"}
    theme_titles = {k: (theme_entries[k].title if k in theme_entries else v) for k, v in schema.FINDING_THEMES.items()}
    parts = parts_of(corpus)
    body: list[str] = []
    printed: list[str] = []
    for part in parts:
        body.append(f'<h1 class="kb-part" id="{part.id}">{_e(part.title)}</h1>')
        if part.id == "introduction" and introduction:
            body.append(render.markdown(introduction, None, shift=1))
        for section_title, section_id, entries in part.sections:
            if section_title:
                body.append(f'<h2 id="{section_id}">{_e(section_title)}</h2>')
            theme = theme_entries.get(section_id.removeprefix("theme-")) if part.id == "findings" else None
            if theme is not None:
                body.append(f'<section class="kb-entry kb-theme" id="{anchor(theme)}">')
                body.append(render.markdown(theme.body, theme, shift=1))
                body.append("</section>")
                printed.append(anchor(theme))
                also = [f for f in by_title(corpus.of_kind("finding")) if f.meta.get("theme") != theme.id]
                also = [f for f in also if theme.id in schema.finding_themes(f.meta)]
                if also:
                    links = ", ".join(f'<a href="#{anchor(f)}">{_e(f.title)}</a>' for f in also)
                    body.append(f'<p class="kb-print-also"><b>Also on this theme:</b> {links}.</p>')
            for entry in entries:
                body.append(entry_html(entry, render, by_id, theme_titles))
                printed.append(anchor(entry))
    body.append(bibliography_html(style))
    css = CSS_FILE.read_text(encoding="utf-8")
    date = f'<p class="kb-print-date">This edition was made on {_e(built)}.</p>' if built else ""
    page = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}: the printable edition</title>",
            f"<style>\n{css}</style>",
            "</head>",
            "<body>",
            '<header class="kb-print-cover">',
            f"<h1>{_e(title)}</h1>",
            '<p class="kb-print-subtitle">A cited knowledge base on multi-agency working in early childhood '
            "services in England: the whole knowledge base in one document.</p>",
            date,
            '<p class="kb-print-download"><a href="../">Back to the website</a>'
            + (f' · <a href="{PDF_NAME}">Download as PDF</a>' if pdf_link else "")
            + "</p>",
            "</header>",
            contents_html(parts),
            "<main>",
            *body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )
    return Edition(page, tuple(printed))


def build_edition(
    corpus: Corpus,
    bib_path: Path,
    csl_path: Path | None = None,
    docs_dir: Path | None = None,
    built: str = "",
    pdf_link: bool = True,
) -> Edition:
    """The edition from files: the bibliography and CSL style, and docs/about-sources.md if present."""
    style = load_style(bib_path, csl_path or DEFAULT_STYLE)
    intro = ""
    about = docs_dir / "about-sources.md" if docs_dir else None
    if about is not None and about.is_file():
        text = about.read_text(encoding="utf-8")
        if text.startswith("---"):
            text = text.split("---", 2)[2]
        intro = "\n".join(line for line in text.splitlines() if not line.startswith("# ") and "kb:sources" not in line)
    return edition(corpus, style, intro, built=built, pdf_link=pdf_link)


def write_pdf(page_html: str, out: Path) -> int:
    """Write the edition as a PDF with WeasyPrint; returns its number of pages."""
    import weasyprint  # type: ignore[import-untyped]  # heavy: only here

    document = weasyprint.HTML(string=page_html, base_url=str(out.parent)).render()
    out.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(str(out))
    return len(document.pages)


__all__ = ["PDF_NAME", "Edition", "build_edition", "edition", "parts_of", "write_pdf"]
