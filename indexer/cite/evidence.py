"""The per-claim evidence table: every citation in the corpus as a row, for someone writing
a review (``kb evidence``, CSV or JSON).

A row is one cited work in one sentence: the entry (id, title, kind), the section's heading
path and address, the sentence as the site reads it (plain text, citations as their in-text
labels), the key, its label (``McInnes, 2007a``), the locator (``p. 21``) and the prefix
(``see``). A sentence citing two works gives two rows. Sentences are cut the way the search
index cuts them (after ``.``, ``!`` or ``?`` before a capital), never inside a citation, so
``[see @a, p. 3]`` stays whole.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from ..corpus.citations import Labels, parse_citations
from ..corpus.entries import Entry
from ..corpus.markdown import inline_text, split_sections

FIELDS: tuple[str, ...] = (
    "entry", "title", "kind", "section", "url", "sentence", "key", "label", "locator", "prefix",
)
EVIDENCE_FORMATS: tuple[str, ...] = ("csv", "json")
_FORMULA_START = frozenset("=+-@\t\r")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9@])")


@dataclass(frozen=True)
class EvidenceRow:
    entry: str
    title: str
    kind: str
    section: str
    url: str
    sentence: str
    key: str
    label: str
    locator: str
    prefix: str


def sentences_with_spans(unit: str) -> list[str]:
    """A unit of Markdown cut into sentences, never inside a citation."""
    spans = [(c.start, c.end) for c in parse_citations(unit)]
    cuts = [0]
    for match in _SENTENCE_END_RE.finditer(unit):
        if not any(start < match.start() < end for start, end in spans):
            cuts.append(match.end())
    cuts.append(len(unit))
    return [unit[a:b].strip() for a, b in itertools.pairwise(cuts) if unit[a:b].strip()]


def entry_rows(entry: Entry, labels: Labels) -> list[EvidenceRow]:
    """The evidence rows of one entry, in reading order."""
    rows: list[EvidenceRow] = []
    for section in split_sections(entry.body, labels):
        url = entry.url + (f"#{section.anchor}" if section.anchor else "")
        for unit in section.units:
            for sentence in sentences_with_spans(unit):
                text = inline_text(sentence, labels)
                for citation in parse_citations(sentence):
                    for item in citation.items:
                        label = labels.get(item.key)
                        rows.append(
                            EvidenceRow(
                                entry=entry.id, title=entry.title, kind=entry.kind,
                                section=" > ".join(section.path), url=url, sentence=text, key=item.key,
                                label=label.parenthetical if label else item.key,
                                locator=item.locator, prefix=item.prefix,
                            )
                        )
    return rows


def evidence_rows(entries: Iterable[Entry], labels: Labels) -> list[EvidenceRow]:
    """Every citation of the corpus as a row, entries in corpus order."""
    return [row for entry in entries for row in entry_rows(entry, labels)]


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading ``'``."""
    return "'" + value if value[:1] in _FORMULA_START else value


def to_csv(rows: Iterable[EvidenceRow]) -> str:
    """The rows as CSV (RFC 4180, a header line; every cell is text, never a formula)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(FIELDS), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in asdict(row).items()})
    return buffer.getvalue()


def to_json(rows: Iterable[EvidenceRow]) -> str:
    """The rows as a JSON array of objects (keys as in ``FIELDS``)."""
    return json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=1) + "\n"


def evidence_export(rows: Iterable[EvidenceRow], fmt: str) -> str:
    """The rows in ``fmt`` (``csv`` or ``json``)."""
    from ..problems import Arg, ArgumentError

    if fmt not in EVIDENCE_FORMATS:
        raise ArgumentError(Arg("format"), f" '{fmt}' is unknown (choose {', '.join(EVIDENCE_FORMATS)})")
    return to_csv(rows) if fmt == "csv" else to_json(rows)
