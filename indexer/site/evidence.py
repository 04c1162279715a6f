"""The kind of evidence a finding rests on: what kind each cited work is, and its date.

Kinds, not strengths: the sources give no basis for rating how strong a work is, so the
marker says what kind it is (a literature review, a national evaluation, a research study,
a practitioner consultation and its size, policy or legislation, practice guidance, a case
study, a book or commentary) and when, and links to what "About the sources" says of
that kind's limits.

A work's kind comes, in this order, from:

1. ``indexer/data/evidence_kinds.toml``, a small table keyed by bibliography key for the
   works whose fields do not say it (which evaluations are national, which web pages are
   guidance, which reports are case studies). A work whose parts differ (McInnes's review
   and, in its section 6, her consultation of practitioners) has a ``locators`` table: a
   citation whose locator starts so takes that part's kind.
2. The bibliography's own fields: keywords (``legislation``, ``international-treaty``,
   ``policy-document``, ``parliamentary`` -> policy or legislation; ``unidentified``), the
   publisher (the National Evaluation of Sure Start), the ``type`` field or the title (a
   literature, research or systematic review), then the BibTeX type (an article -> research
   study), the title (guidance, a toolkit, guide, framework or procedures -> practice
   guidance), then the type again (research reports -> research study; books, chapters and
   other documents -> book or commentary).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..cite.export import entry_keys
from ..corpus.bibliography import Bibliography, Reference
from ..corpus.citations import parse_citations
from ..corpus.entries import Entry
from ..problems import KBError
from .markup import md_text

TABLE = Path(__file__).resolve().parents[1] / "data" / "evidence_kinds.toml"
ABOUT_SOURCES = "/about-sources.md"


@dataclass(frozen=True)
class Kind:
    """A kind of evidence: its id (also its anchor on About the sources), labels."""

    id: str
    label: str
    plural: str

    @property
    def anchor(self) -> str:
        return f"evidence-{self.id}"


#: in the order the marker lists them
KINDS: tuple[Kind, ...] = (
    Kind("review", "literature review", "literature reviews"),
    Kind("national-evaluation", "national evaluation", "national evaluations"),
    Kind("research", "research study", "research studies"),
    Kind("consultation", "practitioner consultation", "practitioner consultations"),
    Kind("case-study", "case study", "case studies"),
    Kind("guidance", "practice guidance", "practice guidance"),
    Kind("policy", "policy or legislation", "policy or legislation"),
    Kind("commentary", "book or commentary", "books or commentary"),
    Kind("unidentified", "unidentified work", "unidentified works"),
)
KIND_BY_ID = {kind.id: kind for kind in KINDS}

_POLICY_KEYWORDS = frozenset({"legislation", "international-treaty", "policy-document", "parliamentary"})
_REVIEW_RE = re.compile(
    r"\b(literature review|review of the (research )?literature|research review|systematic review)\b", re.I
)
_GUIDANCE_RE = re.compile(r"\b(guidance|toolkit|guide|framework|procedures?)\b", re.I)


@dataclass(frozen=True)
class Rule:
    """A row of the table: the work's kind, a note, and kinds of its parts by locator."""

    kind: str
    note: str = ""
    locators: tuple[tuple[str, Rule], ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One cited work as evidence: its key, kind, note and year."""

    key: str
    kind: Kind
    note: str
    year: str


@dataclass(frozen=True)
class EvidenceGroup:
    """The works of one kind a finding rests on."""

    kind: Kind
    items: tuple[Evidence, ...]

    @property
    def years(self) -> str:
        """``2007``, ``2003–2007``, or ``undated``."""
        years = sorted({item.year for item in self.items if item.year})
        if not years:
            return "undated"
        return years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _rule(key: str, raw: object, where: str) -> Rule:
    if not isinstance(raw, dict):
        raise KBError(f"{where}: [{key}] must be a table with kind = ...")
    kind = raw.get("kind")
    if kind not in KIND_BY_ID:
        raise KBError(f"{where}: [{key}] kind {kind!r} is not one of {', '.join(KIND_BY_ID)}")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise KBError(f"{where}: [{key}] note must be text")
    parts = raw.get("locators", {})
    if not isinstance(parts, dict):
        raise KBError(f"{where}: [{key}.locators] must be a table")
    locators = tuple((str(loc), _rule(f"{key}.locators.{loc}", part, where)) for loc, part in parts.items())
    unknown = set(raw) - {"kind", "note", "locators"}
    if unknown:
        raise KBError(f"{where}: [{key}] unknown field(s): {', '.join(sorted(unknown))}")
    return Rule(str(kind), note, locators)


def load_table(path: Path = TABLE) -> dict[str, Rule]:
    """The table of kinds by bibliography key; a malformed table is a ``KBError`` naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KBError(f"{path}: {exc}") from None
    return {key: _rule(key, value, str(path)) for key, value in data.items()}


@functools.cache
def default_table() -> dict[str, Rule]:
    """The repository's table (``indexer/data/evidence_kinds.toml``), read once."""
    return load_table(TABLE)


def finding_evidence(entry: Entry, bib: Bibliography) -> list[str]:
    """The evidence marker of a finding page (Markdown lines; none for other kinds)."""
    if entry.kind != "finding":
        return []
    return evidence_block(entry_evidence(entry, bib, default_table()))


def derived_kind(ref: Reference) -> str:
    """A work's kind from its bibliography fields alone (see the module docstring)."""
    keywords = {k.strip() for k in ref.get("keywords").split(",")}
    if "unidentified" in keywords:
        return "unidentified"
    if keywords & _POLICY_KEYWORDS:
        return "policy"
    publisher = " ".join(ref.get(f) for f in ("institution", "publisher", "organization"))
    if "National Evaluation of Sure Start" in publisher:
        return "national-evaluation"
    if _REVIEW_RE.search(ref.get("type")) or _REVIEW_RE.search(ref.title):
        return "review"
    if ref.entry_type == "article":
        return "research"
    if _GUIDANCE_RE.search(ref.title):
        return "guidance"
    if ref.entry_type in ("techreport", "phdthesis", "mastersthesis", "inproceedings"):
        return "research"
    return "commentary"


def kind_of(ref: Reference, table: dict[str, Rule], locator: str = "") -> tuple[Kind, str]:
    """The kind and note of a work (or of the part of it a locator points at)."""
    rule = table.get(ref.key)
    if rule is None:
        return KIND_BY_ID[derived_kind(ref)], ""
    for prefix, part in rule.locators:
        if locator.strip().startswith(prefix):
            return KIND_BY_ID[part.kind], part.note
    return KIND_BY_ID[rule.kind], rule.note


def _cited_parts(entry: Entry) -> Iterable[tuple[str, str]]:
    """(key, locator) for the entry's sources, then each work cited in its body."""
    for key in entry.sources:
        yield key, ""
    for citation in parse_citations(entry.body):
        for item in citation.items:
            yield item.key, item.locator


def entry_evidence(entry: Entry, bib: Bibliography, table: dict[str, Rule]) -> list[EvidenceGroup]:
    """The kinds of evidence an entry rests on, in ``KINDS`` order, each with its works."""
    wanted = set(entry_keys(entry))
    found: dict[tuple[str, str], Evidence] = {}
    for key, locator in _cited_parts(entry):
        if key not in wanted or key not in bib:
            continue
        ref = bib[key]
        kind, note = kind_of(ref, table, locator)
        found.setdefault((key, kind.id), Evidence(key, kind, note, ref.year[:4]))
    groups = []
    for kind in KINDS:
        items = sorted((e for e in found.values() if e.kind == kind), key=lambda e: (e.year, e.key))
        if items:
            groups.append(EvidenceGroup(kind, tuple(items)))
    return groups


def _chip(group: EvidenceGroup) -> str:
    count = len(group.items)
    label = group.kind.label if count == 1 else group.kind.plural
    facts = [group.years] if count == 1 else [str(count), group.years]
    if group.kind.id == "consultation":
        facts += [md_text(item.note) for item in group.items if item.note]
    link = f"[{md_text(label)}]({ABOUT_SOURCES}#{group.kind.anchor})"
    return f"{link} ({', '.join(facts)})"


def evidence_block(groups: list[EvidenceGroup]) -> list[str]:
    """Markdown lines: the kinds in one line, then the works of each kind (cited, with dates)."""
    if not groups:
        return []
    lines = [
        '<div class="kb-evidence" markdown>',
        "",
        "**Kinds of evidence:** " + " · ".join(_chip(g) for g in groups),
        "{: .kb-evidence-kinds }",
        "",
        '<details class="kb-evidence-sources" markdown>',
        "<summary>Which sources are of which kind</summary>",
        "",
    ]
    for group in groups:
        works = "; ".join(f"[@{item.key}]" + (f" ({md_text(item.note)})" if item.note else "") for item in group.items)
        lines.append(f"- **{md_text(group.kind.label.capitalize())}**: {works}")
    lines += ["", "</details>", "", "</div>", ""]
    return lines


__all__ = [
    "KINDS",
    "Evidence",
    "EvidenceGroup",
    "Kind",
    "default_table",
    "derived_kind",
    "entry_evidence",
    "evidence_block",
    "finding_evidence",
    "kind_of",
    "load_table",
]
