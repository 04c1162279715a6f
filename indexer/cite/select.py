"""Which references to cite: by key, by the entry that cites them, by search result, by tag
or kind. Pure functions over a loaded bibliography and corpus."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..corpus.bibliography import Bibliography, Reference
from ..corpus.citations import cited_keys
from ..corpus.entries import Corpus, Entry
from ..problems import Arg, ArgumentError, KBError, did_you_mean
from .csl import csl_type, public_keywords


@dataclass(frozen=True)
class Selection:
    """The references found for the keys asked for (in order, once each) and the unknown keys."""

    references: tuple[Reference, ...]
    unknown: tuple[str, ...]


def unknown_keys_message(unknown: Sequence[str], known: Iterable[str]) -> str:
    """``unknown reference key 'x' (did you mean y, z?)``, one clause per key."""
    known = list(known)
    parts = [f"'{key}'" + did_you_mean(key, known, " (no similar key)") for key in unknown]
    noun = "key" if len(unknown) == 1 else "keys"
    return f"unknown reference {noun}: " + "; ".join(parts)


def select_references(bib: Bibliography, keys: Iterable[str], skip_unknown: bool = False) -> Selection:
    """The references of ``keys``, deduplicated, in the order given.

    An unknown key raises ``KBError`` naming it and the nearest existing keys, unless
    ``skip_unknown``: then it is listed in ``Selection.unknown`` and left out.
    """
    ordered = list(dict.fromkeys(k.strip().lstrip("@") for k in keys if k.strip()))
    unknown = [k for k in ordered if k not in bib]
    if unknown and not skip_unknown:
        raise KBError(unknown_keys_message(unknown, bib.references))
    return Selection(tuple(bib[k] for k in ordered if k in bib), tuple(unknown))


def reference_kinds(bib: Bibliography) -> list[str]:
    """The CSL types of the bibliography (what ``kinds`` filters by), sorted."""
    return sorted({csl_type(ref) for ref in bib.references.values()})


def reference_tags(bib: Bibliography) -> list[str]:
    """The public keywords of the bibliography (what ``tags`` filters by; no provenance), sorted."""
    return sorted({k for ref in bib.references.values() for k in public_keywords(ref)})


def filter_references(
    references: Iterable[Reference], bib: Bibliography, tags: Sequence[str] = (), kinds: Sequence[str] = ()
) -> list[Reference]:
    """The references with every tag of ``tags`` among their keywords and, with ``kinds``, of
    one of those CSL types (``book``, ``report``, ``webpage``, ``legislation``...). An unknown
    tag or kind is an ``ArgumentError`` naming ``tag`` or ``kind``."""
    for name, given, known in (("tag", tags, reference_tags(bib)), ("kind", kinds, reference_kinds(bib))):
        for value in given:
            if value not in known:
                hint = did_you_mean(value, known, f" (known: {', '.join(known)})")
                raise ArgumentError(Arg(name), f" {value!r} is unknown{hint}")
    return [
        ref for ref in references
        if set(tags) <= set(public_keywords(ref)) and (not kinds or csl_type(ref) in kinds)
    ]


def entry_keys(entry: Entry) -> list[str]:
    """The keys an entry cites: its ``sources``, then every key cited in its body, once each."""
    return list(dict.fromkeys([*entry.sources, *cited_keys(entry.body)]))


def find_entry(corpus: Corpus, entry_id: str) -> Entry:
    """The entry with id ``lead-professional`` or page path ``glossary/lead-professional``."""
    wanted = entry_id.strip().strip("/").removesuffix(".md")
    for entry in corpus.entries:
        if wanted in (entry.id, entry.path_id):
            return entry
    hint = did_you_mean(wanted.rsplit("/", 1)[-1], [e.id for e in corpus.entries])
    raise KBError(f"no entry with id '{entry_id}' in the corpus{hint}")


def keys_from_results(results: Iterable[Mapping[str, Any]]) -> list[str]:
    """The keys cited by search results (``results`` of the ``kb search --json`` contract),
    once each, in the order of the results and of their citations."""
    keys: dict[str, None] = {}
    for result in results:
        for citation in result.get("citations", ()):
            keys.setdefault(str(citation["key"]), None)
    return list(keys)
