"""Load ``bibliography.bib`` with bibtexparser 2 into typed references, reporting every problem.

bibtexparser keeps blocks it cannot parse as failed blocks; they are reported here,
never dropped. It does not notice a missing comma between two fields (the first
field's value swallows the second), so that is checked here too.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, display_path

ENTRY_TYPES: frozenset[str] = frozenset(
    {
        "article",
        "book",
        "booklet",
        "inbook",
        "incollection",
        "inproceedings",
        "manual",
        "mastersthesis",
        "misc",
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
        """A field's value with the protecting braces removed."""
        return clean(self.fields.get(name, default))

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


def clean(value: str) -> str:
    """A BibTeX value for display: braces removed, ``--`` as an en dash, spaces folded."""
    text = _BRACES_RE.sub("", value).replace("--", "–").replace("\\&", "&")
    return " ".join(text.split())


def split_names(value: str) -> list[str]:
    """Split an author list on top-level ' and ' (braced corporate names stay whole)."""
    names: list[str] = []
    depth = 0
    current: list[str] = []
    tokens = re.split(r"(\s+and\s+|[{}])", value)
    for token in tokens:
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        if depth == 0 and re.fullmatch(r"\s+and\s+", token or ""):
            names.append("".join(current))
            current = []
        else:
            current.append(token)
    names.append("".join(current))
    return [n.strip() for n in names if n.strip()]


def is_corporate(name: str) -> bool:
    return name.startswith("{") and name.endswith("}")


def family_name(name: str) -> str:
    """'McInnes, Karen' -> 'McInnes'; 'Karen McInnes' -> 'McInnes'; '{{DfES}}' -> 'DfES'."""
    if is_corporate(name):
        return clean(name)
    if "," in name:
        return clean(name.split(",", 1)[0])
    parts = clean(name).split()
    return parts[-1] if parts else clean(name)


def _check_reference(ref: Reference, shown: str, raw_fields: dict[str, tuple[str, int]]) -> list[Problem]:
    problems: list[Problem] = []
    if ref.entry_type not in ENTRY_TYPES:
        allowed = ", ".join(sorted(ENTRY_TYPES))
        problems.append(
            Problem(shown, ref.line, f"entry '{ref.key}': unknown entry type @{ref.entry_type} (allowed: {allowed})")
        )
    for name, (value, line) in raw_fields.items():
        if name not in KNOWN_FIELDS:
            problems.append(Problem(shown, line, f"entry '{ref.key}': non-standard field '{name}'"))
        swallowed = _SWALLOWED_RE.search(value)
        if swallowed and swallowed.group(1).lower() in KNOWN_FIELDS:
            problems.append(
                Problem(
                    shown,
                    line,
                    f"entry '{ref.key}': field '{name}' swallows '{swallowed.group(1)} = ...' "
                    "(missing comma between fields?)",
                )
            )
    if not ref.get("title"):
        problems.append(Problem(shown, ref.line, f"entry '{ref.key}': missing field 'title'"))
    if not _YEAR_RE.match(ref.year):
        problems.append(Problem(shown, ref.line, f"entry '{ref.key}': year must be four digits, got {ref.year!r}"))
    if not any(ref.get(f) for f in ("author", "editor", "organization", "institution")):
        problems.append(Problem(shown, ref.line, f"entry '{ref.key}': needs an author, editor or organization"))
    return problems


def load_bibliography(path: Path, display_root: Path | None = None) -> Bibliography:
    """Parse ``path``; every failed block, duplicate and malformed entry becomes a Problem."""
    from bibtexparser.entrypoint import parse_string
    from bibtexparser.model import DuplicateBlockKeyBlock

    shown = display_path(path, display_root or path.parent)
    if not path.exists():
        return Bibliography(path, {}, (Problem(shown, 1, "bibliography file not found"),))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Bibliography(path, {}, (Problem(shown, line, "file is not UTF-8"),))
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = parse_string(text)
    problems: list[Problem] = []
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(Problem(shown, line, f"duplicate entry key '{block.key}' (the first one is kept)"))
        else:
            reason = type(block.error).__name__ if block.error else "parse error"
            first = (block.raw or "").strip().splitlines()[0][:60] if block.raw else ""
            problems.append(
                Problem(
                    shown,
                    line,
                    f"malformed BibTeX block: {first!r} ({reason})",
                )
            )
    references: dict[str, Reference] = {}
    for entry in library.entries:
        raw_fields = {f.key.lower(): (str(f.value), f.start_line + 1) for f in entry.fields}
        ref = Reference(
            key=entry.key,
            entry_type=entry.entry_type.lower(),
            fields={k: v for k, (v, _line) in raw_fields.items()},
            line=(entry.start_line or 0) + 1,
        )
        problems.extend(_check_reference(ref, shown, raw_fields))
        references[entry.key] = ref
    if not references and not problems:
        problems.append(Problem(shown, 1, "bibliography has no entries"))
    return Bibliography(path, references, tuple(problems))
