"""The bibliography page: every reference, formatted in the site's CSL style and sorted.

Each reference has its key as anchor (``bibliography/#mcinnes2007practitioners``), its
URL or DOI as a link, a note where the entry is unverified, and "Cited in" links back
to the entries that cite it (in their text or as a source they rest on).

Works the sources cite but that could not be identified (``keywords`` holds
``unidentified``) are kept out of the alphabetical order: they follow it under their own
heading, described in plain words (who cited what, where), with their anchors kept so that
every citation still leads somewhere. Editors' wording ("placeholder") stays in the .bib.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..cite.citestyle import CitationStyle
from ..corpus.bibliography import Reference
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


def unidentified_description(ref: Reference) -> str:
    """Plain words for a work not identified: who, when, what it was cited for, and by whom."""
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
    text = f"**{md_text(who)}** ({md_text(ref.year or 'no date')}). {md_text(title)}."
    if where:
        text += f" Cited in {md_text(where)}."
    return text + " The work itself has not been identified."


def reference_block(key: str, style: CitationStyle, citing: list[Entry]) -> list[str]:
    ref = style.bibliography.references[key]
    body = md_html(style.reference_html(key))
    doi = ref.get("doi")
    if doi and "doi.org" not in style.reference_html(key):
        body += f' <a href="https://doi.org/{attr(doi)}">doi:{md_text(doi)}</a>'
    lines = [f'<div class="kb-bib-entry" id="{attr(key)}" markdown>', "", body, ""]
    note = reader_note(ref.get("note"))
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
    refs = style.bibliography.references
    keys = [k for k in style.sorted_keys() if not is_unidentified(refs[k])]
    unknown = [k for k in style.sorted_keys() if is_unidentified(refs[k])]
    lines = [
        front_matter({"title": "Bibliography"}),
        "# Bibliography",
        "",
        f"Every work the knowledge base cites or draws on ({len(keys)} references), "
        "in the Harvard (Cite Them Right) style. Each reference lists the entries that cite it.",
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
    for key in keys:
        lines += reference_block(key, style, citing.get(key, []))
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
            if citing.get(key):
                lines += ["Cited in: " + ", ".join(link(e) for e in citing[key]), "{: .kb-cited-in }", ""]
            lines += ["</div>", ""]
    return "\n".join(lines)


__all__ = ["bibliography_page", "cited_in", "is_unidentified", "reader_note", "unidentified_description"]
