"""Hostile bibliographies: broken BibTeX, LaTeX, bad keys, encodings, a missing file."""

from __future__ import annotations

import unicodedata

from harness import BIB, Case

CHECK = ["check", "--no-notes", "--root", "{root}"]
INDEX = ["index", "--root", "{root}"]
KLASS = "bibliography"
ALLOWED_TYPES = (
    "article, book, booklet, collection, inbook, incollection, inproceedings, manual, mastersthesis, misc, online, "
    "phdthesis, techreport, unpublished"
)
GOOD_SUMMARY = "0 errors, 1 note (3 entries, 5 references)"


def bib_case(id: str, old: str, new: str, message: str, command: list[str] = CHECK, exit_code: int = 1) -> Case:
    return Case(id=id, klass=KLASS, command=command, exit_code=exit_code, edits=[(BIB, old, new)], message=message)


CASES = [
    bib_case("unclosed-brace", "title     = {Multi-Agency Working: A Detailed Study},",
             "title     = {Multi-Agency Working: A Detailed Study,",
             "bibliography.bib:9: malformed BibTeX block '@book{atkinson2002multiagency,': Unexpected block start: "
             "`@misc`. Was still looking for field-value closing `,` or `}`"),
    bib_case("unclosed-entry-at-end-of-file", "  year   = {2001}\n}", "  year   = {2001}\n",
             "bibliography.bib:34: malformed BibTeX block '@misc{unusedwork2001,': Unexpectedly reached end of file."),
    bib_case("duplicate-key", "@misc{unusedwork2001,", "@misc{gasper2010what,",
             "bibliography.bib:34: duplicate entry key 'gasper2010what' (the first one is kept)"),
    bib_case("duplicate-field", "  address   = {Slough},", "  address   = {Slough},\n  title = {Again},",
             "bibliography.bib:14: entry 'atkinson2002multiagency': Duplicate field keys on entry: 'title' "
             "(the first value is kept)"),
    bib_case("duplicate-field-entry-still-citable", "  address   = {Slough},",
             "  address   = {Slough},\n  title = {Again},",
             "1 error, 1 note (3 entries, 5 references)"),
    bib_case("missing-comma-after-macro", "month       = mar,", "month       = mar",
             "bibliography.bib:5: entry 'mcinnes2007practitioners': missing comma after field 'month' "
             "(its value swallows 'year = ...')"),
    bib_case("missing-comma-after-number", "  year   = {2001}\n}", "  year   = 2001\n  note = {x}\n}",
             "bibliography.bib:37: entry 'unusedwork2001': missing comma after field 'year' "
             "(its value swallows 'note = ...')"),
    bib_case("missing-comma-after-braces", "author = {Nobody, Some},", "author = {Nobody, Some}",
             "bibliography.bib:35: entry 'unusedwork2001': missing comma after field 'author' "
             "(its value swallows 'title = ...')"),
    bib_case("latex-accent-decoded", "author    = {Gasper, Michael},", 'author    = {G{\\"a}sper, Michael},',
             "Gäsper, M. (2010) ‘What Is Partnership Working, Where Did It Come From and Why Is It Important?’, "
             "in Multi-Agency Working in the Early Years: Challenges and Opportunities. London: SAGE.",
             ["cite", "gasper2010what", "--format", "text", "--root", "{root}"], 0),
    bib_case("latex-accent-name-split", "author    = {Gasper, Michael},",
             "author    = {M{\\\"u}ller, Hans and {\\'E}mile Zola},",
             "\tauthor = {Müller, Hans and Émile Zola},",
             ["cite", "gasper2010what", "--format", "bibtex", "--root", "{root}"], 0),
    bib_case("latex-unknown-command", "title  = {A Work Nobody Cites}", "title  = {A Work \\foo{Nobody} Cites}",
             "bibliography.bib:36: entry 'unusedwork2001': field 'title' has the LaTeX command '\\foo', which is "
             "not decoded (write the character itself)"),
    bib_case("ampersand-escape-kept", "publisher = {SAGE},", "publisher = {SAGE \\& Co},",
             "\tpublisher = {SAGE \\& Co},",
             ["cite", "gasper2010what", "--format", "bibtex", "--root", "{root}"], 0),
    bib_case("key-with-space", "@misc{unusedwork2001,", "@misc{unused work2001,",
             "bibliography.bib:34: entry key 'unused work2001' is not a valid key (letters, digits, _ and "
             ":.#$%&+?<>~/- between them; no spaces)"),
    bib_case("key-ending-in-punctuation", "@misc{unusedwork2001,", "@misc{unusedwork2001.,",
             "bibliography.bib:34: entry key 'unusedwork2001.' is not a valid key (letters, digits, _ and "
             ":.#$%&+?<>~/- between them; no spaces)"),
    bib_case("empty-key", "@misc{unusedwork2001,", "@misc{,",
             "bibliography.bib:34: @misc entry has no key"),
    bib_case("unknown-entry-type", "@misc{childrenact1989,", "@statute{childrenact1989,",
             f"bibliography.bib:17: entry 'childrenact1989': unknown entry type @statute (allowed: {ALLOWED_TYPES})"),
    bib_case("year-not-four-digits", "  year   = {2001}", "  year   = {c. 2001}",
             "bibliography.bib:34: entry 'unusedwork2001': year must be four digits, got 'c. 2001'"),
    bib_case("missing-title", "  title  = {A Work Nobody Cites},\n", "",
             "bibliography.bib:34: entry 'unusedwork2001': missing field 'title'"),
    bib_case("no-author", "  author = {Nobody, Some},\n", "",
             "bibliography.bib:34: entry 'unusedwork2001': needs an author, editor or organization"),
    bib_case("non-standard-field", "  year   = {2001}", "  year   = {2001},\n  flavour = {x}",
             "bibliography.bib:38: entry 'unusedwork2001': non-standard field 'flavour'"),
    bib_case("text-outside-entries", "@misc{unusedwork2001,", "misc unusedwork2000 @ nowhere\n\n@misc{unusedwork2001,",
             "bibliography.bib:34: text outside any entry is ignored: 'misc unusedwork2000 @ nowhere' "
             "(an entry starts with @type{key,)"),
    Case(
        id="empty-bibliography",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={BIB: ""},
        message="bibliography.bib:1: bibliography has no entries",
    ),
    Case(
        id="bibliography-deleted",
        klass=KLASS,
        command=["check", "--root", "{root}"],
        exit_code=1,
        files={BIB: None},
        message="Error: bibliography.bib is missing in {root}",
    ),
    Case(
        id="bibliography-deleted-kb-index",
        klass=KLASS,
        command=INDEX,
        exit_code=1,
        files={BIB: None},
        message="Error: bibliography.bib is missing in {root}",
    ),
    Case(
        id="bibliography-is-a-folder",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={BIB: None},
        setup=lambda root: (root / BIB).mkdir(),
        message="Error: bibliography.bib is missing in {root}",
    ),
    Case(
        id="bibliography-not-utf8",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        setup=lambda root: (root / BIB).write_bytes(
            (root / BIB).read_bytes().replace(b"Slough", b"Sl\xf6ugh")
        ),
        message="bibliography.bib:13: file is not UTF-8 (byte 0xf6 at offset 554)",
    ),
    Case(
        id="bibliography-nul-byte",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(BIB, "Slough", "Sl\x00ough")],
        message="bibliography.bib:13: file contains a NUL character (a binary file?)",
    ),
    Case(
        id="bibliography-byte-order-mark",
        klass=KLASS,
        command=CHECK,
        exit_code=0,
        setup=lambda root: (root / BIB).write_bytes(b"\xef\xbb\xbf" + (root / BIB).read_bytes()),
        message=GOOD_SUMMARY,
    ),
    Case(
        id="bibliography-crlf",
        klass=KLASS,
        command=CHECK,
        exit_code=0,
        setup=lambda root: (root / BIB).write_bytes((root / BIB).read_bytes().replace(b"\n", b"\r\n")),
        message=GOOD_SUMMARY,
    ),
    bib_case("bibliography-nfd-name-normalised", "author    = {Gasper, Michael},",
             "author    = {" + unicodedata.normalize("NFD", "Gäsper") + ", Michael},",
             "\tauthor = {" + unicodedata.normalize("NFC", "Gäsper") + ", Michael},",
             ["cite", "gasper2010what", "--format", "bibtex", "--root", "{root}"], 0),
    # the bibliography's data rules (indexer/corpus/bibliography_rules.py)
    bib_case("unbraced-and-in-institution", "institution = {{Barnardo's Policy and Research Unit}},",
             "institution = {Barnardo's Policy and Research Unit},",
             "bibliography.bib:4: entry 'mcinnes2007practitioners': field 'institution' has an unbraced ' and ': "
             "'Barnardo's Policy and Research Unit' is read as 2 names ('Barnardo's Policy'; 'Research Unit'); "
             "brace one name whole (institution = {{...}}) or each name of a real list ({A} and {B})"),
    bib_case("corporate-author-split-at-and", "author = {Nobody, Some},",
             "author = {Department for Education and Skills},",
             "bibliography.bib:35: entry 'unusedwork2001': field 'author' splits a corporate name at an unbraced "
             "' and ' ('Department for Education' is read as a person's name); brace the corporate name whole: "
             "{{Name and Name}}"),
    bib_case("web-page-without-urldate", "@misc{unusedwork2001,", "@online{unusedwork2001,\n  url = {https://example.org/},",
             "bibliography.bib:35: entry 'unusedwork2001': a web page needs urldate = {YYYY-MM-DD}, the date its "
             "address was checked (or, if it cannot be checked, a note that says 'address not checked')"),
    bib_case("urldate-not-a-date", "  year   = {2001}", "  year   = {2001},\n  urldate = {2 December 2026}",
             "bibliography.bib:38: entry 'unusedwork2001': urldate must be a date YYYY-MM-DD, got '2 December 2026'"),
    bib_case("act-without-chapter", "  number       = {c. 41},\n", "",
             "bibliography.bib:17: entry 'childrenact1989': an Act needs its chapter in number, as number = {c. 31}"),
]
