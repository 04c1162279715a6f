r"""Load ``bibliography.bib`` with bibtexparser 2 into typed references, reporting every problem.

bibtexparser keeps blocks it cannot parse as failed blocks; they are reported here,
never dropped (an entry with a field given twice is kept, with the first value). It
does not notice a missing comma between two fields (the first field's value swallows
the second), so that is checked here too. The text is NFC-normalised; LaTeX accents and
symbols (``M{\"u}ller``) are decoded with bibtexparser's ``LatexDecodingMiddleware``
(braced groups kept, so ``{Great Britain}`` stays one corporate name), only in fields that
hold a command other than ``\&`` (which every output already handles); a command left
after decoding is reported. Keys must be keys a citation can name.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, display_path
from .citations import KEY

ENTRY_TYPES: frozenset[str] = frozenset(
    {
        "article",
        "book",
        "booklet",
        "collection",
        "inbook",
        "incollection",
        "inproceedings",
        "manual",
        "mastersthesis",
        "misc",
        "online",
        "phdthesis",
        "techreport",
        "unpublished",
    }
)
#: fields a reference may carry: BibTeX's standard ones plus urldate, doi, isbn,
#: keywords (provenance: seed:NNN, seed-source, legislation) and annote (provenance notes)
KNOWN_FIELDS: frozenset[str] = frozenset(
    {
        "address",
        "annote",
        "author",
        "booktitle",
        "chapter",
        "doi",
        "edition",
        "editor",
        "howpublished",
        "institution",
        "isbn",
        "journal",
        "keywords",
        "month",
        "note",
        "number",
        "organization",
        "pages",
        "publisher",
        "school",
        "series",
        "title",
        "type",
        "url",
        "urldate",
        "volume",
        "year",
        "issn",
    }
)
_SWALLOWED_RE = re.compile(r"[}\"]\s*,?\s*\n?\s*([A-Za-z_]+)\s*=\s*[{\"0-9A-Za-z]")
#: an unbraced value (a number or a macro such as ``mar``) followed by another field
_SWALLOWED_BARE_RE = re.compile(r"^[^{}\"\s]+\s+([A-Za-z_]+)\s*=\s*[{\"0-9A-Za-z]")
_KEY_RE = re.compile(KEY)
#: a LaTeX command other than the escapes \& \% \$ \# \_ (kept as they are)
_LATEX_RE = re.compile(r"\\(?![&%$#_])(?:[A-Za-z]+|[^A-Za-z\s])")
_PROTECT = {"\\&": "\ue000", "--": "\ue001", "~": "\ue002", "\\%": "\ue003", "\\$": "\ue004", "\\#": "\ue005",
            "\\_": "\ue006"}
_YEAR_RE = re.compile(r"^\d{4}$")
_BRACES_RE = re.compile(r"[{}]")


@dataclass(frozen=True)
class Reference:
    """One bibliography entry: its key, BibTeX type, fields (braces kept) and 1-based line."""

    key: str
    entry_type: str
    fields: dict[str, str] = field(compare=False)
    line: int

    def get(self, name: str, default: str = "") -> str:
        """A field's value with the protecting braces removed (an address field as written:
        ``--`` in a URL is two hyphens, not a dash)."""
        value = self.fields.get(name, default)
        if name in VERBATIM_FIELDS:
            return value.strip()
        return clean(value)

    @property
    def year(self) -> str:
        return self.get("year")

    @property
    def title(self) -> str:
        return self.get("title")

    @property
    def author_short(self) -> str:
        """Author-date short name: 'McInnes', 'Cameron and Lart', 'Atkinson et al.'."""
        names = split_names(self.fields.get("author") or self.fields.get("editor") or "")
        if not names:
            names = [clean(self.fields.get("organization") or self.fields.get("institution") or self.key)]
        surnames = [family_name(n) for n in names]
        if len(surnames) == 1:
            return surnames[0]
        if len(surnames) == 2:
            return f"{surnames[0]} and {surnames[1]}"
        return f"{surnames[0]} et al."


@dataclass(frozen=True)
class Bibliography:
    """The references by key, in file order, and the problems found."""

    path: Path
    references: dict[str, Reference]
    problems: tuple[Problem, ...]

    def __contains__(self, key: object) -> bool:
        return key in self.references

    def __getitem__(self, key: str) -> Reference:
        return self.references[key]


#: fields whose value is an address or identifier, never decoded or reflowed
VERBATIM_FIELDS = frozenset({"url", "doi", "isbn", "issn", "urldate"})


def clean(value: str) -> str:
    """A BibTeX value for display: braces removed, ``--`` as an en dash, spaces folded."""
    text = _BRACES_RE.sub("", value).replace("--", "–").replace("\\&", "&")
    return " ".join(text.split())


def split_names(value: str) -> list[str]:
    """Split a name list on top-level ``and`` (bibtexparser's own splitting: a braced
    corporate name stays whole)."""
    from bibtexparser.middlewares.names import split_multiple_persons_names

    return [n.strip() for n in split_multiple_persons_names(value) if n.strip()]


def is_corporate(name: str) -> bool:
    """Whether one name of a list is a braced corporate name (``{Department of Health}``)."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(name) - 1:
            return False  # "{A} {B}": two groups, a person's name written with braces
    return True


