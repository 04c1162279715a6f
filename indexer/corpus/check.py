"""``kb check``: validate the whole corpus and bibliography, reporting ``path:line: message``.

Per-file problems come from ``corpus.load_corpus`` and ``bibliography.load_bibliography``;
this module adds the checks that look across files: duplicate ids, unknown citation
keys (with the nearest existing keys), unknown tags and related ids, broken relative
links, entries that cite nothing, and bibliography entries nobody cites (as notes).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from ..problems import Problem, did_you_mean, display_path
from . import schema
from .bibliography import Bibliography, load_bibliography
from .bibliography_rules import check_bibliography_data
from .citations import Citation, LineIndex, citation_errors, mask_code, parse_citations
from .entries import Corpus, Entry, load_corpus
from .html_rules import check_body
from .markdown import MAX_HEAD_CHARS, MAX_TOKENS, heading_paths, split_sections
from .project import BIBLIOGRAPHY, CORPUS_DIR
from .synthesis import check_synthesis, in_synthesis, source_documents, synthesis_blocks

#: an inline link as Python-Markdown reads it: the text may hold one level of brackets and
#: wrap onto further lines of its paragraph (no blank line), the target may be in <...>, and
#: a title in double or single quotes may follow
_LINK_RE = re.compile(
    r"(?<!!)\[(?P<text>(?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*)\]"
    r"\((?P<target><[^>\n]+>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
#: a reference link's definition, ``[label]: target``, at a line's start
_LINKDEF_RE = re.compile(r"^[ ]{0,3}\[(?P<label>[^\]\n]+)\]:[ \t]*(?P<target><[^>\n]+>|\S+)", re.M)


@dataclass(frozen=True)
class Report:
    """The outcome of a check: problems (errors and notes), sorted by file and line."""

    corpus: Corpus
    bibliography: Bibliography
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "note"]


@lru_cache(maxsize=1024)
def _citations(body: str) -> tuple[Citation, ...]:
    """The citations of an entry body, parsed once for the checks that all need them."""
    return tuple(parse_citations(body))


def _suggest(word: str, candidates: list[str]) -> str:
    return did_you_mean(word, candidates)


def _shown(entry: Entry, display_root: Path) -> str:
    return display_path(entry.path, display_root)


def check_citations(entry: Entry, bib: Bibliography, display_root: Path) -> list[Problem]:
    shown = _shown(entry, display_root)
    keys = list(bib.references)
    problems: list[Problem] = []
    for key in entry.sources:
        if key not in bib:
            problems.append(
                Problem(shown, entry.line_of("sources"), f"unknown source key '{key}'{_suggest(key, keys)}")
            )
    for error in citation_errors(entry.body):
        problems.append(Problem(shown, entry.body_line + error.line - 1, error.message))
    citations = _citations(entry.body)
    for citation in citations:
        for key in citation.keys:
            if key not in bib:
                line = entry.body_line + citation.line - 1
                problems.append(Problem(shown, line, f"unknown citation key '@{key}'{_suggest(key, keys)}"))
    if entry.body.strip() and not citations:
        leading = len(entry.body) - len(entry.body.lstrip("\n"))
        line = entry.body_line + entry.body.count("\n", 0, leading)
        problems.append(Problem(shown, line, "entry body cites nothing: every claim needs a [@key] citation"))
    return problems


#: anchors every entry page has beside its headings' (the site appends these sections)
PAGE_ANCHORS = frozenset({"related-entries", "references"})


def page_anchors(entry: Entry, bib: Bibliography) -> frozenset[str]:
    """The ``#anchors`` an entry's page has: its headings' (as the renderer makes them), the
    appended sections' and its references' (``ref-KEY``)."""
    # citations in headings as keys: the CSL labels are not known at this stage (no heading cites)
    headings = {section.anchor for section in split_sections(entry.body, {}) if section.anchor}
    refs = {f"ref-{key}" for citation in _citations(entry.body) for key in citation.keys}
    return frozenset(headings | refs | PAGE_ANCHORS)


def check_links(
    entry: Entry, corpus_root: Path, display_root: Path, anchors: Callable[[Path], frozenset[str] | None] | None = None
) -> list[Problem]:
    """Relative links must point at an existing corpus entry (or file) from this file, and a
    ``#anchor`` on a link to an entry at one of its page's anchors (``anchors`` gives them for
    an entry's file, None for a file that is no entry)."""
    shown = _shown(entry, display_root)
    body = mask_code(entry.body)
    lines = LineIndex(body)
    problems: list[Problem] = []
    found = [(m.start("target"), m.group("target")) for m in _LINK_RE.finditer(body)]
    found += [(m.start("target"), m.group("target")) for m in _LINKDEF_RE.finditer(body)]
    for start, raw_target in sorted(found):
        target = raw_target.strip("<>")
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "/")):
            continue
        file_part = target.split("#", 1)[0].split("?", 1)[0]
        if not file_part:
            continue
        resolved = (entry.path.parent / PurePosixPath(file_part)).resolve()
        line = entry.body_line + lines.line(start) - 1
        if not resolved.exists():
            problems.append(Problem(shown, line, f"broken link: {target} (no such file)"))
        elif corpus_root.resolve() not in resolved.parents:
            problems.append(Problem(shown, line, f"link leaves the corpus: {target}"))
        elif not file_part.endswith(".md"):
            problems.append(Problem(shown, line, f"link to an entry must end in .md: {target}"))
        elif "#" in target and anchors is not None:
            fragment = target.split("#", 1)[1]
            known = anchors(resolved)
            if fragment and known is not None and fragment not in known:
                problems.append(Problem(shown, line, f"broken link: {target} (no section #{fragment} on that page)"))
    return problems


