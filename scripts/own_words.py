#!/usr/bin/env python3
"""Find prose taken over word for word from a source text without quotation marks.

For every corpus entry (its front-matter strings and its body) and every source text in
SOURCES (each ``*.txt`` file in that folder), print each run of MIN_WORDS (default 12) or
more consecutive words that the two share, outside quotation marks, as

    path:line: N words shared with SOURCE: "normalised words"

followed by a count. Words are compared after normalising case, punctuation and
whitespace (hyphens and apostrophes are dropped, so "inter-agency" and "interagency" are
the same word, and a word hyphenated across a line break in a source is joined again).

Not counted as copied: text inside "double quotes" (straight or curly), inside 'single
quotes' used as quotation marks (an apostrophe inside a word, as in children's, is not
one), block quotes (lines starting with ">"), citations ([@key, p. 4] and @key), inline
code, link targets and HTML comments. A quotation ends a run: words before and after it
are compared separately.

Allowed exceptions (titles of works, named lists, names of programmes and Acts) are kept
in ALLOWED (default scripts/own_words_allowed.txt), one normalised phrase a line followed
by "# why it is allowed". A run is allowed when, once every allowed phrase inside it is
set aside, no stretch of MIN_WORDS words remains. Allowed runs are counted, and listed
with --show-allowed.

Exit status: 0 when no run is reported, 1 when some are, 2 for a usage error (a missing
folder, an allowed phrase without a reason).

Example:

    python scripts/own_words.py /work/shared/seeds
    python scripts/own_words.py /work/shared/seeds --show-allowed
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Front-matter fields that hold prose (the others are ids, keys, slugs and dates).
PROSE_FIELDS = frozenset(
    {"title", "summary", "outcome", "setting", "place", "partners", "heading", "applies_to", "also_known_as"}
)
_WORD = re.compile(r"[\w'’‘\-]+")
_CITATION = re.compile(r"\[[^\]\[]*@[^\]\[]*\]|(?<![\w.])-?@[\w:.\-]*\w")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_CODE = re.compile(r"`[^`]*`")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r"^\s*(```|~~~)")
# An allowed phrase cut off at the edge of a run must still overlap it by this many words.
_MIN_OVERLAP = 4


@dataclass(frozen=True)
class Token:
    word: str  # normalised; "" marks a break (a quotation, a paragraph end)
    line: int


@dataclass(frozen=True)
class Run:
    path: str
    line: int
    source: str
    words: tuple[str, ...]


def normalise(word: str) -> str:
    """Lower-case a word and drop apostrophes and hyphens."""
    return re.sub(r"['’‘\-]", "", word.lower())


def normalise_phrase(text: str) -> tuple[str, ...]:
    return tuple(w for w in (normalise(m.group()) for m in _WORD.finditer(text.replace("_", " "))) if w)


def source_words(text: str) -> tuple[str, ...]:
    """The words of a source text, with words hyphenated across line breaks joined."""
    text = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", text)
    return normalise_phrase(text)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _quote_mask(text: str) -> list[bool]:
    """True for every character inside a quotation (double quotes or quoting single quotes)."""
    mask = [False] * len(text)
    double = single = False
    for i, ch in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if ch in '"“”':
            if ch == "“":
                double = True
            elif ch == "”":
                double = False
            else:
                double = not double
            mask[i] = True
            continue
        if not double and ch in "'‘’":
            # An opening straight quote follows a space or an opening bracket ("al.'s" is not one).
            opening = ch == "‘" or (ch == "'" and (before.isspace() or before in "([{/—–") and after.isalnum())
            closing = ch in "'’" and single and not after.isalnum()
            if opening and not single:
                single = True
                mask[i] = True
                continue
            if closing:
                single = False
                mask[i] = True
                continue
        mask[i] = double or single
    return mask


def paragraph_tokens(text: str, first_line: int) -> Iterator[Token]:
    """Tokens of one paragraph (lines joined by newlines), quotations turned into breaks."""
    text = _COMMENT.sub(_blank, text)
    text = _CODE.sub(_blank, text)
    text = _LINK_TARGET.sub(_blank, text)
    text = _CITATION.sub(_blank, text)
    mask = _quote_mask(text)
    in_quote = False
    for match in _WORD.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        if mask[match.start()]:
            if not in_quote:
                yield Token("", line)
            in_quote = True
            continue
        in_quote = False
        word = normalise(match.group())
        if word:
            yield Token(word, line)
    yield Token("", first_line + text.count("\n"))


def body_tokens(lines: list[str], offset: int) -> Iterator[Token]:
    """Tokens of a Markdown body; ``offset`` is the file line number of ``lines[0]`` minus one."""
    paragraph: list[str] = []
    start = 0
    in_fence = False

    def flush() -> Iterator[Token]:
        if paragraph:
            yield from paragraph_tokens("\n".join(paragraph), start)
            paragraph.clear()

    for number, line in enumerate(lines, offset + 1):
        stripped = line.strip()
        if _FENCE.match(line):
            in_fence = not in_fence
            yield from flush()
            continue
        if in_fence or stripped.startswith(">") or stripped.startswith(("!!!", "???")):
            yield from flush()
            continue
        if not stripped or stripped.startswith("#") or re.match(r"([-*+]|\d+\.)\s", stripped):
            yield from flush()
            if not stripped:
                continue
            if stripped.startswith("#"):
                stripped = stripped.lstrip("#")
        if not paragraph:
            start = number
        paragraph.append(stripped)
    yield from flush()


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def entry_tokens(text: str) -> Iterator[Token]:
    """Tokens of a corpus entry: the prose front-matter fields, then the body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        yield from body_tokens(lines, 0)
        return
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
    for number, line in enumerate(lines[1:end], 2):
        key, sep, _ = line.partition(":")
        if not sep or key.strip() not in PROSE_FIELDS:
            continue
        try:
            data = yaml.safe_load(line)
        except yaml.YAMLError:
            continue
        if not isinstance(data, dict):
            continue
        for value in _strings(data.get(key.strip())):
            # A YAML value is one quoted scalar: quote marks inside it still count.
            yield from paragraph_tokens(value, number)
    yield from body_tokens(lines[end + 1 :], end + 1)


