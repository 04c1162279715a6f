"""Hostile front matter: impossible dates, wrong types, huge values, aliases, encodings."""

from __future__ import annotations

from harness import EVENT, FINDING, TERM, Case

CHECK = ["check", "--no-notes", "--root", "{root}"]
INDEX = ["index", "--root", "{root}"]
KLASS = "front matter"
GOOD_SUMMARY = "0 errors, 1 note (3 entries, 5 references)"
ALLOWED_COMMON = "id, title, kind, summary, sources, tags, related"

CASE_STUDY = "corpus/case-studies/joint-team.md"
SOURCE = "corpus/sources/mcinnes-review.md"


def case_study(year: str) -> str:
    return (
        "---\nid: joint-team\ntitle: A joint team\nkind: case-study\nsummary: A team shared a base.\n"
        f"sources: [mcinnes2007practitioners]\ntags: [roles]\nplace: Leeds\nsetting: children's centre\n"
        f"outcome: Fewer referrals were lost.\nyear: {year}\n---\n\nThe team shared a base [@mcinnes2007practitioners].\n"
    )


def source(year: str) -> str:
    return (
        "---\nid: mcinnes-review\ntitle: McInnes review\nkind: source\nsummary: A review of literature.\n"
        f"sources: [mcinnes2007practitioners]\ntags: [roles]\ndocument: mcinnes.pdf\nyear: {year}\n---\n\n"
        "The review covers interagency work [@mcinnes2007practitioners].\n"
    )


BOMB = (
    "---\nid: co-location-what-it-achieves\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n---\n\nText [@gasper2010what].\n"
)


def date_case(id: str, value: str, message: str, command: list[str] = CHECK) -> Case:
    return Case(
        id=id,
        klass=KLASS,
        command=command,
        exit_code=1,
        edits=[(EVENT, "date: 1989-11", f"date: {value}")],
        message=f"{EVENT}:5: {message}",
    )