def check_heading_lengths(entry: Entry, display_root: Path) -> list[Problem]:
    """The title and each heading path must leave the search model room for the text."""
    shown = _shown(entry, display_root)
    why = f"at most {MAX_HEAD_CHARS} with the heading path, as the search model reads {MAX_TOKENS} word pieces"
    if len(entry.title) > MAX_HEAD_CHARS:
        return [Problem(shown, entry.line_of("title"), f"title is {len(entry.title)} characters long ({why})")]
    problems: list[Problem] = []
    for line, path in heading_paths(entry.body):
        size = len(f"{entry.title}: {' > '.join(path)}")
        if size > MAX_HEAD_CHARS:
            problems.append(
                Problem(shown, entry.body_line + line, f"title and heading path are {size} characters long ({why})")
            )
    return problems


_MIN_CLAIM_WORDS = 12
_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True)
class _Block:
    line: int  # 0-based line in the body
    text: str
    is_item: bool


def _blocks(body: str) -> list[_Block]:
    """Paragraphs and list items of ``body`` with their starting line; code, headings and tables skipped."""
    blocks: list[_Block] = []
    current: list[str] = []
    start, item = 0, False
    in_fence = False
    for number, line in enumerate([*body.split("\n"), ""]):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        is_item = bool(_ITEM_RE.match(line))
        if in_fence or not stripped or is_item or stripped.startswith(("#", "|", "!!!", "???")):
            if current:
                blocks.append(_Block(start, " ".join(current), item))
            current = []
            if is_item:
                current, start, item = [stripped], number, True
            continue
        if not current:
            start, item = number, False
        current.append(stripped)
    return blocks


def uncited_claims(entry: Entry, display_root: Path) -> list[Problem]:
    """Notes for paragraphs and list items of some length that carry no citation.

    A list item is covered by the citation of the paragraph that leads into its list; the
    editors' synthesis blocks carry no citation by design.
    """
    shown = _shown(entry, display_root)
    problems: list[Problem] = []
    lead_cited = False
    synthesis = synthesis_blocks(entry.body)
    for block in _blocks(entry.body):
        if in_synthesis(synthesis, block.line):
            continue
        cited = "@" in block.text and bool(parse_citations(block.text))
        if not block.is_item:
            lead_cited = cited
        elif lead_cited:
            continue
        if not cited and len(block.text.split()) >= _MIN_CLAIM_WORDS:
            problems.append(Problem(shown, entry.body_line + block.line, "paragraph has no citation", "note"))
    return problems


