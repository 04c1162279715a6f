"""Load the corpus: one Markdown file per entry, YAML front matter, checked against the schema.

``load_corpus`` never drops a file silently: a file that cannot be read or parsed
becomes a ``Problem``; an entry whose fields are wrong is still loaded (with what
could be read) and its problems are reported beside it.
"""

from __future__ import annotations

import datetime as dt
import os
import reprlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..problems import Problem, display_path
from . import schema
from .frontmatter import FrontMatterError, load_yaml, split


@dataclass(frozen=True)
class Entry:
    """One corpus entry. ``id`` is the file name; ``path_id`` is ``folder/id``."""

    id: str
    kind: str
    title: str
    summary: str
    sources: tuple[str, ...]
    tags: tuple[str, ...]
    related: tuple[str, ...]
    body: str
    path: Path
    rel_path: str  # relative to the corpus folder, e.g. "findings/co-location.md"
    body_line: int
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    key_lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def folder(self) -> str:
        return self.rel_path.split("/", 1)[0]

    @property
    def path_id(self) -> str:
        return f"{self.folder}/{self.id}"

    @property
    def url(self) -> str:
        """The page's URL relative to the site root (MkDocs directory URLs)."""
        return f"{self.path_id}/"

    @property
    def year(self) -> int | None:
        """The entry's year: an event's date, a case study's or source's year."""
        value = self.meta.get("date") or self.meta.get("year")
        return int(str(value)[:4]) if value else None

    def line_of(self, name: str) -> int:
        return self.key_lines.get(name, 1)


@dataclass(frozen=True)
class Corpus:
    """All entries that could be loaded, the tag vocabulary, and every problem found."""

    root: Path
    entries: tuple[Entry, ...]
    tags: dict[str, str]
    problems: tuple[Problem, ...]

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]


TAGS_FILE = "tags.yml"
#: files under corpus/ that are not entries but belong there (relative to corpus/)
EXPECTED_FILES: frozenset[str] = frozenset({TAGS_FILE})
#: extensions people give Markdown files: anything but exactly ``.md`` is reported, not read
_MARKDOWN_SUFFIXES: frozenset[str] = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
#: longest value quoted in a message
QUOTE_LIMIT = 60