def ngram_index(words: tuple[str, ...], n: int) -> set[tuple[str, ...]]:
    return {words[i : i + n] for i in range(len(words) - n + 1)}


def shared_runs(path: str, tokens: list[Token], sources: dict[str, set[tuple[str, ...]]], n: int) -> Iterator[Run]:
    """Maximal runs of ``n`` or more words of ``tokens`` found in one source."""
    segments: list[list[Token]] = [[]]
    for token in tokens:
        if token.word:
            segments[-1].append(token)
        elif segments[-1]:
            segments.append([])
    for segment in segments:
        words = tuple(t.word for t in segment)
        i = 0
        while i + n <= len(words):
            gram = words[i : i + n]
            name = next((s for s, grams in sources.items() if gram in grams), None)
            if name is None:
                i += 1
                continue
            j = i
            while j + 1 + n <= len(words) and words[j + 1 : j + 1 + n] in sources[name]:
                j += 1
            yield Run(path, segment[i].line, name, words[i : j + n])
            i = j + n


def is_allowed(run: Run, allowed: list[tuple[str, ...]], n: int) -> bool:
    """True when no stretch of ``n`` words is left once the allowed phrases are set aside."""
    covered = [False] * len(run.words)
    size = len(run.words)
    for phrase in allowed:
        k = len(phrase)
        # The phrase may run past either end of the run (a title cut off where the shared
        # words stop), so compare every alignment over the words the two overlap.
        for i in range(-(k - 1), size):
            lo, hi = max(i, 0), min(i + k, size)
            if hi - lo >= min(k, _MIN_OVERLAP) and run.words[lo:hi] == phrase[lo - i : hi - i]:
                covered[lo:hi] = [True] * (hi - lo)
    stretch = 0
    for flag in covered:
        stretch = 0 if flag else stretch + 1
        if stretch >= n:
            return False
    return True


class AllowListError(Exception):
    """An allow-list line without a reason."""


def load_allowed(path: Path) -> list[tuple[str, ...]]:
    """Allowed phrases: one a line, each followed by ``# reason``; ``#`` lines are comments."""
    phrases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        phrase, sep, reason = line.partition("#")
        if not sep or not reason.strip():
            raise AllowListError(f"Error: {path}:{number}: allowed phrase has no reason after '#'")
        phrases.append(normalise_phrase(phrase))
    return phrases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="own_words.py",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]) if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("sources", type=Path, help="folder of source texts (every *.txt file in it)")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="project folder holding corpus/ (default: this repository)"
    )
    parser.add_argument(
        "--allowed", type=Path, default=None, help="allow-list file (default: ROOT/scripts/own_words_allowed.txt)"
    )
    parser.add_argument("--min-words", type=int, default=12, help="shortest run reported (default: 12)")
    parser.add_argument("--show-allowed", action="store_true", help="also list the runs the allow-list excuses")
    args = parser.parse_args(argv)
    n: int = args.min_words
    if not args.sources.is_dir():
        print(f"Error: SOURCES: {args.sources} is not a folder", file=sys.stderr)
        return 2
    corpus = args.root / "corpus"
    if not corpus.is_dir():
        print(f"Error: --root: {corpus} is not a folder", file=sys.stderr)
        return 2
    allowed_path = args.allowed or args.root / "scripts" / "own_words_allowed.txt"
    if not allowed_path.is_file():
        print(f"Error: --allowed: {allowed_path} is not a file", file=sys.stderr)
        return 2
    try:
        allowed = load_allowed(allowed_path)
    except AllowListError as error:
        print(error, file=sys.stderr)
        return 2
    sources = {
        p.name: ngram_index(source_words(p.read_text(encoding="utf-8")), n) for p in sorted(args.sources.glob("*.txt"))
    }
    if not sources:
        print(f"Error: SOURCES: no .txt files in {args.sources}", file=sys.stderr)
        return 2
    reported = excused = 0
    for path in sorted(corpus.rglob("*.md")):
        rel = path.relative_to(args.root).as_posix()
        tokens = list(entry_tokens(path.read_text(encoding="utf-8")))
        for run in shared_runs(rel, tokens, sources, n):
            ok = is_allowed(run, allowed, n)
            if ok:
                excused += 1
            else:
                reported += 1
            if not ok or args.show_allowed:
                mark = " (allowed)" if ok else ""
                words = " ".join(run.words)
                print(f'{run.path}:{run.line}: {len(run.words)} words shared with {run.source}{mark}: "{words}"')
    print(f"{reported} runs of {n} or more words shared with a source; {excused} allowed by {allowed_path.name}")
    return 1 if reported else 0


if __name__ == "__main__":
    sys.exit(main())
