"""Grow a corpus N-fold, synthetically, for scale benchmarks: ``kb check`` stays clean.

(The themes' landing pages, one per theme of findings, are not copied.)

    python scripts/grow_corpus.py SRC_ROOT OUT_ROOT --factor 10

SRC_ROOT holds ``corpus/`` and ``bibliography.bib`` (the repository, say); OUT_ROOT (new or
empty) gets a corpus with the original entries and N-1 copies of each, and the same
bibliography. Copy ``k`` (2..N) of ``folder/ID.md`` is ``folder/ID-vK.md`` with:

- id ``ID-vK`` and the title followed by ``(K)``; ``related`` ids and relative links to
  entries point at the same copy's entries (anchors kept: headings are not changed), so
  links, related ids, glossary terms, tags and citations stay consistent;
- text varied in every paragraph, list item and table row, so that no two passages are
  equal: some common words are swapped for others (a different choice per copy and
  paragraph, outside links, citations and code), each paragraph starts with ``Copy K:`` and
  ends with a short marker naming the copy and the entry (so that a section split into parts
  differs in each, and two entries that share a paragraph differ in their copies), and the
  summary is varied likewise. Sections that only list links ("See also") are left as
  they are, and so are citations, headings, code and the other front-matter fields;
- a paragraph that ``kb check`` leaves alone because it is short and cites nothing (a line of
  links, an info box: under its 12 words) stays short: one-word swaps only, no ``Copy K:``, and
  a one-word marker ``(K.N)``, so the grown corpus has ``kb check``'s notes and no more.

The grown corpus is for measuring, never for reading: its copies say the same things again.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.corpus.citations import parse_citations  # noqa: E402
from indexer.corpus.frontmatter import load_yaml  # noqa: E402
from indexer.search.chunking import NAVIGATION_HEADINGS  # noqa: E402

CORPUS, BIB = "corpus", "bibliography.bib"
#: ``kb check`` notes an uncited paragraph or list item of this many words or more
#: (``indexer.corpus.check``; a test checks the two agree)
CLAIM_WORDS = 12
#: word -> words that may replace it (same part of speech, the sense roughly kept)
SWAPS: dict[str, tuple[str, ...]] = {
    "practitioners": ("professionals", "staff", "workers"),
    "professionals": ("practitioners", "staff", "specialists"),
    "services": ("provision", "agencies", "teams"),
    "agencies": ("services", "organisations", "bodies"),
    "children": ("young children", "pupils", "infants"),
    "families": ("parents", "households", "carers"),
    "parents": ("carers", "families", "mothers and fathers"),
    "working": ("collaborating", "operating", "acting"),
    "support": ("help", "assistance", "backing"),
    "important": ("significant", "central", "key"),
    "different": ("distinct", "separate", "varied"),
    "local": ("area", "district", "community"),
    "found": ("reported", "observed", "noted"),
    "shared": ("joint", "common", "pooled"),
    "between": ("among", "across", "amid"),
    "often": ("frequently", "commonly", "regularly"),
    "also": ("as well", "likewise", "too"),
    "early": ("first", "initial", "early-stage"),
    "information": ("knowledge", "details", "records"),
    "needs": ("requirements", "wants", "concerns"),
}
_WORD_RE = re.compile(r"\b(" + "|".join(sorted(SWAPS, key=len, reverse=True)) + r")\b")
#: spans left exactly as they are: links and images, citations, inline code, HTML, attribute lists
_PROTECTED_RE = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)|\[[^\]\n]*@[^\]\n]*\]|`[^`\n]*`|<[^>\n]*>|\{[^}\n]*\}")
_LINK_RE = re.compile(r"(\]\(<?)([^)\s>#]+\.md)((?:#[^)\s>]*)?>?\))")
_FRONT_RE = re.compile(r"\A---\n(.*?\n)---\n", re.S)
#: the markers that end each varied paragraph (``n`` numbers the entry, so that copies of two
#: entries that share a paragraph differ too)
_MARKERS = (
    "Copy {k} of entry {n} restates this.",
    "(Restated in copy {k} of entry {n}.)",
    "This is said again in copy {k} of entry {n}.",
    "Copy {k} of entry {n} repeats the point.",
)


class GrowError(Exception):
    """A file of the source corpus cannot be grown (the message names it)."""


def _vary_words(text: str, rng: random.Random, one_word: bool = False) -> str:
    """``text`` with some swappable words replaced, protected spans untouched (``one_word``:
    no swap adds a word)."""
    out, last = [], 0
    for match in _PROTECTED_RE.finditer(text):
        out.append(_swap(text[last : match.start()], rng, one_word))
        out.append(match.group(0))
        last = match.end()
    out.append(_swap(text[last:], rng, one_word))
    return "".join(out)


def _swap(text: str, rng: random.Random, one_word: bool = False) -> str:
    def one(match: re.Match[str]) -> str:
        word = match.group(1)
        choices = [w for w in SWAPS[word] if " " not in w] if one_word else SWAPS[word]
        return rng.choice(choices) if rng.random() < 0.5 and choices else word

    return _WORD_RE.sub(one, text)


_ITEM_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s")
_TABLE_RULE_RE = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$")


def _is_prose(stripped: str) -> bool:
    return (bool(stripped) and not stripped.startswith(("#", "!!!", "???", "---", "[^", "*[", "<"))
            and not _TABLE_RULE_RE.match(stripped))


def short_uncited_lines(lines: list[str]) -> dict[int, int]:
    """The lines of the paragraphs and list items that ``kb check`` does not note although they
    cite nothing, because they are short (its blocks: split at blank lines, items, headings,
    tables, admonitions and fences; an item is covered by a cited paragraph leading into it),
    each with the number of words of its block."""
    blocks: list[tuple[list[int], str, bool]] = []
    current: list[int] = []
    is_item = in_fence = False
    for number, line in enumerate([*lines, ""]):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        item = _ITEM_RE.match(stripped) is not None
        if in_fence or not stripped or item or stripped.startswith(("#", "|", "!!!", "???")):
            if current:
                blocks.append((current, " ".join(lines[i].strip() for i in current), is_item))
            current, is_item = ([number], True) if item else ([], False)
            continue
        current.append(number)
    short: dict[int, int] = {}
    lead_cited = False
    for numbers, text, item in blocks:
        cited = "@" in text and bool(parse_citations(text))
        if not item:
            lead_cited = cited
        if not cited and not (item and lead_cited) and len(text.split()) < CLAIM_WORDS:
            short.update((number, len(text.split())) for number in numbers)
    return short


def vary_body(body: str, k: int, n: int, rng: random.Random, rename: dict[str, str]) -> str:
    """The body of copy ``k``: links renamed, words varied, a marker ending each paragraph."""
    lines = body.split("\n")
    short = short_uncited_lines(lines)
    out: list[str] = []
    fence = navigation = False
    marker_count = 0
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
            out.append(line)
            continue
        if not fence and re.match(r"^#{1,6}\s", stripped):
            navigation = stripped.lstrip("#").strip().lower() in NAVIGATION_HEADINGS
        if fence or not _is_prose(stripped):
            out.append(line)
            continue
        line = _LINK_RE.sub(lambda m: m.group(1) + _renamed(m.group(2), rename) + m.group(3), line)
        previous = lines[number - 1].strip() if number else ""
        following = lines[number + 1].strip() if number + 1 < len(lines) else ""
        alone = _ITEM_RE.match(stripped) is not None or not (previous or following)
        if navigation or (alone and not _PROTECTED_RE.sub("", stripped).strip(" -*+:.;,")):
            out.append(line)  # a list of links (not a passage) or an item or line of links only
            continue
        line = _vary_words(line, rng, one_word=number in short)
        starts_block = not previous or not _is_prose(previous) or previous.startswith("|")
        ends_block = (
            not following
            or not _is_prose(following)
            or _ITEM_RE.match(following) is not None
            or stripped.startswith("|")
            or following.startswith("|")
        )
        if number in short:  # it stays under kb check's length for a claim
            if ends_block:  # a marker of one word more, or joined to the last word
                space = " " if short[number] + 1 < CLAIM_WORDS else ""
                line = f"{line.rstrip()}{space}({k}.{n})"
            out.append(line)
            continue
        if starts_block and not _ITEM_RE.match(stripped) and not stripped.startswith("|"):
            indent = line[: len(line) - len(line.lstrip())]
            line = f"{indent}Copy {k}: {line.lstrip()}"  # a long paragraph's first part differs too
        if ends_block:
            marker = _MARKERS[(marker_count + k) % len(_MARKERS)].format(k=k, n=n)
            marker_count += 1
            if stripped.startswith("|") and stripped.endswith("|"):
                line = line.rstrip()[:-1].rstrip() + f" ({k}.{marker_count}) |"
            else:
                line = f"{line.rstrip()} {marker}"
        out.append(line)
    return "\n".join(out)


def _renamed(target: str, rename: dict[str, str]) -> str:
    folder, _, name = target.rpartition("/")
    stem = name[: -len(".md")]
    if stem not in rename:
        return target
    return (folder + "/" if folder else "") + rename[stem] + ".md"


def _split(text: str, path: Path) -> tuple[dict[str, Any], str]:
    match = _FRONT_RE.match(text)
    if not match:
        raise GrowError(f"{path}: no front matter between --- lines")
    data = load_yaml(match.group(1))
    if not isinstance(data, dict) or "id" not in data:
        raise GrowError(f"{path}: the front matter has no id")
    return data, text[match.end() :]


def grow(src: Path, out: Path, factor: int, seed: int = 12) -> int:
    """Write the grown project to ``out``; returns the number of entries written."""
    if factor < 1:
        raise GrowError(f"--factor must be 1 or more, not {factor}")
    if not (src / CORPUS).is_dir() or not (src / BIB).is_file():
        raise GrowError(f"{src}: expected {CORPUS}/ and {BIB} there")
    if out.exists() and any(out.iterdir()):
        raise GrowError(f"{out}: not empty (the grown corpus needs a new or empty folder)")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src / BIB, out / BIB)
    entries = sorted(p for p in (src / CORPUS).rglob("*.md"))
    for path in sorted((src / CORPUS).rglob("*")):
        if path.is_file() and path.suffix != ".md":
            target = out / CORPUS / path.relative_to(src / CORPUS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    parsed = {}
    for path in entries:
        parsed[path] = _split(path.read_text(encoding="utf-8"), path)
    written = 0
    for n, (path, (front, body)) in enumerate(parsed.items(), start=1):
        relative = path.relative_to(src / CORPUS)
        (out / CORPUS / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out / CORPUS / relative)
        written += 1
        if front.get("kind") == "theme":
            continue  # one landing page per theme of findings: a theme is not copied
        for k in range(2, factor + 1):
            rename = {p.stem: f"{p.stem}-v{k}" for p in entries if parsed[p][0].get("kind") != "theme"}
            rng = random.Random(f"{seed}:{k}:{relative.as_posix()}")
            data = dict(front)
            data["id"] = f"{front['id']}-v{k}"
            data["title"] = f"{front['title']} ({k})"
            if isinstance(front.get("summary"), str):
                marker = _MARKERS[k % len(_MARKERS)].format(k=k, n=n)
                data["summary"] = f"{_vary_words(front['summary'], rng)} {marker}"
            if isinstance(front.get("related"), list):
                data["related"] = [f"{r}-v{k}" for r in front["related"]]
            head = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1 << 20, default_flow_style=None)
            text = f"---\n{head}---\n{vary_body(body, k, n, rng, rename)}"
            (out / CORPUS / relative.parent / f"{path.stem}-v{k}.md").write_text(text, encoding="utf-8")
            written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, help="the project to grow (holds corpus/ and bibliography.bib)")
    parser.add_argument("out", type=Path, help="a new or empty folder for the grown project")
    parser.add_argument("--factor", type=int, default=10, help="how many times the corpus (default 10)")
    parser.add_argument("--seed", type=int, default=12, help="the seed of the word choices (default 12)")
    args = parser.parse_args(argv)
    try:
        written = grow(args.src, args.out, args.factor, args.seed)
    except (GrowError, OSError, yaml.YAMLError) as exc:
        print(f"grow_corpus: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {written} entries ({args.factor}x) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