@dataclass(frozen=True)
class PersonName:
    """One name in BibTeX's parts (``First von Last, Jr``), braces removed; a corporate or
    one-word name is ``literal`` alone."""

    literal: str = ""
    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""

    @property
    def family(self) -> str:
        """The family name with its particle: ``van der Berg``."""
        return " ".join(p for p in (self.von, self.last) if p)


def person_name(name: str) -> PersonName:
    """A BibTeX name in its parts, by bibtexparser's ``parse_single_name_into_parts`` (BibTeX's
    rules: ``First von Last``, ``von Last, First``, ``von Last, Jr, First``)."""
    if is_corporate(name):
        return PersonName(literal=clean(name))
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    parts = parse_single_name_into_parts(name, strict=False)
    words = [clean(" ".join(p)) for p in (parts.first, parts.von, parts.last, parts.jr)]
    first, von, last, jr = words
    if not (first or von or jr) and len(last.split()) < 2 and "," not in name:
        return PersonName(literal=last)
    return PersonName(first=first, von=von, last=last, jr=jr)


def family_name(name: str) -> str:
    """'McInnes, Karen' -> 'McInnes'; 'Karen McInnes' -> 'McInnes'; '{{DfES}}' -> 'DfES'."""
    parts = person_name(name)
    return parts.literal or parts.last or parts.family


def _quoted(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


_decoder: list[object] = []


#: LaTeX commands decoded to Unicode: accents, letters and a few symbols and text styles;
#: any other command is reported and its field left as written (never silently dropped)
DECODED_COMMANDS: frozenset[str] = frozenset(
    {
        *("u", "v", "H", "c", "k", "r", "d", "b", "t", "i", "j", "l", "L", "o", "O", "ae", "AE", "oe", "OE"),
        *("aa", "AA", "ss", "textendash", "textemdash", "textquoteleft", "textquoteright", "ldots", "dots"),
        *("S", "P", "pounds", "euro", "copyright", "emph", "textit", "textbf", "textsc", "textup", "mbox"),
    }
)
_COMMAND_RE = re.compile(r"\\([A-Za-z]+)")


def decode_latex(value: str) -> tuple[str, str]:
    """``value`` with LaTeX accents and symbols as Unicode (braces, ``\\&``, ``--``, ``~`` kept), and an error.

    A command outside ``DECODED_COMMANDS`` is the error: the value is then returned as written.
    """
    if not _LATEX_RE.search(value):
        return value, ""
    unknown = [m.group(0) for m in _COMMAND_RE.finditer(value) if m.group(1) not in DECODED_COMMANDS]
    if unknown:
        return value, unknown[0]
    if not _decoder:
        from bibtexparser.middlewares import LatexDecodingMiddleware

        _decoder.append(LatexDecodingMiddleware(keep_braced_groups=True))
    protected = value
    for text, mark in _PROTECT.items():
        protected = protected.replace(text, mark)
    decoded, error = _decoder[0]._transform_python_value_string(protected)  # type: ignore[attr-defined]
    for text, mark in _PROTECT.items():
        decoded = decoded.replace(mark, text)
    return unicodedata.normalize("NFC", decoded), str(error)


def _check_reference(ref: Reference, shown: str, raw_fields: dict[str, tuple[str, int]]) -> list[Problem]:
    problems: list[Problem] = []
    if not ref.key:
        problems.append(Problem(shown, ref.line, f"@{ref.entry_type} entry has no key"))
    elif not _KEY_RE.fullmatch(ref.key):
        problems.append(
            Problem(
                shown,
                ref.line,
                f"entry key {_quoted(ref.key)} is not a valid key (letters, digits, _ and :.#$%&+?<>~/- "
                "between them; no spaces)",
            )
        )
    if ref.entry_type not in ENTRY_TYPES:
        allowed = ", ".join(sorted(ENTRY_TYPES))
        problems.append(
            Problem(shown, ref.line, f"entry '{ref.key}': unknown entry type @{ref.entry_type} (allowed: {allowed})")
        )
    swallowed_names: set[str] = set()
    for name, (value, line) in raw_fields.items():
        if name not in KNOWN_FIELDS:
            problems.append(Problem(shown, line, f"entry '{ref.key}': non-standard field {_quoted(name)}"))
        swallowed = _SWALLOWED_RE.search(value) or _SWALLOWED_BARE_RE.search(value)
        if swallowed and swallowed.group(1).lower() in KNOWN_FIELDS:
            swallowed_names.add(swallowed.group(1).lower())
            problems.append(
                Problem(
                    shown,
                    line + value[: swallowed.start(1)].rstrip().count("\n"),
                    f"entry '{ref.key}': missing comma after field '{name}' "
                    f"(its value swallows '{swallowed.group(1)} = ...')",
                )
            )
    if not ref.get("title") and "title" not in swallowed_names:
        problems.append(Problem(shown, ref.line, f"entry '{ref.key}': missing field 'title'"))
    if not _YEAR_RE.match(ref.year) and "year" not in swallowed_names:
        problems.append(
            Problem(shown, ref.line, f"entry '{ref.key}': year must be four digits, got {_quoted(ref.year)}")
        )
    names = ("author", "editor", "organization", "institution")
    if not swallowed_names.intersection(names) and not any(ref.get(f) for f in names):
        problems.append(Problem(shown, ref.line, f"entry '{ref.key}': needs an author, editor or organization"))
    return problems


def _failed_block_problem(block: object, shown: str) -> Problem:
    from bibtexparser.exceptions import BlockAbortedException
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ParsingFailedBlock

    assert isinstance(block, ParsingFailedBlock)
    line = (block.start_line or 0) + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        return Problem(shown, line, f"duplicate entry key {_quoted(block.key)} (the first one is kept)")
    if isinstance(block, DuplicateFieldKeyBlock) and isinstance(block.ignore_error_block, Entry):
        reason = str(block.error).split(". Note:", 1)[0]
        seen: set[str] = set()
        for f in block.ignore_error_block.fields:
            if f.key.lower() in seen:
                line = f.start_line + 1
                break
            seen.add(f.key.lower())
        key = _quoted(block.ignore_error_block.key)
        return Problem(shown, line, f"entry {key}: {reason} (the first value is kept)")
    error = block.error
    if isinstance(error, BlockAbortedException):
        reason = error.abort_reason
    else:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0] if error else "parse error"
    first = (block.raw or "").strip().splitlines()[0] if (block.raw or "").strip() else ""
    return Problem(shown, line, f"malformed BibTeX block {_quoted(first)}: {_quoted(reason, 100)[1:-1]}")


