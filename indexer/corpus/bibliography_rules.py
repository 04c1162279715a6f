"""``kb check`` rules for the bibliography's data: what a reference manager or a style would get wrong.

Each rule is an error naming the file, the field's line and the field:

- **an unbraced " and "** in a field that biblatex, biber, pandoc and citation-js read as a
  list of names (``institution``, ``organization``, ``publisher``, ``school``, ``address`` /
  ``location``): ``{Department for Education and Skills}`` is read as two bodies, so a
  single body is braced whole (``{{Department for Education and Skills}}``) and a real list
  braces each body (``{{DfES} and {Institute of Education}}``); in ``author`` and ``editor``, a
  name split off at " and " that reads as part of a corporate name (``Department for
  Education``: it has a lowercase "for", "of", "the" ...), which is braced whole likewise;
- **a web page without ``urldate``**: an ``@online`` entry, or an ``@misc`` with a ``url`` and
  no other locator (no publisher, institution, organization, journal, booktitle, DOI, ISBN
  or number), and an Act with a ``url``, needs the date its address was checked
  (``urldate = {YYYY-MM-DD}``), unless its ``note`` says ``address not checked`` (the editors
  could not check it: see docs/bibliography-notes.md);
- **an Act without a chapter**: an ``@legislation`` entry, or an ``@misc`` with the keyword
  ``legislation`` that is not an ``international-treaty``, needs its chapter in ``number``
  (``number = {c. 31}``).

Pure functions over a loaded ``Bibliography``; the file is read again only to find each
field's line.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..problems import Problem, display_path
from .bibliography import Bibliography, Reference, is_corporate

#: fields biblatex reads as literal lists, split at a top-level " and "
LIST_FIELDS: tuple[str, ...] = ("institution", "organization", "publisher", "school", "address", "location")
NAME_FIELDS: tuple[str, ...] = ("author", "editor")
#: lowercase words of a corporate name that no personal name has (particles such as "van" are not here)
_CORPORATE_WORDS = frozenset({"for", "of", "the", "and", "on", "in", "to", "at", "&", "\\&"})
#: fields that, beside a url, say where else a work is found: such an entry is not only a web page
_LOCATORS: tuple[str, ...] = (
    "publisher", "institution", "organization", "journal", "booktitle", "doi", "isbn", "number", "school",
)
_AND_RE = re.compile(r"(\s+and\s+|[{}])", re.IGNORECASE)
_DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_CHAPTER_RE = re.compile(r"^c\.\s?\d+[A-Za-z]?$")
NOT_CHECKED = "address not checked"


def top_level_items(value: str) -> tuple[list[str], bool]:
    """``value`` split at its top-level " and " (any case), and whether it has such an " and "."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    split = False
    for token in _AND_RE.split(value):
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and token and _AND_RE.fullmatch(token) and token not in "{}":
            items.append("".join(current).strip())
            current = []
            split = True
        else:
            current.append(token)
    items.append("".join(current).strip())
    return [i for i in items if i], split


def _looks_corporate(name: str) -> bool:
    if is_corporate(name) or "," in name:
        return False
    return any(word in _CORPORATE_WORDS for word in name.split())


def _field_lines(text_lines: list[str], ref: Reference) -> dict[str, int]:
    """The 1-based line of each field of ``ref`` (the line where ``name =`` is written)."""
    lines: dict[str, int] = {}
    field_re = re.compile(r"^\s*,?\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=")
    for number in range(ref.line, len(text_lines) + 1):
        line = text_lines[number - 1]
        if number > ref.line and line.lstrip().startswith("@"):
            break
        match = field_re.match(line) or (re.search(r",\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=", line) if number == ref.line
                                         else None)
        if match:
            lines.setdefault(match.group(1).lower(), number)
    return lines


