"""The glossary: an A-Z page of terms, and the abbreviation list shown on hover site-wide.

``glossary_page`` puts each term under the heading of its first letter, with its
abbreviation, other names and summary, linked to its page; an abbreviation also gets
a "see" line under its own letter (when it sits under another letter).
``abbreviations`` writes Python-Markdown ``abbr`` definitions (``*[CAF]: ...``) that
the site appends to every page, so that each abbreviation is explained on hover.
``glossary_data`` is the JSON that the previews of ``docs/assets/kb.js`` read (a term's
definition and link, shown when a glossary link or an abbreviation is pointed at, focused
or tapped).
"""

from __future__ import annotations

import json
import re
import unicodedata

from ..corpus.entries import Entry
from .markup import link, md_text
from .mdx_citations import tooltip_text
from .pages import page_head, shown_names

_PAREN_ABBR_RE = r"\s*\(\s*{abbr}\s*\)\s*$"


def letter_of(text: str) -> str:
    """The A-Z heading a title sits under (accents folded; digits and symbols under '#')."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    for char in folded:
        if char.isalpha():
            return char.upper()
        if char.isdigit():
            return "#"
    return "#"


def expansion(term: Entry) -> str:
    """What an abbreviation stands for: the term's title without a trailing '(ABBR)'."""
    abbr = str(term.meta.get("abbreviation", ""))
    title = term.title
    if abbr:
        title = re.sub(_PAREN_ABBR_RE.format(abbr=re.escape(abbr)), "", title)
    return title.strip() or term.title


def _sort_key(text: str) -> tuple[str, str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return (re.sub(r"[^a-z0-9 ]", "", folded), text)


def glossary_page(terms: list[Entry]) -> str:
    """The A-Z glossary page (definition lists under letter headings)."""
    rows: list[tuple[str, str]] = []  # (sort text, markdown block)
    for term in terms:
        abbr = str(term.meta.get("abbreviation", ""))
        shows_abbr = abbr and re.search(rf"\b{re.escape(abbr)}\b", term.title)
        head = f"**{link(term)}**" + (f" ({md_text(abbr)})" if abbr and not shows_abbr else "")
        body = md_text(term.summary)
        aka = shown_names(term)
        if aka:
            body += " *Also known as:* " + ", ".join(md_text(a) for a in aka) + "."
        rows.append((term.title, f"{head}\n:   {body}\n"))
        if abbr and letter_of(abbr) != letter_of(term.title):
            rows.append((abbr, f"**{md_text(abbr)}**\n:   See {link(term)}.\n"))
    lines = page_head("Glossary", (
        "Terms, acronyms and initiatives used in multi-agency working, A to Z. "
        "Abbreviations are explained wherever they appear on the site: point at one to see it."
    ))
    if not rows:
        return "\n".join([*lines, "*No terms yet.*", ""])
    rows.sort(key=lambda r: _sort_key(r[0]))
    letters: dict[str, list[str]] = {}
    for text, block in rows:
        letters.setdefault(letter_of(text), []).append(block)
    order = sorted(letters, key=lambda letter: (letter == "#", letter))
    nav = " · ".join(f"[{'0–9' if letter == '#' else letter}](#{_letter_id(letter)})" for letter in order)
    lines += [nav, "{: .kb-az }", ""]
    for letter in order:
        title = "0–9" if letter == "#" else letter
        lines += [f"## {title} {{#{_letter_id(letter)}}}", ""]
        lines += letters[letter]
    return "\n".join(lines)


def _letter_id(letter: str) -> str:
    return "digits" if letter == "#" else f"letter-{letter.lower()}"


def abbreviation_map(terms: list[Entry]) -> dict[str, str]:
    """Every glossary abbreviation and what it stands for (first term wins a clash), sorted."""
    seen: dict[str, str] = {}
    for term in sorted(terms, key=lambda t: t.id):
        abbr = str(term.meta.get("abbreviation", "")).strip()
        if abbr and abbr not in seen and "]" not in abbr:
            seen[abbr] = " ".join(expansion(term).split())
    return dict(sorted(seen.items()))


def abbreviations(terms: list[Entry]) -> str:
    """``abbr`` definitions for every glossary abbreviation (first term wins a clash)."""
    # the title attribute the abbr extension makes is shown in the theme's tooltip, as HTML
    return "".join(f"*[{abbr}]: {tooltip_text(text)}\n" for abbr, text in abbreviation_map(terms).items())


def abbr_glossary(abbreviations: dict[str, str]) -> dict[str, str]:
    """Python-Markdown ``abbr``'s ``glossary`` option: the same titles as ``abbreviations``
    writes, given once to the extension instead of appended to every page."""
    return {abbr: tooltip_text(text) for abbr, text in abbreviations.items()}


#: the previews' data, beside docs/assets/kb.js in the built site
PREVIEWS_FILE = "assets/kb-glossary.json"


def glossary_data(terms: list[Entry]) -> str:
    """The glossary previews' data (JSON): per term its page (relative to the site root),
    title, abbreviation and one-line definition, as plain text (the script sets it as text)."""
    rows = []
    for term in sorted(terms, key=lambda t: t.id):
        abbr = str(term.meta.get("abbreviation", "")).strip()
        row = {"url": term.url, "title": " ".join(term.title.split()), "definition": " ".join(term.summary.split())}
        if abbr:
            row["abbr"] = abbr
        rows.append(row)
    return json.dumps({"terms": rows}, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


__all__ = [
    "PREVIEWS_FILE",
    "abbr_glossary",
    "abbreviation_map",
    "abbreviations",
    "expansion",
    "glossary_data",
    "glossary_page",
    "letter_of",
]