def load_bibliography(path: Path, display_root: Path | None = None) -> Bibliography:
    """Parse ``path``; every failed block, duplicate and malformed entry becomes a Problem."""
    from bibtexparser.entrypoint import parse_string
    from bibtexparser.model import DuplicateFieldKeyBlock, Entry, ImplicitComment

    shown = display_path(path, display_root or path.parent)
    if not path.exists():
        return Bibliography(path, {}, (Problem(shown, 1, "bibliography file not found"),))
    raw = path.read_bytes()
    problems: list[Problem] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # reported, then read with U+FFFD so that the keys still count
        line = raw[: exc.start].count(b"\n") + 1
        message = f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        problems.append(Problem(shown, line, message))
        text = raw.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return Bibliography(path, {}, (Problem(shown, line, "file contains a NUL character (a binary file?)"),))
    text = unicodedata.normalize("NFC", text)
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = parse_string(text)
    entries = list(library.entries)
    for failed in library.failed_blocks:
        problems.append(_failed_block_problem(failed, shown))
        if isinstance(failed, DuplicateFieldKeyBlock) and isinstance(failed.ignore_error_block, Entry):
            entries.append(failed.ignore_error_block)
    for block in library.blocks:
        if isinstance(block, ImplicitComment) and "@" in block.comment:
            problems.append(
                Problem(
                    shown,
                    (block.start_line or 0) + 1,
                    f"text outside any entry is ignored: {_quoted(block.comment.strip())} "
                    "(an entry starts with @type{key,)",
                )
            )
    references: dict[str, Reference] = {}
    for entry in sorted(entries, key=lambda e: e.start_line or 0):
        raw_fields: dict[str, tuple[str, int]] = {}
        for f in entry.fields:
            raw_fields.setdefault(f.key.lower(), (str(f.value), f.start_line + 1))
        fields: dict[str, str] = {}
        for name, (value, line) in raw_fields.items():
            decoded, error = decode_latex(value)
            if error:
                problems.append(
                    Problem(
                        shown,
                        line,
                        f"entry '{entry.key}': field '{name}' has the LaTeX command {_quoted(error)}, which is "
                        "not decoded (write the character itself)",
                    )
                )
            fields[name] = decoded
        ref = Reference(
            key=entry.key,
            entry_type=entry.entry_type.lower(),
            fields=fields,
            line=(entry.start_line or 0) + 1,
        )
        problems.extend(_check_reference(ref, shown, raw_fields))
        references[entry.key] = ref
    if not references and not problems:
        problems.append(Problem(shown, 1, "bibliography has no entries"))
    return Bibliography(path, references, tuple(problems))