def _shorten(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_braces(ref: Reference, shown: str, lines: dict[str, int]) -> list[Problem]:
    problems: list[Problem] = []
    for name in LIST_FIELDS:
        value = ref.fields.get(name, "")
        items, split = top_level_items(value)
        if not split or all(is_corporate(i) for i in items):
            continue
        parts = "; ".join(f"'{_shorten(i.strip('{}'), 40)}'" for i in items)
        problems.append(
            Problem(
                shown,
                lines.get(name, ref.line),
                f"entry '{ref.key}': field '{name}' has an unbraced ' and ': '{_shorten(value)}' is read as "
                f"{len(items)} names ({parts}); brace one name whole ({name} = {{{{...}}}}) or each name of a "
                "real list ({A} and {B})",
            )
        )
    for name in NAME_FIELDS:
        items, split = top_level_items(ref.fields.get(name, ""))
        corporate = [i for i in items if _looks_corporate(i)] if split else []
        if corporate:
            problems.append(
                Problem(
                    shown,
                    lines.get(name, ref.line),
                    f"entry '{ref.key}': field '{name}' splits a corporate name at an unbraced ' and ' "
                    f"('{_shorten(corporate[0], 40)}' is read as a person's name); brace the corporate name "
                    "whole: {{Name and Name}}",
                )
            )
    return problems


def _keywords(ref: Reference) -> set[str]:
    return {k.strip().lower() for k in re.split(r"[,;]", ref.get("keywords")) if k.strip()}


def is_act(ref: Reference) -> bool:
    """An Act (statute): ``@legislation``, or ``@misc`` tagged ``legislation`` that is not a treaty
    or a statutory instrument (numbered ``SI 2015/921``, not by chapter)."""
    others = {"international-treaty", "statutory-instrument"} & set(_keywords(ref))
    if ref.entry_type == "legislation":
        return not others
    return ref.entry_type == "misc" and "legislation" in _keywords(ref) and not others


def is_web_page(ref: Reference) -> bool:
    """``@online``, or ``@misc`` with a url and no other locator (and not an Act or treaty)."""
    if ref.entry_type == "online":
        return True
    if ref.entry_type != "misc" or not ref.get("url") or "legislation" in _keywords(ref):
        return False
    return not any(ref.get(f) for f in _LOCATORS)


def check_urldate(ref: Reference, shown: str, lines: dict[str, int]) -> list[Problem]:
    urldate = ref.get("urldate")
    if urldate and not _DATE_RE.match(urldate):
        return [
            Problem(
                shown,
                lines.get("urldate", ref.line),
                f"entry '{ref.key}': urldate must be a date YYYY-MM-DD, got '{_shorten(urldate, 30)}'",
            )
        ]
    needs = is_web_page(ref) or (is_act(ref) and bool(ref.get("url")))
    if not needs or urldate or NOT_CHECKED in ref.get("note").lower():
        return []
    what = "an Act with a url" if is_act(ref) else "a web page"
    return [
        Problem(
            shown,
            lines.get("url", ref.line),
            f"entry '{ref.key}': {what} needs urldate = {{YYYY-MM-DD}}, the date its address was checked "
            f"(or, if it cannot be checked, a note that says '{NOT_CHECKED}')",
        )
    ]


def check_chapter(ref: Reference, shown: str, lines: dict[str, int]) -> list[Problem]:
    if not is_act(ref):
        return []
    number = ref.get("number")
    if _CHAPTER_RE.match(number):
        return []
    got = f", got '{_shorten(number, 30)}'" if number else ""
    return [
        Problem(
            shown,
            lines.get("number", ref.line),
            f"entry '{ref.key}': an Act needs its chapter in number, as number = {{c. 31}}{got}",
        )
    ]


def check_bibliography_data(bib: Bibliography, display_root: Path) -> list[Problem]:
    """Every rule of this module for every reference of ``bib``."""
    if not bib.references or not bib.path.exists():
        return []
    shown = display_path(bib.path, display_root)
    text_lines = bib.path.read_text(encoding="utf-8", errors="replace").splitlines()
    problems: list[Problem] = []
    for ref in bib.references.values():
        lines = _field_lines(text_lines, ref)
        problems.extend(check_braces(ref, shown, lines))
        problems.extend(check_urldate(ref, shown, lines))
        problems.extend(check_chapter(ref, shown, lines))
    return problems
