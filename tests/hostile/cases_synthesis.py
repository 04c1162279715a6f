"""The editors' synthesis blocks: a wrong title, a source document cited inside, a line that runs on."""

from __future__ import annotations

from harness import BIB, FINDING, Case

CHECK = ["check", "--no-notes", "--root", "{root}"]
NOTES = ["check", "--root", "{root}"]
KLASS = "Markdown body and citations"
#: the finding's last line (16); a block appended after it opens on line 18
END = "benefits too [see @gasper2010what; @mcinnes2007practitioners]."
SEED = ("  institution = {{Barnardo's Policy and Research Unit}},",
        "  institution = {{Barnardo's Policy and Research Unit}},\n  keywords    = {seed:002, seed-source},")


def _block(
    id: str, block: str, message: str, exit_code: int = 1, seed: bool = True, command: list[str] = CHECK
) -> Case:
    return Case(
        id=id,
        klass=KLASS,
        command=command,
        exit_code=exit_code,
        edits=[(FINDING, END, END + "\n\n" + block), *([(BIB, *SEED)] if seed else [])],
        message=message,
    )


CASES = [
    _block(
        "synthesis-cites-a-source-document",
        '!!! synthesis "Editors\' synthesis"\n    Our reading, cited to the source [@mcinnes2007practitioners].\n',
        f"{FINDING}:19: the editors' synthesis cites the source document '@mcinnes2007practitioners': "
        "cite what the source says before the block, not in it",
    ),
    _block(
        "synthesis-cites-another-work-is-allowed",
        '!!! synthesis "Editors\' synthesis"\n    A comparison with another study [@atkinson2002multiagency].\n',
        "0 errors, 1 note (3 entries, 5 references)",
        exit_code=0,
    ),
    _block(
        "synthesis-with-another-title",
        '!!! synthesis "Our view"\n    A reading of ours.\n',
        f"{FINDING}:18: a synthesis block is titled exactly \"Editors' synthesis\"",
    ),
    _block(
        "synthesis-with-no-title",
        "!!! synthesis\n    A reading of ours.\n",
        f"{FINDING}:18: a synthesis block is titled exactly \"Editors' synthesis\"",
    ),
    _block(
        "synthesis-line-runs-on-outside-the-block",
        '!!! synthesis "Editors\' synthesis"\n    A reading of ours, see\n[the term](../glossary/lead-professional.md).\n',
        f"{FINDING}:20: this line runs on from the synthesis block above and falls outside it on the page: "
        "indent it by four spaces, or leave a blank line",
    ),
    _block(
        "synthesis-uncited-paragraph-is-no-note",
        '!!! synthesis "Editors\' synthesis"\n    A reading of ours that runs to more than a few words and carries'
        " no citation at all, by design.\n",
        "0 errors, 1 note (3 entries, 5 references)",
        exit_code=0,
        seed=False,
        command=NOTES,
    ),
]
