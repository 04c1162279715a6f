"""Hostile Markdown bodies: each malformed citation form, code, links, long headings, Unicode forms."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from harness import FINDING, TERM, Case, invoke

CHECK = ["check", "--no-notes", "--root", "{root}"]
INDEX = ["index", "--root", "{root}"]
KLASS = "Markdown body and citations"
CITE = "[@mcinnes2007practitioners, sec. 5]"  # on line 14 of the finding
TERM_CITE = "[@mcinnes2007practitioners]"  # on line 12 of the term


def cite_case(id: str, new: str, message: str, line: int = 14) -> Case:
    return Case(
        id=id,
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(FINDING, CITE, new)],
        message=f"{FINDING}:{line}: {message}",
    )


def index_then(word: str):  # type: ignore[no-untyped-def]
    def setup(root: Path) -> None:
        text = (root / TERM).read_text(encoding="utf-8")
        (root / TERM).write_text(text.replace("co-ordinates support", f"co-ordinates support for {word}"), "utf-8")
        result = invoke(["index", "--root", str(root)], root)
        assert result.exit_code == 0, result.output

    return setup


NFC_WORD = unicodedata.normalize("NFC", "Müller-Lüdenscheidt")
NFD_WORD = unicodedata.normalize("NFD", "Müller-Lüdenscheidt")

CASES = [
    cite_case("citation-space-after-at", "[@ mcinnes2007practitioners]",
              "malformed citation: no key after '@' in '@ mcinnes2007practitioners' (write @key, with no space)"),
    cite_case("citation-bare-at", "[see @]", "malformed citation: no key after '@' in 'see @' (write @key, with no space)"),
    cite_case("citation-unclosed", "[@mcinnes2007practitioners, p. 4",
              "citation is not closed: '[@mcinnes2007practitioners, p. 4.' has no ']'"),
    cite_case("citation-empty-locator", "[@mcinnes2007practitioners, ]",
              "malformed citation: empty locator after '@mcinnes2007practitioners,' (give a page, e.g. p. 21, "
              "or drop the comma)"),
    cite_case("citation-page-label-without-number", "[@mcinnes2007practitioners, p. ]",
              "malformed citation: locator 'p.' of '@mcinnes2007practitioners' has no page number"),
    cite_case("citation-section-label-without-number", "[@mcinnes2007practitioners, sec.]",
              "malformed citation: locator 'sec.' of '@mcinnes2007practitioners' has no number"),
    cite_case("citation-bad-page-range", "[@mcinnes2007practitioners, pp. zz--]",
              "malformed citation: locator 'pp. zz--' of '@mcinnes2007practitioners' is not a page or page range "
              "(e.g. p. 21, pp. 3–4)"),
    cite_case("citation-open-page-range", "[@mcinnes2007practitioners, pp. 3--]",
              "malformed citation: locator 'pp. 3--' of '@mcinnes2007practitioners' is not a page or page range "
              "(e.g. p. 21, pp. 3–4)"),
    cite_case("citation-cited-in-second-key", "[@mcinnes2007practitioners, cited in @gasper2010what]",
              "malformed citation: '@gasper2010what' inside the locator of '@mcinnes2007practitioners': cite both "
              "as [@mcinnes2007practitioners; @gasper2010what]"),
    cite_case("citation-cited-in-unknown-key", "[@mcinnes2007practitioners, cited in @nobody1999]",
              "malformed citation: '@nobody1999' inside the locator of '@mcinnes2007practitioners': cite both "
              "as [@mcinnes2007practitioners; @nobody1999]"),
    cite_case("citation-part-without-key", "[see @mcinnes2007practitioners; and others]",
              "malformed citation: 'and others' has no @key (each part between ';' cites one work)"),
    cite_case("citation-empty-part", "[@mcinnes2007practitioners;]",
              "malformed citation: '' has no @key (each part between ';' cites one work)"),
    cite_case("citation-unknown-key-suggests", "[@mcinnes2007practitioner]",
              "unknown citation key '@mcinnes2007practitioner' (did you mean mcinnes2007practitioners?)"),
    Case(
        id="citation-only-in-code-span",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, TERM_CITE, f"`{TERM_CITE}`")],
        message=f"{TERM}:12: entry body cites nothing: every claim needs a [@key] citation",
    ),
    Case(
        id="citation-only-in-fenced-code",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, f"support {TERM_CITE}.", f"support.\n\n```\n{TERM_CITE}\n```")],
        message=f"{TERM}:12: entry body cites nothing: every claim needs a [@key] citation",
    ),
    Case(
        id="body-empty",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, f"The lead professional co-ordinates support {TERM_CITE}.\n", "\n")],
        message=f"{TERM}:11: entry has no body text",
    ),
    Case(
        id="nul-byte-in-body",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "professional co-ordinates support", "professional co-ordinates\x00support")],
        message=f"{TERM}:12: file contains a NUL character (a binary file?)",
    ),
    Case(
        id="link-broken",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(FINDING, "../glossary/lead-professional.md", "../glossary/lead-practitioner.md")],
        message=f"{FINDING}:16: broken link: ../glossary/lead-practitioner.md (no such file)",
    ),
    Case(
        id="link-leaves-the-corpus",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(FINDING, "../glossary/lead-professional.md", "../../bibliography.bib")],
        message=f"{FINDING}:16: link leaves the corpus: ../../bibliography.bib",
    ),
    Case(
        id="heading-too-long",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(FINDING, "## What it achieves", "## What it achieves " + "and more " * 25)],
        message=f"{FINDING}:12: title and heading path are 268 characters long (at most 200 with the heading path, "
        "as the search model reads 256 word pieces)",
    ),
    Case(
        id="nested-heading-path-too-long",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(FINDING, "## What it achieves\n", "## What it achieves " + "x" * 90 + "\n\n### And " + "y" * 90 + "\n")],
        message=f"{FINDING}:14: title and heading path are 231 characters long (at most 200 with the heading path, "
        "as the search model reads 256 word pieces)",
    ),
    Case(
        id="heading-too-long-kb-index",
        klass=KLASS,
        command=INDEX,
        exit_code=1,
        edits=[(FINDING, "## What it achieves", "## What it achieves " + "% " * 250)],
        message="Error: findings/co-location-what-it-achieves.md: title and heading path 'What co-location achieves: "
        "What it achieves % % % % % % % %…' take 261 of the model's 256 word pieces, too many to index (at most 200 "
        "characters; run kb check)",
    ),
    Case(
        id="nfd-text-found-by-nfc-query",
        klass=KLASS,
        command=["search", NFC_WORD, "--mode", "lexical", "--root", "{root}"],
        exit_code=0,
        setup=index_then(NFD_WORD),
        message="1. Lead professional  [term]",
    ),
    Case(
        id="nfc-text-found-by-nfd-query",
        klass=KLASS,
        command=["search", NFD_WORD, "--mode", "lexical", "--root", "{root}"],
        exit_code=0,
        setup=index_then(NFC_WORD),
        message="1. Lead professional  [term]",
    ),
]

# Links to a section of another entry: its headings' anchors, and the sections every page has.
_LINK = "(../glossary/lead-professional.md)"
CASES += [
    Case(
        id=f"link-anchor-{name}",
        klass=KLASS,
        command=CHECK,
        exit_code=code,
        edits=[(FINDING, _LINK, f"(../glossary/lead-professional.md#{anchor})")],
        message=(f"{FINDING}:16: broken link: ../glossary/lead-professional.md#{anchor} "
                 f"(no section #{anchor} on that page)") if code else "0 errors, 1 note (3 entries, 5 references)",
    )
    for name, anchor, code in [
        ("missing", "no-such-section", 1),
        ("case-differs", "References", 1),
        ("appended-references", "references", 0),
        ("appended-related-entries", "related-entries", 0),
        ("reference-of-the-page", "ref-mcinnes2007practitioners", 0),
    ]
]