def check_corpus(corpus: Corpus, bib: Bibliography, display_root: Path) -> list[Problem]:
    """The checks across files."""
    problems: list[Problem] = []
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for entry in corpus.entries:
        by_id[entry.id].append(entry)
    for entry_id, same in by_id.items():
        for dup in same[1:]:
            first = _shown(same[0], display_root)
            problems.append(Problem(_shown(dup, display_root), 1, f"duplicate id '{entry_id}' (also {first})"))
    ids = sorted(by_id)
    tags = sorted(corpus.tags)
    sources = source_documents(bib)
    by_path = {entry.path.resolve(): entry for entry in corpus.entries}
    cache: dict[Path, frozenset[str]] = {}

    def anchors_of(path: Path) -> frozenset[str] | None:
        target = by_path.get(path)
        if target is None:
            return None
        if path not in cache:
            cache[path] = page_anchors(target, bib)
        return cache[path]

    for entry in corpus.entries:
        shown = _shown(entry, display_root)
        problems.extend(check_citations(entry, bib, display_root))
        problems.extend(check_links(entry, corpus.root, display_root, anchors_of))
        problems.extend(check_body(entry, display_root))
        problems.extend(check_heading_lengths(entry, display_root))
        problems.extend(check_synthesis(entry, shown, sources))
        problems.extend(uncited_claims(entry, display_root))
        for tag in entry.tags:
            if corpus.tags and tag not in corpus.tags:
                problems.append(
                    Problem(
                        shown,
                        entry.line_of("tags"),
                        f"unknown tag '{tag}'{_suggest(tag, tags)} (add it to corpus/tags.yml)",
                    )
                )
        problems.extend(check_themes(entry, shown))
        for rel in entry.related:
            if rel not in by_id:
                problems.append(
                    Problem(shown, entry.line_of("related"), f"unknown related id '{rel}'{_suggest(rel, ids)}")
                )
            elif rel == entry.id:
                problems.append(Problem(shown, entry.line_of("related"), "entry lists itself as related"))
    return problems


def check_themes(entry: Entry, shown: str) -> list[Problem]:
    """A theme page is named after a theme of findings; a finding's other themes exclude its first."""
    if entry.kind == "theme" and entry.id not in schema.FINDING_THEMES:
        allowed = ", ".join(schema.FINDING_THEMES)
        message = f"theme '{entry.id}' is not a theme of findings (one of: {allowed})"
        return [Problem(shown, entry.line_of("id"), message)]
    if entry.kind == "finding" and entry.meta.get("theme") in entry.meta.get("also_themes", ()):
        theme = entry.meta["theme"]
        return [Problem(shown, entry.line_of("also_themes"), f"'also_themes' repeats the first theme '{theme}'")]
    return []


def unused_references(corpus: Corpus, bib: Bibliography, display_root: Path) -> list[Problem]:
    used: set[str] = set()
    for entry in corpus.entries:
        used.update(entry.sources)
        for citation in _citations(entry.body):
            used.update(citation.keys)
    shown = display_path(bib.path, display_root)
    return [
        Problem(shown, ref.line, f"entry '{key}' is not cited by any corpus entry", "note")
        for key, ref in bib.references.items()
        if key not in used
    ]


def run_check(root: Path, corpus_dir: Path | None = None, bib_path: Path | None = None) -> Report:
    """Check the project at ``root`` (which holds ``corpus/`` and ``bibliography.bib``, unless
    ``corpus_dir`` and ``bib_path`` say where they are; messages name files relative to ``root``)."""
    corpus = load_corpus(corpus_dir or root / CORPUS_DIR, display_root=root)
    bib = load_bibliography(bib_path or root / BIBLIOGRAPHY, display_root=root)
    problems = [*corpus.problems, *bib.problems]
    problems.extend(check_corpus(corpus, bib, root))
    problems.extend(check_bibliography_data(bib, root))  # the bibliography's data rules (bibliography_rules)
    problems.extend(unused_references(corpus, bib, root))
    return Report(
        corpus, bib, tuple(sorted(set(problems), key=lambda p: (p.severity != "error", p.path, p.line, p.message)))
    )
