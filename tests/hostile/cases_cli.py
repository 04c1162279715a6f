"""Hostile command-line arguments: bad options and values, unknown keys, odd queries, bad roots.

Enumerated and integer options are validated by click (exit 2, its own message); what the
library refuses is one ``Error:`` line naming the argument (exit 1).
"""

from __future__ import annotations

from pathlib import Path

from harness import Case

K = "command-line arguments"
R = ["--root", "{root}"]


def _plain_file_root(root: Path) -> None:
    (root / "afile").write_text("not a folder\n", encoding="utf-8")


def _queries_not_utf8(root: Path) -> None:
    (root / "q.txt").write_bytes(b"lead \xff professional\n")


CASES = [
    Case("cli-unknown-option", K, ["search", "x", "--fuzzy", *R], 2, "Error: No such option '--fuzzy'."),
    Case("cli-unknown-command", K, ["serach", "x"], 2, "Error: No such command 'serach'. Did you mean 'search'?"),
    Case("cli-top-k-not-a-number", K, ["search", "x", "--top-k", "ten", *R], 2,
         "Error: Invalid value for '--top-k': 'ten' is not a valid integer range."),
    Case("cli-top-k-zero", K, ["search", "x", "--top-k", "0", *R], 2,
         "Error: Invalid value for '--top-k': 0 is not in the range x>=1."),
    Case("cli-top-k-negative", K, ["search", "x", "--top-k=-3", *R], 2,
         "Error: Invalid value for '--top-k': -3 is not in the range x>=1."),
    Case("cli-top-k-missing-value", K, ["search", "x", *R, "--top-k"], 2,
         "Error: Option '--top-k' requires an argument."),
    Case("cli-mode-unknown", K, ["search", "x", "--mode", "fuzzy", *R], 2,
         "Error: Invalid value for '--mode': 'fuzzy' is not one of 'hybrid', 'semantic', 'lexical'."),
    Case("cli-year-not-a-number", K, ["search", "x", "--year-from", "soon", *R], 2,
         "Error: Invalid value for '--year-from': 'soon' is not a valid integer."),
    Case("cli-year-range-reversed", K, ["search", "x", "--year-from", "2010", "--year-to", "2000", *R], 1,
         "Error: --year-from 2010 is after --year-to 2000", index_first=True),
    Case("cli-kind-unknown", K, ["search", "x", "--kind", "findng", *R], 1,
         "Error: --kind 'findng' is unknown (did you mean finding?)", index_first=True),
    Case("cli-tag-unknown", K, ["search", "x", "--tag", "nosuchtag", *R], 1,
         "Error: --tag 'nosuchtag' is unknown (known: co-location, legislation, roles)", index_first=True),
    Case("cli-format-unknown", K, ["cite", "atkinson2002multiagency", "--format", "mla", *R], 2,
         "Error: Invalid value for '--format': 'mla' is not one of 'bibtex', 'ris', 'csljson', 'text', 'html', "
         "'markdown'."),
    Case("cli-export-format-unknown", K, ["search", "x", "--export", "endnote", *R], 2,
         "Error: Invalid value for '--export': 'endnote' is not one of 'bibtex', 'ris', 'csljson'."),
    Case("cli-cite-unknown-key", K, ["cite", "mcinnes2007practitioner", *R], 1,
         "Error: unknown reference key: 'mcinnes2007practitioner' (did you mean mcinnes2007practitioners?)"),
    Case("cli-cite-nothing", K, ["cite", *R], 1, "Error: nothing to cite: give one or more KEYs, --page ENTRY_ID, --all, --tag or --kind"),
    Case("cli-cite-unknown-page", K, ["cite", "--page", "lead-profesional", *R], 1,
         "Error: no entry with id 'lead-profesional' in the corpus (did you mean lead-professional?)"),
    Case("cli-query-empty", K, ["search", "", *R], 1, "Error: the query is empty: give some words to search for",
         index_first=True),
    Case("cli-query-blank", K, ["search", " \t ", *R], 1,
         "Error: the query is empty: give some words to search for", index_first=True),
    Case("cli-query-huge", K, ["search", "lead professional " * 50000, "--top-k", "1", *R], 0,
         "1. Lead professional  [term]", index_first=True),  # 900 kB: cut at 2,000 characters
    Case("cli-query-and-queries", K, ["search", *R], 1, "Error: give a QUERY or --queries FILE (one of them)"),
    Case("cli-queries-missing", K, ["search", "--queries", "/no/such/q.txt", *R], 1,
         "Error: --queries /no/such/q.txt: cannot read it (No such file or directory)"),
    Case("cli-queries-not-utf8", K, ["search", "--queries", "{root}/q.txt", *R], 1,
         "Error: --queries {root}/q.txt: cannot read it ('utf-8' codec can't decode byte 0xff in position 5: "
         "invalid start byte)", setup=_queries_not_utf8),
    Case("cli-query-invalid-bytes", K, ["search", "lead \udcff professional", *R], 2,
         "Error: QUERY 'lead \\xff professional' contains bytes that are not UTF-8"),
    Case("cli-key-invalid-bytes", K, ["cite", "mcinnes\udce9", *R], 2,
         "Error: KEYS 'mcinnes\\xe9' contains bytes that are not UTF-8"),
    Case("cli-output-path-invalid-bytes", K, ["cite", "atkinson2002multiagency", "-o", "{root}/refs\udcff.bib", *R],
         2, "Error: -o '{root}/refs\\xff.bib' contains bytes that are not UTF-8"),
    Case("cli-root-invalid-bytes", K, ["check", "--root=/tmp/\udcfe"], 2,
         "Error: --root '--root=/tmp/\\xfe' contains bytes that are not UTF-8"),
    Case("cli-command-invalid-bytes", K, ["\udcff"], 2, "Error: COMMAND '\\xff' contains bytes that are not UTF-8"),
    Case("cli-root-missing", K, ["search", "x", "--root", "{root}/nowhere"], 1,
         "Error: --root {root}/nowhere: no corpus/ folder there"),
    Case("cli-root-a-file", K, ["search", "x", "--root", "{root}/afile"], 2,
         "Error: Invalid value for '--root': Directory '{root}/afile' is a file.", setup=_plain_file_root),
    Case("cli-output-is-a-folder-option", K, ["cite", "atkinson2002multiagency", "-o", "{root}/corpus", *R], 2,
         "Error: Invalid value for '-o' / '--output': File '{root}/corpus' is a directory."),
]