CASES = [
    date_case("date-impossible-day", "2004-02-30",
              "field 'date': '2004-02-30' is not a real date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    date_case("date-29-february-not-leap", "2019-02-29",
              "field 'date': '2019-02-29' is not a real date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    date_case("date-31-april", "1989-04-31",
              "field 'date': '1989-04-31' is not a real date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    date_case("date-impossible-day-quoted", "'2004-02-30'",
              "field 'date': '2004-02-30' is not a real date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    date_case("date-month-13", "1989-13",
              "field 'date' must be a date YYYY, YYYY-MM or YYYY-MM-DD, got '1989-13'"),
    date_case("date-with-time", "1989-11-16 10:30:00",
              "field 'date' must be a date YYYY, YYYY-MM or YYYY-MM-DD, got '1989-11-16 10:30:00'"),
    date_case("date-as-list", "[1989]", "field 'date' must be a date YYYY, YYYY-MM or YYYY-MM-DD, got [1989]"),
    date_case("date-as-boolean", "yes", "field 'date' must be a date YYYY, YYYY-MM or YYYY-MM-DD, got True"),
    date_case("date-two-digit-year", "89", "field 'date' must be a date YYYY, YYYY-MM or YYYY-MM-DD, got '89'"),
    Case(
        id="date-impossible-kb-index",
        klass=KLASS,
        command=INDEX,
        exit_code=0,
        edits=[(EVENT, "date: 1989-11", "date: 2004-02-30")],
        message="the corpus has 1 problem(s): run kb check",
    ),
    Case(
        id="date-impossible-and-the-rest-reported",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(EVENT, "date: 1989-11", "date: 2004-02-30"), (EVENT, "event_type: act", "event_type: law")],
        message=f"{EVENT}:6: field 'event_type' has unknown value 'law' (allowed: act, convention, framework, "
        "green-paper, guidance, inquiry, programme, qualification, report, strategy, target, white-paper)",
    ),
    Case(
        id="case-study-year-impossible",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={CASE_STUDY: case_study("2004-02-30")},
        message=f"{CASE_STUDY}:11: field 'year': '2004-02-30' is not a real date (YYYY, YYYY-MM or YYYY-MM-DD)",
    ),
    Case(
        id="source-year-not-a-date",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={SOURCE: source("circa 2007")},
        message=f"{SOURCE}:9: field 'year' must be a date YYYY, YYYY-MM or YYYY-MM-DD, got 'circa 2007'",
    ),
    Case(
        id="impossible-date-in-summary-is-text",
        klass=KLASS,
        command=CHECK,
        exit_code=0,
        edits=[(FINDING, "summary: Sharing a building eases informal contact between agencies.",
                "summary: 2019-02-29")],
        message=GOOD_SUMMARY,
    ),
    Case(
        id="impossible-date-as-title-is-text",
        klass=KLASS,
        command=CHECK,
        exit_code=0,
        edits=[(TERM, "title: Lead professional", "title: 2004-02-30")],
        message=GOOD_SUMMARY,
    ),
    Case(
        id="yaml-alias-bomb",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={FINDING: BOMB},
        message=f"{FINDING}:4: field 'b' uses a YAML alias (*name): aliases are not allowed in front matter",
    ),
    Case(
        id="yaml-alias-bomb-kb-index",
        klass=KLASS,
        command=INDEX,
        exit_code=0,
        files={FINDING: BOMB},
        message=f"skipped 1 file(s) that could not be parsed: {FINDING}",
    ),
    Case(
        id="yaml-alias-reused-list",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "sources: [mcinnes2007practitioners]", "sources: &s [mcinnes2007practitioners]"),
               (TERM, "also_known_as: [key worker]", "also_known_as: *s")],
        message=f"{TERM}:9: field 'also_known_as' uses a YAML alias (*name): aliases are not allowed in front matter",
    ),
    Case(
        id="yaml-python-tag",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "abbreviation: LP", "abbreviation: !!python/object/apply:os.system [echo hi]")],
        message=f"{TERM}:8: front matter is not valid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    Case(
        id="tab-indentation",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "abbreviation: LP\n", "abbreviation: LP\n\tnote: x\n")],
        message=f"{TERM}:9: front matter is not valid YAML: found a tab character that violates indentation",
    ),
    Case(
        id="byte-order-mark",
        klass=KLASS,
        command=CHECK,
        exit_code=0,
        setup=lambda root: (root / TERM).write_bytes(b"\xef\xbb\xbf" + (root / TERM).read_bytes()),
        message=GOOD_SUMMARY,
    ),
    Case(
        id="crlf-line-endings",
        klass=KLASS,
        command=CHECK,
        exit_code=0,
        setup=lambda root: (root / TERM).write_bytes((root / TERM).read_bytes().replace(b"\n", b"\r\n")),
        message=GOOD_SUMMARY,
    ),
    Case(
        id="crlf-line-numbers-kept",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "abbreviation: LP", "abbreviation: [LP]")],
        setup=lambda root: (root / TERM).write_bytes((root / TERM).read_bytes().replace(b"\n", b"\r\n")),
        message=f"{TERM}:8: field 'abbreviation' must be a non-empty text, got ['LP']",
    ),
    Case(
        id="nul-byte",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "abbreviation: LP", "abbreviation: L\x00P")],
        message=f"{TERM}:8: file contains a NUL character (a binary file?)",
    ),
    Case(
        id="invalid-utf8",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        setup=lambda root: (root / TERM).write_bytes(
            (root / TERM).read_bytes().replace(b"abbreviation: LP", b"abbreviation: L\xff")
        ),
        message=f"{TERM}:8: file is not UTF-8 (byte 0xff at offset 202)",
    ),
    Case(
        id="latin1-file",
        klass=KLASS,
        command=INDEX,
        exit_code=0,
        setup=lambda root: (root / TERM).write_bytes(
            (root / TERM).read_bytes().replace(b"title: Lead professional", b"title: Lead professionn\xe9")
        ),
        message=f"skipped 1 file(s) that could not be parsed: {TERM}",
    ),
    Case(
        id="empty-front-matter",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={TERM: "---\n---\n\nThe lead professional co-ordinates support [@mcinnes2007practitioners].\n"},
        message=f"{TERM}:1: front matter is empty",
    ),
    Case(
        id="unclosed-front-matter",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "also_known_as: [key worker]\n---\n", "also_known_as: [key worker]\n\n")],
        message=f"{TERM}:1: front matter is not closed: no second '---' line",
    ),
    Case(
        id="front-matter-is-a-list",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={TERM: "---\n- id\n- title\n---\n\nText [@mcinnes2007practitioners].\n"},
        message=f"{TERM}:2: front matter must be a mapping of field: value",
    ),
    Case(
        id="empty-file",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        files={TERM: ""},
        message=f"{TERM}:1: file is empty",
    ),
    Case(
        id="field-given-twice",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "abbreviation: LP", "abbreviation: LP\ntitle: Lead practitioner")],
        message=f"{TERM}:9: field 'title' is given more than once",
    ),
    Case(
        id="tags-a-number",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "tags: [roles]", "tags: 5")],
        message=f"{TERM}:7: field 'tags' must be a list of texts, got 5",
    ),
    Case(
        id="sources-a-mapping",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "sources: [mcinnes2007practitioners]", "sources: {mcinnes2007practitioners: 1}")],
        message=f"{TERM}:6: field 'sources' must be a list of texts, got {{'mcinnes2007practitioners': 1}}",
    ),
    Case(
        id="huge-kind-value-message-bounded",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "kind: term", "kind: " + "x" * 100_000)],
        message=f"{TERM}:4: field 'kind' has unknown value '" + "x" * 58 + "… (allowed: case-study, event, finding, "
        "procedure, source, strategy, term, theme)",
    ),
    Case(
        id="huge-unknown-field-name-bounded",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "abbreviation: LP", "abbreviation: LP\n" + "y" * 1000 + ": 1")],
        message=f"{TERM}:9: unknown field '" + "y" * 58 + "… for kind 'term' (allowed: "
        + ALLOWED_COMMON + ", abbreviation, also_known_as, search_terms)",
    ),
    Case(
        id="deeply-nested-title",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "title: Lead professional", "title: " + "[" * 3000 + "]" * 3000)],
        message=f"{TERM}:3: field 'title' must be a non-empty text, got [[[[[...]]]]]",
    ),
    Case(
        id="title-too-long",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "title: Lead professional", "title: " + "Lead professional " * 20)],
        message=f"{TERM}:3: title is 359 characters long (at most 200 with the heading path, as the search model "
        "reads 256 word pieces)",
    ),
    Case(
        id="title-too-long-kb-index",
        klass=KLASS,
        command=INDEX,
        exit_code=1,
        edits=[(TERM, "title: Lead professional", "title: Lead professional " + "!" * 250)],
        message="Error: glossary/lead-professional.md: title and heading path 'Lead professional "
        + "!" * 41 + "…' take 252 of the model's 256 word pieces, too many to index (at most 200 "
        "characters; run kb check)",
    ),
    Case(
        id="id-not-the-file-name",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "id: lead-professional", "id: lead-prof")],
        message=f"{TERM}:2: id 'lead-prof' does not match the file name 'lead-professional'",
    ),
]

CASES.append(
    Case(
        id="title-of-punctuation-too-long",
        klass=KLASS,
        command=CHECK,
        exit_code=1,
        edits=[(TERM, "title: Lead professional", "title: Lead professional " + "!" * 250)],
        message=f"{TERM}:3: title is 268 characters long (at most 200 with the heading path, as the search model "
        "reads 256 word pieces)",
    )
)
