"""The bibliography page: every reference, formatted in the site's CSL style and sorted.

Each reference has its key as anchor (``bibliography/#mcinnes2007practitioners``), its
URL or DOI as a link, a note where the entry is unverified, and "Cited in" links back
to the entries that cite it (in their text or as a source they rest on).

Works the sources cite but that could not be identified (``keywords`` holds
``unidentified``) are kept out of the alphabetical order: they follow it under their own
heading, described in plain words (who cited what, where), with their anchors kept so that
every citation still leads somewhere. Editors' wording ("placeholder") stays in the .bib.

For students, each reference is given in Harvard (Cite Them Right) and in APA 7, both
formatted at build time (``style`` and ``other``; no CSL processor runs in the browser): the
page shows Harvard, and ``docs/assets/kb.js`` adds the switch (the reader's choice is kept
for the next visit), a copy button per reference (plain text, and HTML with its italics for
word processors) and the filter box. Without JavaScript the page reads as Harvard. An A–Z
bar jumps to the letters' headings; each reference links its own BibTeX, RIS and CSL-JSON
file (``export_assets.reference_files``) and carries a COinS span for Zotero's connector.
"Cited in" shows the first few entries and folds the rest behind their count.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping

from ..cite.citestyle import CitationStyle
from ..cite.export import FORMATS, LABEL
from ..corpus.bibliography import Reference
from ..corpus.citations import parse_citations
from ..corpus.entries import Entry
from .export_assets import coins_span
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


NOT_IDENTIFIED_ID = "not-identified"
_PLACEHOLDER_RE = re.compile(r";?\s*placeholder[^)]*", re.IGNORECASE)
_UNIDENTIFIED_TITLE_RE = re.compile(
    r"^(?:Unidentified|Unspecified)\s+(?P<what>work|research)(?:\s+on\s+(?P<about>.+?))?(?:,?\s*cited as\b.*)?$",
    re.IGNORECASE,
)


def is_unidentified(ref: Reference) -> bool:
    """A work cited by a source that the editors could not identify (``keywords``: ``unidentified``)."""
    return "unidentified" in {k.strip().casefold() for k in ref.get("keywords").split(",")}


def reader_note(note: str) -> str:
    """A reference's note as readers see it: the editors' "placeholder" wording left out."""
    return " ".join(_PLACEHOLDER_RE.sub("", note).replace("()", "").split())


def unidentified_parts(ref: Reference) -> tuple[str, str, str, str]:
    """A work not identified, in plain words: (who, year, what, cited in where)."""
    who = ref.author_short
    who = "Author not known" if not who.strip("[] ") or "unidentified" in who.casefold() else who.strip("[]")
    title = ref.title.strip().strip("[]").strip()
    match = _UNIDENTIFIED_TITLE_RE.match(title)
    if match:
        what = "A work" if match.group("what").casefold() == "work" else "Research"
        about = " ".join(w if w.isupper() else w.lower() for w in (match.group("about") or "").split())
        title = f"{what} on {about}" if about else f"{what} not named"
    else:
        title = f"“{title}”"
    published = ref.get("howpublished")
    where = published[len("cited in ") :] if published.casefold().startswith("cited in ") else ""
    return who, ref.year or "no date", title, where


def unidentified_description(ref: Reference) -> str:
    """Markdown: who, when, what it was cited for, and by whom; that it is not identified."""
    who, year, title, where = unidentified_parts(ref)
    text = f"**{md_text(who)}** ({md_text(year)}). {md_text(title)}."
    if where:
        text += f" Cited in {md_text(where)}."
    return text + " The work itself has not been identified."


def unidentified_html(ref: Reference) -> str:
    """The same as HTML, for the reference lists at the foot of the pages (no placeholder)."""
    who, year, title, where = unidentified_parts(ref)
    text = f"<strong>{html.escape(who)}</strong> ({html.escape(year)}). {html.escape(title)}."
    if where:
        text += f" Cited in {html.escape(where)}."
    return text + " The source names no work that could be identified."


def unidentified_text(ref: Reference) -> str:
    """The same as plain text (a citation's tooltip)."""
    who, year, title, where = unidentified_parts(ref)
    return f"{who} ({year}). {title}." + (f" Cited in {where}." if where else "") + " Not identified."


#: "Cited in" shows this many entries; more are folded behind "and N more"
CITED_IN_SHOWN = 5
STYLE_NAMES = {"harvard": "Harvard (Cite Them Right)", "apa": "APA 7"}


def cited_in_lines(citing: list[Entry]) -> list[str]:
    """Markdown: the entries citing a work; past ``CITED_IN_SHOWN``, the rest folded away."""
    if not citing:
        return []
    shown, rest = citing[:CITED_IN_SHOWN], citing[CITED_IN_SHOWN:]
    if not rest:
        return ["Cited in: " + ", ".join(link(e) for e in shown), "{: .kb-cited-in }", ""]
    lines = [f"Cited in {len(citing)} entries: " + ", ".join(link(e) for e in shown) + ",", "{: .kb-cited-in }", ""]
    lines += [f'<details class="kb-cited-more" markdown><summary>and {len(rest)} more</summary>', ""]
    lines += [", ".join(link(e) for e in rest), "", "</details>", ""]
    return lines


def letter_of(text: str) -> str:
    """The A–Z letter a reference is filed under: the first letter of its text ("#" for none)."""
    for char in unicodedata.normalize("NFKD", text):
        if char.isalpha():
            upper = char.upper()
            return upper if "A" <= upper <= "Z" else "#"
    return "#"


def reference_block(
    key: str, style: CitationStyle, citing: list[Entry], other: Mapping[str, CitationStyle] | None = None,
    files: Mapping[str, str] | None = None,
) -> list[str]:
    """One reference: its text in each style (the first shown, the others ``hidden`` until the
    reader switches), its downloads (``files``: format -> link) and COinS, and "Cited in"."""
    ref = style.bibliography.references[key]
    lines = [f'<div class="kb-bib-entry" id="{attr(key)}" markdown>', ""]
    first = True
    for name, st in {"harvard": style, **(other or {})}.items():
        body = md_html(st.reference_html(key))
        doi = ref.get("doi")
        if doi and "doi.org" not in st.reference_html(key):
            body += f' <a href="https://doi.org/{attr(doi)}">doi:{md_text(doi)}</a>'
        hidden = "" if first else ' hidden="hidden" data-search-exclude="1"'
        lines += [body, f'{{: .kb-ref data-kb-style="{name}"{hidden} }}', ""]
        first = False
    note = reader_note(ref.get("note"))
    if note:
        lines += [f"*Note:* {md_text(note)}", "{: .kb-bib-note }", ""]
    if files:
        links = " · ".join(f"[{LABEL[f]}]({files[f]}){{: download }}" for f in FORMATS if f in files)
        lines += ['<button type="button" class="kb-copy" hidden>Copy</button> Download: ' + links + " " +
                  coins_span(ref), '{: .kb-ref-tools data-search-exclude="1" }', ""]
    lines += cited_in_lines(citing)
    lines += ["</div>", ""]
    return lines


def downloads_paragraph(downloads: dict[str, str]) -> list[str]:
    """Markdown: links to the whole bibliography as files (label -> docs-root-absolute link)."""
    links = " · ".join(f"[{md_text(label)}]({target}){{: download }}" for label, target in downloads.items())
    return [f"**Download the whole bibliography** for a reference manager: {links}", "{: .kb-downloads }", ""]


def style_switch(names: Iterable[str]) -> list[str]:
    """The style switch (shown by kb.js; without it the page reads as the first style)."""
    buttons = "".join(
        f'<button type="button" data-kb-style="{n}" aria-pressed="{str(i == 0).lower()}">'
        f"{STYLE_NAMES.get(n, n)}</button>"
        for i, n in enumerate(names)
    )
    return [
        '<div class="kb-style-switch" role="group" aria-label="Reference style" hidden>'
        f'<span class="kb-style-switch__label">Style:</span> {buttons}'
        '<label class="kb-bib-filter">Filter <input type="search" data-kb-bib-filter '
        'placeholder="author, title, year" autocomplete="off"></label>'
        '<span class="kb-bib-status" role="status" aria-live="polite"></span></div>',
        "",
    ]


def az_bar(letters: Iterable[str]) -> list[str]:
    """The A–Z jump bar: a link for each letter that has references, the others greyed."""
    present = set(letters)
    items = [
        f'<a href="#letter-{c.lower()}">{c}</a>' if c in present else f'<span aria-hidden="true">{c}</span>'
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    ]
    return [f'<nav class="kb-az" aria-label="References by letter">{"".join(items)}</nav>', ""]


def bibliography_page(
    style: CitationStyle, citing: dict[str, list[Entry]], downloads: dict[str, str] | None = None,
    other: Mapping[str, CitationStyle] | None = None, files: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The whole bibliography page; ``downloads`` (label -> link) are offered at its top;
    ``other`` are the other styles (name -> style: ``apa``); ``files`` each reference's own
    downloads (key -> format -> docs-root-absolute link)."""
    refs = style.bibliography.references
    keys = [k for k in style.sorted_keys() if not is_unidentified(refs[k])]
    unknown = [k for k in style.sorted_keys() if is_unidentified(refs[k])]
    styles = ["harvard", *(other or {})]
    named = " and ".join(STYLE_NAMES.get(n, n) for n in styles)
    lines = [
        front_matter({"title": "Bibliography"}),
        "# Bibliography",
        "",
        f"Every work the knowledge base cites or draws on ({len(keys)} references), in the {named} "
        "style" + ("s" if len(styles) > 1 else "") + ". Each reference lists the entries that cite it, "
        "and can be copied or downloaded for a reference manager.",
        "",
    ]
    if unknown:
        lines[-1:-1] = [
            f"The sources also cite {len(unknown)} works that could not be identified: they are "
            f"[listed after the references](#{NOT_IDENTIFIED_ID}).",
            "",
        ]
    if downloads:
        lines += downloads_paragraph(downloads)
    letters = {key: letter_of(style.reference_text(key)) for key in keys}
    if len(styles) > 1:
        lines += style_switch(styles)
    lines += az_bar(letters.values())
    current = ""
    for key in keys:
        if letters[key] != current:
            current = letters[key]
            lines += [f"## {current} {{#letter-{current.lower() if current != '#' else 'other'} .kb-letter}}", ""]
        lines += reference_block(key, style, citing.get(key, []), other, (files or {}).get(key))
    if unknown:
        lines += [
            f"## Works cited but not identified {{#{NOT_IDENTIFIED_ID}}}",
            "",
            "The sources cite these works without the details needed to find them. They are "
            "listed so that every citation on the site leads somewhere; they cannot be looked up.",
            "",
        ]
        for key in unknown:
            lines += [f'<div class="kb-bib-entry kb-bib-unidentified" id="{attr(key)}" markdown>', ""]
            lines += [unidentified_description(refs[key]), ""]
            lines += cited_in_lines(citing.get(key, []))
            lines += ["</div>", ""]
    return "\n".join(lines)


__all__ = [
    "CITED_IN_SHOWN",
    "az_bar",
    "bibliography_page",
    "cited_in",
    "cited_in_lines",
    "is_unidentified",
    "letter_of",
    "reader_note",
    "reference_block",
    "unidentified_description",
    "unidentified_html",
    "unidentified_parts",
    "unidentified_text",
]
