"""What each line of a passage is: the entry's own text, an editorial note, the editors'
synthesis, or a list of references.

A chunk's text is one line per Markdown unit (paragraph, list item, table row, admonition
title). Its lines do not say which came from an ``!!! note "Editorial note"`` or a
``!!! synthesis "Editors' synthesis"`` block, so the entry's file is read again: a line is a
note (``n``) or synthesis (``s``) when it is the block's title or its words are those of a
paragraph inside such a block (citations may be rendered differently, so words outside
parentheses are compared, not strings). Lines under headings that list works or correct a source ("Further reading ...",
"Slips in ... corrected here", "Page numbers: ...") are ``l``. Everything else is ``t``.

Snippets and answer sentences come from ``t`` lines only (synthesis may be shown on a card,
labelled, but never as what the sources say). The index's corpus fingerprint guarantees the
files read here are the ones the chunks were made from. ``roles_document`` gives the same
information to the site (``index.json``), so the browser chooses as ``kb search`` does, and to
the index (``roles.json``), so that ``kb search`` reads no entry file (``StoredRoles``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..corpus.project import CORPUS_DIR
from .chunk import Chunk

TEXT, NOTE, SYNTHESIS, LISTING = "t", "n", "s", "l"
#: admonition types whose content is not what the sources say
_ROLE_OF_BLOCK = {"note": NOTE, "synthesis": SYNTHESIS}
_OPEN_RE = re.compile(r"^(?:!!!|\?\?\?\+?)\s*(?P<type>[\w-]+)(?:\s+[\w-]+)*(?:\s+\"(?P<title>[^\"]*)\")?\s*$")
#: section headings whose text lists works or corrects the sources, lowercased prefixes
LISTING_HEADINGS: tuple[str, ...] = (
    "further reading", "references", "reading list", "websites", "slips in", "page numbers",
    "which page",
)
_WORDS_RE = re.compile(r"[^\W\d_]+|\d+")
#: share of a line's words that must be in one block paragraph for the line to be from it
CONTAINMENT = 0.85


_PARENS_RE = re.compile(r"\([^()]*\)")


def words(text: str) -> set[str]:
    """Lowercase runs of letters and of digits ('mcinnes2007practitioners' -> three words),
    outside parentheses (where citations are, rendered differently on each side)."""
    return set(_WORDS_RE.findall(_PARENS_RE.sub(" ", text).lower()))


def admonition_units(body: str) -> list[tuple[str, str]]:
    """(role, plain text) of every title and paragraph inside a note or synthesis block."""
    from ..corpus.markdown import _units, inline_text

    lines = body.split("\n")
    found: list[tuple[str, str]] = []
    number = 0
    while number < len(lines):
        match = _OPEN_RE.match(lines[number].strip())
        role = _ROLE_OF_BLOCK.get(match.group("type")) if match else None
        if match is None or role is None:
            number += 1
            continue
        if match.group("title"):
            found.append((role, match.group("title").rstrip(":") + ":"))
        inner: list[str] = []
        number += 1
        while number < len(lines) and (lines[number].startswith(("    ", "\t")) or not lines[number].strip()):
            inner.append(lines[number][4:] if lines[number].startswith("    ") else lines[number].lstrip("\t"))
            number += 1
        # the same units as the chunker's (paragraphs, list items): ``split_sections`` without
        # the heading anchors, which need the markdown package (a block has no headings)
        found.extend((role, inline_text(unit, {})) for unit in _units(inner))
    return found


def line_roles(chunk: Chunk, units: Sequence[tuple[str, str]]) -> str:
    """One role letter per line of ``chunk.text`` (see the module)."""
    heading = " > ".join(chunk.section_path).lower()
    listing = any(h.lower().startswith(LISTING_HEADINGS) for h in chunk.section_path) or heading.startswith(
        LISTING_HEADINGS
    )
    unit_words = [(role, text, words(text)) for role, text in units]
    roles = []
    for line in chunk.text.split("\n"):
        role = LISTING if listing else TEXT
        mine = words(line)
        for unit_role, text, found in unit_words:
            if line.strip() == text.strip() or (
                len(mine) >= 3 and len(mine & found) >= CONTAINMENT * len(mine)
            ):
                role = unit_role
                break
        roles.append(role)
    return "".join(roles)


_FRONT_RE = re.compile(r"\A---[ \t]*\n(?P<head>.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.DOTALL | re.MULTILINE)
_THEME_RE = re.compile(r"^theme:[ \t]*[\"']?(?P<theme>[\w-]+)", re.MULTILINE)


def entry_parts(root: Path, path_id: str) -> tuple[str, str]:
    """The body and the theme label (findings: "Benefits", ...; else '') of the entry
    ``path_id`` ('findings/co-location'); empty when the file cannot be read. The front matter
    is only skipped (the index's fingerprint says the file is the one ``kb check`` and the
    chunker read), so the query path needs no YAML parser."""
    from ..corpus.schema import FINDING_THEMES

    path = root / CORPUS_DIR / f"{path_id}.md"
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return "", ""
    match = _FRONT_RE.match(text)
    if match is None:
        return text, ""
    theme = _THEME_RE.search(match.group("head"))
    return text[match.end() :], FINDING_THEMES.get(theme.group("theme"), "") if theme else ""


class PassageRoles:
    """Roles of the lines of chunks and themes of entries, reading each entry's file once (lazily)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._units: dict[str, list[tuple[str, str]]] = {}
        self._themes: dict[str, str] = {}
        self._roles: dict[str, str] = {}

    def _read(self, path_id: str) -> None:
        if path_id not in self._units:
            body, theme = entry_parts(self.root, path_id) if self.root is not None else ("", "")
            self._units[path_id] = admonition_units(body)
            self._themes[path_id] = theme

    def roles(self, chunk: Chunk) -> str:
        if chunk.id not in self._roles:
            self._read(chunk.path_id)
            self._roles[chunk.id] = line_roles(chunk, self._units[chunk.path_id])
        return self._roles[chunk.id]

    def theme(self, path_id: str) -> str:
        """The entry's theme label (findings only), '' for other kinds."""
        self._read(path_id)
        return self._themes[path_id]


