"""Hostile cases already handled by the first version (kept so that they stay handled)."""

from __future__ import annotations

from harness import FINDING, Case

CASES = [
    Case(
        id="citation-unknown-key",
        klass="Markdown body and citations",
        command=["check", "--no-notes", "--root", "{root}"],
        exit_code=1,
        edits=[(FINDING, "[@mcinnes2007practitioners, sec. 5]", "[@nobody1999, sec. 5]")],
        message=f"{FINDING}:14: unknown citation key '@nobody1999'",
    ),
]
