"""The corpus schema: kinds, folders, front-matter fields and their allowed values.

Each kind of entry lives in its own folder under ``corpus/``. Every entry has the
common fields; each kind adds its own. Allowed values are frozensets, so that the
checker and the website agree on one list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: folder under corpus/ -> kind named in the front matter
FOLDER_KIND: dict[str, str] = {
    "findings": "finding",
    "timeline": "event",
    "glossary": "term",
    "case-studies": "case-study",
    "strategies": "strategy",
    "procedures": "procedure",
    "sources": "source",
    "themes": "theme",
}
KIND_FOLDER: dict[str, str] = {kind: folder for folder, kind in FOLDER_KIND.items()}

#: human labels, singular and plural, for pages and CLI output
KIND_LABEL: dict[str, tuple[str, str]] = {
    "finding": ("Finding", "Findings"),
    "event": ("Timeline event", "Timeline"),
    "term": ("Glossary term", "Glossary"),
    "case-study": ("Case study", "Case studies"),
    "strategy": ("Practice strategy", "Practice strategies"),
    "procedure": ("Procedure", "Procedures"),
    "source": ("Source overview", "Sources"),
    "theme": ("Theme", "Themes"),
}

#: themes of findings, in reading order, with their labels
FINDING_THEMES: dict[str, str] = {
    "definitions": "Definitions and models",
    "history": "Why it matters and where it came from",
    "benefits": "Benefits",
    "challenges": "Disadvantages, barriers and criticisms",
    "success-factors": "Success factors",
    "practitioner-views": "What practitioners said",
    "evaluations": "What national evaluations found",
}

EVENT_TYPES: frozenset[str] = frozenset(
    {
        "act",
        "guidance",
        "green-paper",
        "white-paper",
        "report",
        "inquiry",
        "programme",
        "strategy",
        "framework",
        "qualification",
        "convention",
        "target",
    }
)

#: domains of Table 5.1 (Atkinson, Jones and Lamont 2007) plus practical tools
STRATEGY_DOMAINS: dict[str, str] = {
    "working-relationships": "Working relationships",
    "multi-agency-processes": "Multi-agency processes",
    "resources": "Resources for multi-agency work",
    "management-and-governance": "Management and governance",
    "tools": "Practical tools and templates",
}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True)
class Field:
    """One front-matter field: its name, type and whether it must be present."""

    name: str
    type: str  # "str", "list[str]", "bool", "date", "int", "slug", "list[slug]"
    required: bool
    choices: frozenset[str] | None = None
    help: str = ""


COMMON_FIELDS: tuple[Field, ...] = (
    Field("id", "slug", True, help="the file name without .md"),
    Field("title", "str", True),
    Field("kind", "str", True, frozenset(KIND_FOLDER), help="must match the folder"),
    Field("summary", "str", True, help="one or two sentences, shown in lists and previews"),
    Field("sources", "list[str]", True, help="bibliography keys the entry rests on"),
    Field("tags", "list[slug]", True, help="themes from corpus/tags.yml"),
    Field("related", "list[slug]", False, help="ids of related entries"),
)

KIND_FIELDS: dict[str, tuple[Field, ...]] = {
    "finding": (
        Field("theme", "str", True, frozenset(FINDING_THEMES)),
        Field(
            "also_themes",
            "list[str]",
            False,
            frozenset(FINDING_THEMES),
            help="other themes it belongs to (listed there too)",
        ),
    ),
    "event": (
        Field("date", "date", True, help="YYYY, YYYY-MM or YYYY-MM-DD"),
        Field("event_type", "str", True, EVENT_TYPES),
        Field("jurisdiction", "str", True),
    ),
    "term": (
        Field("abbreviation", "str", False),
        Field("also_known_as", "list[str]", False, help="other names, shown and searched"),
        Field("search_terms", "list[str]", False, help="spellings and phrases searched for, never shown"),
    ),
    "case-study": (
        Field("place", "str", True),
        Field("setting", "str", True),
        Field("outcome", "str", True, help="one line: what came of it"),
        Field("partners", "list[str]", False),
        Field("year", "date", False),
        Field("fictional", "bool", False),
    ),
    "strategy": (
        Field("domain", "str", True, frozenset(STRATEGY_DOMAINS)),
        Field("heading", "str", True, help="the heading of Table 5.1 it sits under"),
    ),
    "procedure": (Field("applies_to", "str", False),),
    "source": (
        Field("document", "str", True, help="the source document's file name in shared/seeds"),
        Field("year", "date", True),
    ),
    # a theme's landing page: its id is a key of FINDING_THEMES, its body a cited introduction
    "theme": (),
}


def finding_themes(meta: dict[str, object]) -> tuple[str, ...]:
    """Every theme a finding belongs to: ``theme`` first, then ``also_themes``, known ones only."""
    first = meta.get("theme")
    others = meta.get("also_themes") or ()
    named = [first, *others] if isinstance(others, (list, tuple)) else [first]
    return tuple(dict.fromkeys(t for t in named if isinstance(t, str) and t in FINDING_THEMES))


def fields_for(kind: str) -> dict[str, Field]:
    """All fields allowed for ``kind``, common ones first."""
    return {f.name: f for f in (*COMMON_FIELDS, *KIND_FIELDS.get(kind, ()))}