def _scan(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Entry files under ``root`` (sorted) and every other file with the reason it is not read."""
    entries: list[Path] = []
    others: list[tuple[Path, str]] = []
    inside = os.path.realpath(root)
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for name in list(dirs):
            if (here / name).is_symlink():
                dirs.remove(name)
                others.append((here / name, "is a symbolic link to a folder: not followed, not read"))
        dirs.sort()
        for name in files:
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                target = os.path.realpath(path)
                if not os.path.exists(target):
                    others.append((path, f"is a dangling symbolic link (to {os.readlink(path)}): not read"))
                    continue
                if os.path.commonpath([inside, target]) != inside:
                    others.append((path, "is a symbolic link leaving the corpus folder: not read"))
                    continue
                if not os.path.isfile(target):
                    others.append((path, "is a symbolic link to something that is not a file: not read"))
                    continue
            elif not path.is_file():
                others.append((path, "is not a regular file: not read"))
                continue
            suffix = path.suffix
            if name.startswith("."):
                others.append((path, "is a hidden file (its name starts with '.'): not read"))
            elif suffix == ".md":
                entries.append(path)
            elif rel in EXPECTED_FILES:
                continue
            elif suffix.lower() in _MARKDOWN_SUFFIXES:
                others.append((path, f"extension {suffix!r} is not read: entries end in '.md' (lowercase)"))
            else:
                others.append((path, "is not an entry (entries end in '.md'; the only other file is corpus/tags.yml)"))
    return sorted(entries), sorted(others)


def iter_entry_files(root: Path) -> Iterator[Path]:
    """Every entry file under ``root``, sorted, including ones in unknown folders.

    Entry files end in ``.md``; a symbolic link is followed only to a file inside ``root``.
    """
    yield from _scan(root)[0]


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 4, 4 * QUOTE_LIMIT, 4 * QUOTE_LIMIT
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 12


def short(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)`` for a message, cut to about ``limit`` characters (however big or deep the value)."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_date(name: str, value: Any) -> tuple[str | None, str | None]:
    """A date field as the schema types it (YYYY, YYYY-MM or YYYY-MM-DD, a real day), or an error."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not (match := schema.DATE_RE.match(value.strip())):
        return None, f"field '{name}' must be a date YYYY, YYYY-MM or YYYY-MM-DD, got {short(value)}"
    year, month, day = match.groups()
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            return None, f"field '{name}': {short(value.strip())} is not a real date (YYYY, YYYY-MM or YYYY-MM-DD)"
    return value.strip(), None


def _check_value(f: schema.Field, value: Any) -> tuple[Any, str | None]:
    """The normalised value, or an error message."""
    if f.type in ("str", "slug"):
        if not isinstance(value, str) or not value.strip():
            return None, f"field '{f.name}' must be a non-empty text, got {short(value)}"
        value = value.strip()
        if f.type == "slug" and not schema.SLUG_RE.match(value):
            return None, f"field '{f.name}' must be lowercase words joined by hyphens, got {short(value)}"
        if f.choices is not None and value not in f.choices:
            allowed = ", ".join(sorted(f.choices))
            return None, f"field '{f.name}' has unknown value {short(value)} (allowed: {allowed})"
        return value, None
    if f.type in ("list[str]", "list[slug]"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return None, f"field '{f.name}' must be a list of texts, got {short(value)}"
        items = [v.strip() for v in value]
        if f.type == "list[slug]":
            bad = [v for v in items if not schema.SLUG_RE.match(v)]
            if bad:
                return None, f"field '{f.name}' must hold lowercase-hyphen slugs, got {short(bad)}"
        unknown = [v for v in items if f.choices is not None and v not in f.choices]
        if unknown:
            allowed = ", ".join(sorted(f.choices or ()))
            return None, f"field '{f.name}' has unknown value {short(unknown[0])} (allowed: {allowed})"
        dupes = sorted({v for v in items if items.count(v) > 1})
        if dupes:
            return None, f"field '{f.name}' lists {short(', '.join(dupes))} more than once"
        return tuple(items), None
    if f.type == "bool":
        if not isinstance(value, bool):
            return None, f"field '{f.name}' must be true or false, got {short(value)}"
        return value, None
    if f.type == "date":
        return _check_date(f.name, value)
    raise AssertionError(f"unknown field type {f.type}")  # pragma: no cover


def load_entry(path: Path, root: Path, display_root: Path) -> tuple[Entry | None, list[Problem]]:
    """Read and validate one entry file (its own fields only; cross-file checks live in check)."""
    shown = display_path(path, display_root)
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(shown, line, message))

    try:
        raw = path.read_bytes()
    except OSError as exc:
        problem(1, f"file cannot be read: {exc.strerror or type(exc).__name__}")
        return None, problems
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem(line, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
        return None, problems
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        problem(text.count("\n", 0, text.index("\x00")) + 1, "file contains a NUL character (a binary file?)")
        return None, problems
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        problem(1, "file is empty")
        return None, problems
    try:
        fm = split(text)
    except FrontMatterError as exc:
        problem(exc.line, str(exc))
        return None, problems
    for name, line in fm.duplicate_keys:
        problem(line, f"field '{name}' is given more than once")

    rel = path.relative_to(root).as_posix()
    folder = rel.split("/", 1)[0] if "/" in rel else ""
    expected_kind = schema.FOLDER_KIND.get(folder)
    if expected_kind is None:
        folders = ", ".join(sorted(schema.FOLDER_KIND))
        problem(1, f"entry is not in a kind folder (expected one of: {folders})")
    elif rel.count("/") > 1:
        problem(1, f"entry must sit directly in {folder}/, not in a subfolder")

    kind = fm.data.get("kind") if isinstance(fm.data.get("kind"), str) else expected_kind
    allowed = schema.fields_for(kind or "")
    values: dict[str, Any] = {}
    for name, value in fm.data.items():
        line = fm.key_lines.get(name, 2)
        spec = allowed.get(name)
        if spec is None:
            known = ", ".join(allowed)
            problem(line, f"unknown field {short(name)} for kind {short(kind)} (allowed: {known})")
            continue
        normalised, error = _check_value(spec, value)
        if error:
            problem(line, error)
        else:
            values[name] = normalised
    for spec in allowed.values():
        if spec.required and spec.name not in fm.data:
            problem(2, f"missing required field '{spec.name}'" + (f" ({spec.help})" if spec.help else ""))

    stem = path.stem
    if "id" in values and values["id"] != stem:
        problem(fm.key_lines["id"], f"id {values['id']!r} does not match the file name {stem!r}")
    if "kind" in values and expected_kind and values["kind"] != expected_kind:
        problem(
            fm.key_lines["kind"],
            f"kind {values['kind']!r} does not match folder {folder}/ (expected {expected_kind!r})",
        )
    if "sources" in values and not values["sources"]:
        problem(fm.key_lines["sources"], "field 'sources' must list at least one bibliography key")
    if not fm.body.strip():
        problem(fm.body_line, "entry has no body text")

    common = {f.name for f in schema.COMMON_FIELDS}
    entry = Entry(
        id=stem,
        kind=expected_kind or str(values.get("kind", "")),
        title=str(values.get("title", stem)),
        summary=str(values.get("summary", "")),
        sources=tuple(values.get("sources", ())),
        tags=tuple(values.get("tags", ())),
        related=tuple(values.get("related", ())),
        body=fm.body,
        path=path,
        rel_path=rel,
        body_line=fm.body_line,
        meta={k: v for k, v in values.items() if k not in common},
        key_lines=dict(fm.key_lines),
    )
    return entry, problems


def load_tags(root: Path, display_root: Path) -> tuple[dict[str, str], list[Problem]]:
    """The tag vocabulary from ``corpus/tags.yml`` (slug: description)."""
    path = root / TAGS_FILE
    shown = display_path(path, display_root)
    if not path.exists():
        return {}, [Problem(shown, 1, "tag vocabulary file is missing")]
    try:
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        data = load_yaml(text)
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return {}, [Problem(shown, mark.line + 1 if mark else 1, f"not valid YAML: {short(reason, 100)[1:-1]}")]
    if not isinstance(data, dict):
        return {}, [Problem(shown, 1, "must be a mapping of tag: description")]
    tags: dict[str, str] = {}
    problems: list[Problem] = []
    for k, v in data.items():
        if isinstance(k, str) and schema.SLUG_RE.match(k) and isinstance(v, str):
            tags[k] = v
        else:
            message = f"tag {short(k)} must be a lowercase-hyphen slug with a text description"
            problems.append(Problem(shown, 1, message))
    return tags, problems


def load_corpus(root: Path, display_root: Path | None = None) -> Corpus:
    """Load every entry under ``root`` (the ``corpus/`` folder)."""
    display_root = display_root or root.parent
    if not root.is_dir():
        return Corpus(root, (), {}, (Problem(display_path(root, display_root), 1, "corpus folder not found"),))
    entries: list[Entry] = []
    problems: list[Problem] = []
    files, others = _scan(root)
    problems.extend(Problem(display_path(path, display_root), 1, f"file {reason}") for path, reason in others)
    for path in files:
        entry, found = load_entry(path, root, display_root)
        problems.extend(found)
        if entry is not None:
            entries.append(entry)
    tags, tag_problems = load_tags(root, display_root)
    problems.extend(tag_problems)
    return Corpus(root, tuple(entries), tags, tuple(problems))