class StoredRoles:
    """Roles and themes as the index keeps them (``roles.json``, from ``roles_document``): the
    role letters of each chunk whose lines are not all text, the theme of each entry that has
    one; ``PassageRoles``'s answers without reading the entry files."""

    def __init__(self, roles: Mapping[str, str], themes: Mapping[str, str]) -> None:
        self._roles, self._themes = dict(roles), dict(themes)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredRoles:
        """The table in ``data`` (``to_dict``); ``ValueError`` when it is not one."""
        roles, themes = data.get("roles"), data.get("themes")
        for name, table in (("roles", roles), ("themes", themes)):
            if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
                raise ValueError(f"{name} is not a table of strings")
        assert isinstance(roles, dict) and isinstance(themes, dict)
        return cls(roles, themes)

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {"roles": self._roles, "themes": self._themes}

    def roles(self, chunk: Chunk) -> str:
        found = self._roles.get(chunk.id)
        return TEXT * (chunk.text.count("\n") + 1) if found is None else found

    def theme(self, path_id: str) -> str:
        return self._themes.get(path_id, "")


def roles_document(root: Path, chunks: Iterable[Chunk]) -> tuple[dict[str, str], dict[str, str]]:
    """For the site's ``index.json``: chunk id -> role letters (for chunks not all ``t``),
    and entry path id -> theme label (for entries with a theme)."""
    roles = PassageRoles(root)
    out: dict[str, str] = {}
    themes: dict[str, str] = {}
    for chunk in chunks:
        letters = roles.roles(chunk)
        if set(letters) != {TEXT}:
            out[chunk.id] = letters
        if roles.theme(chunk.path_id):
            themes[chunk.path_id] = roles.theme(chunk.path_id)
    return out, themes
