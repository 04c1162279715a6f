"""Glossary-aware queries: acronyms and other names of glossary terms expand to each other.

The table is built at index time from the corpus's glossary entries (kind ``term``: their
title, ``abbreviation``, ``also_known_as`` and the search-only ``search_terms``), so "TAC meeting" also searches for
"Team Around the Child", and "one-stop shop" for the term it is another name of.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..corpus.entries import Entry

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SEPARATORS_RE = re.compile(r"[^\w']+")
_PAREN_RE = re.compile(r"\s*\([^()]*\)\s*")


#: weight of the other added names in the BM25 score (decoded acronyms weigh 1)
LEXICAL_WEIGHT = 0.5
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z0-9]s?$")


def is_acronym(name: str) -> bool:
    """'TAC', 'EYDCPs', 'NPQICL': capitals (and digits), no spaces."""
    return bool(_ACRONYM_RE.match(name))


def normalise(text: str) -> str:
    """Lowercase words separated by single spaces: hyphens, slashes and punctuation fold away."""
    return " ".join(_SEPARATORS_RE.sub(" ", text.translate(_QUOTES).lower()).split())


@dataclass(frozen=True)
class TermNames:
    """The names of one glossary term: its title first, then abbreviation and other names."""

    path_id: str
    names: tuple[str, ...]
    abbreviation: str = ""

    @classmethod
    def from_entry(cls, entry: Entry) -> TermNames:
        names: dict[str, None] = {entry.title: None}
        bare = _PAREN_RE.sub(" ", entry.title).strip()
        if bare and bare != entry.title:
            names[bare] = None
        abbreviation = str(entry.meta.get("abbreviation") or "").strip()
        if abbreviation:
            names[abbreviation] = None
        for other in (*(entry.meta.get("also_known_as") or ()), *(entry.meta.get("search_terms") or ())):
            names[str(other).strip()] = None
        return cls(entry.path_id, tuple(n for n in names if n), abbreviation)


@dataclass(frozen=True)
class Expansion:
    """A query and the glossary names added to it.

    ``decoded`` are the titles of acronyms the query uses ("TAC" -> "Team Around the
    Child"): the model does not know the acronym, so they are added for both retrievers
    (``text``). The other names (a title for another name the model can read, an acronym
    for a title) are added to the lexical query only, with less weight (``LEXICAL_WEIGHT``).
    """

    query: str
    added: tuple[str, ...]
    decoded: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The query with the decoded acronyms: what the model and BM25 read."""
        return f"{self.query} ({'; '.join(self.decoded)})" if self.decoded else self.query

    @property
    def extra(self) -> str:
        """The other added names, for BM25 at ``LEXICAL_WEIGHT``."""
        return " ; ".join(n for n in self.added if n not in self.decoded)


@dataclass(frozen=True)
class ExpansionTable:
    """Every glossary term's names, as read from the corpus when the index was built.

    The names are indexed by their first word (``by_word``, made once, when the index is built,
    and kept in ``expansion.json``), so that a query is compared only with the names that begin
    with one of its words: ``expand`` costs what the query's words find, not a scan of every
    name of every term.
    """

    terms: tuple[TermNames, ...]
    by_word: dict[str, tuple[int, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: terms with a two-letter abbreviation (matched as written, case and all)
    short: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    #: ``by_word`` and ``short`` as ``to_dict`` kept them (``from_dict``), instead of made again
    stored: tuple[dict[str, tuple[int, ...]], tuple[int, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.stored is not None:
            object.__setattr__(self, "by_word", self.stored[0])
            object.__setattr__(self, "short", self.stored[1])
            object.__setattr__(self, "stored", None)
            return
        by_word: dict[str, dict[int, None]] = {}
        short: list[int] = []
        for number, term in enumerate(self.terms):
            for name in term.names:
                key = normalise(name)
                if key:
                    by_word.setdefault(key.split(" ", 1)[0], {})[number] = None
                if name == term.abbreviation and len(name) <= 2:
                    short.append(number)
        object.__setattr__(self, "by_word", {w: tuple(t) for w, t in by_word.items()})
        object.__setattr__(self, "short", tuple(dict.fromkeys(short)))

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> ExpansionTable:
        return cls(tuple(TermNames.from_entry(e) for e in entries if e.kind == "term"))

    def to_dict(self) -> dict[str, Any]:
        return {"terms": [{"path_id": t.path_id, "names": list(t.names), "abbreviation": t.abbreviation}
                          for t in self.terms],
                "by_word": {w: list(t) for w, t in self.by_word.items()}, "short": list(self.short)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExpansionTable:
        """The table ``to_dict`` wrote (its word index made again when it is not there);
        ``ValueError`` for a word index naming a term the table does not have."""
        terms = tuple(TermNames(t["path_id"], tuple(t["names"]), t.get("abbreviation", ""))
                      for t in data.get("terms", ()))
        by_word, short = data.get("by_word"), data.get("short")
        if not isinstance(by_word, dict) or not isinstance(short, list):
            return cls(terms)
        numbers = [*short, *(n for t in by_word.values() for n in t)]
        if not all(isinstance(n, int) and 0 <= n < len(terms) for n in numbers):
            raise ValueError("the word index names a term the table does not have")
        return cls(terms, stored=({w: tuple(t) for w, t in by_word.items()}, tuple(short)))

    def candidates(self, padded: str) -> list[int]:
        """The terms (in table order) one of whose names may be in the normalised, space-padded
        query: a name's first word is a word of the query (or the query's word is its plural)."""
        found: set[int] = set(self.short)
        for word in padded.split():
            found.update(self.by_word.get(word, ()))
            if word.endswith("s"):
                found.update(self.by_word.get(word[:-1], ()))
        return sorted(found)

    def expand(self, query: str) -> Expansion:
        """``query`` with the title of every glossary term it names by another name.

        An acronym or other name adds the term's title ("TAC" -> "Team Around the Child");
        a title adds the acronym ("Common Assessment Framework" -> "CAF"). Other names of
        the term are not added: they would outweigh the words the user typed.
        """
        padded = f" {normalise(query)} "
        added: dict[str, str] = {}  # normalised name -> name as written
        decoded: list[str] = []
        for number in self.candidates(padded):
            term = self.terms[number]
            title = term.names[0]
            titles = {title, _PAREN_RE.sub(" ", title).strip()}
            named = [n for n in term.names if self._mentions(query, padded, term, n)]
            if not named:
                continue
            if not titles & set(named):
                added.setdefault(normalise(title), title)
                if any(is_acronym(n) for n in named):
                    decoded.append(title)
            elif term.abbreviation and term.abbreviation not in named:
                added.setdefault(normalise(term.abbreviation), term.abbreviation)
        return Expansion(query, tuple(added.values()), tuple(dict.fromkeys(decoded)))

    @staticmethod
    def _mentions(query: str, padded: str, term: TermNames, name: str) -> bool:
        key = normalise(name)
        if not key:
            return False
        if name == term.abbreviation and len(name) <= 2:
            # a two-letter acronym (EY, LA) counts only when written as one
            return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", query) is not None
        return f" {key} " in padded or f" {key}s " in padded
