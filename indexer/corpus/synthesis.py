"""The editors' own synthesis, kept apart from what the sources say.

In an entry body, synthesis (lessons, comparisons, "why it matters", teaching suggestions) is an
admonition block titled exactly ``Editors' synthesis``::

    !!! synthesis "Editors' synthesis"
        Camden's split week can be read as one answer to that tension.

Such a block carries no citation of a source document (the source does not say it), and a line
that follows its indented text without a blank line would fall outside the box on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..problems import Problem
from .bibliography import Bibliography
from .citations import parse_citations
from .entries import Entry

TITLE = "Editors' synthesis"
_OPEN_RE = re.compile(r"^!!! synthesis(?:\s+\"(?P<title>[^\"]*)\")?\s*$")
#: bibliography keywords marking one of the five source documents
SOURCE_KEYWORD = "seed-source"


@dataclass(frozen=True)
class Block:
    """One synthesis block: the 0-based body lines of its opening line and of its last text line."""

    start: int
    end: int
    title: str | None

    def holds(self, line: int) -> bool:
        return self.start <= line <= self.end


def synthesis_blocks(body: str) -> list[Block]:
    """The synthesis blocks of ``body``, in order."""
    lines = body.split("\n")
    blocks: list[Block] = []
    number = 0
    while number < len(lines):
        match = _OPEN_RE.match(lines[number])
        if not match:
            number += 1
            continue
        end = number
        following = number + 1
        while following < len(lines) and (lines[following].startswith("    ") or not lines[following].strip()):
            if lines[following].strip():
                end = following
            following += 1
        blocks.append(Block(number, end, match.group("title")))
        number = end + 1
    return blocks


def in_synthesis(blocks: list[Block], line: int) -> bool:
    """Whether the 0-based body ``line`` is inside one of ``blocks``."""
    return any(block.holds(line) for block in blocks)


def source_documents(bib: Bibliography) -> frozenset[str]:
    """The keys of the source documents (keywords ``seed-source``)."""
    return frozenset(
        key for key, ref in bib.references.items() if SOURCE_KEYWORD in re.split(r"[,\s]+", ref.get("keywords"))
    )


def check_synthesis(entry: Entry, shown: str, sources: frozenset[str]) -> list[Problem]:
    """Errors for a synthesis block with another title, one citing a source document (a key of
    ``sources``, see ``source_documents``), and a line that runs on after a block without a blank
    line (it would fall outside the box). ``shown`` is the entry's path as messages name it."""
    lines = entry.body.split("\n")
    problems: list[Problem] = []
    for block in synthesis_blocks(entry.body):
        at = entry.body_line + block.start
        if block.title != TITLE:
            problems.append(Problem(shown, at, f"a synthesis block is titled exactly \"{TITLE}\""))
        text = "\n".join(lines[block.start + 1 : block.end + 1])
        for citation in parse_citations(text):
            for key in citation.keys:
                if key in sources:
                    problems.append(Problem(
                        shown, at + citation.line,
                        f"the editors' synthesis cites the source document '@{key}': "
                        "cite what the source says before the block, not in it",
                    ))
        after = block.end + 1
        if after < len(lines) and lines[after].strip():
            problems.append(Problem(
                shown, entry.body_line + after,
                "this line runs on from the synthesis block above and falls outside it on the page: "
                "indent it by four spaces, or leave a blank line",
            ))
    return problems
