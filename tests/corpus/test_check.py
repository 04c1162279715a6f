"""``kb check`` on the good fixture project and on one broken copy per kind of problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.corpus.check import run_check

GOOD = Path(__file__).parent.parent / "fixtures" / "check" / "good"
FINDING = "corpus/findings/co-location-what-it-achieves.md"
TERM = "corpus/glossary/lead-professional.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(GOOD, root)
    return root


def run(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--no-notes", "--root", str(root)])
    return result.exit_code, result.output.splitlines()


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_good_project_passes_with_unused_entry_as_note() -> None:
    result = CliRunner().invoke(main, ["check", "--root", str(GOOD)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "bibliography.bib:34: note: entry 'unusedwork2001' is not cited by any corpus entry",
        "0 errors, 1 note (3 entries, 5 references)",
    ]


def test_good_project_loads_typed_entries() -> None:
    report = run_check(GOOD)
    entries = report.corpus.by_id()
    event = entries["children-act-1989"]
    assert event.kind == "event" and event.meta["date"] == "1989-11" and event.year == 1989
    term = entries["lead-professional"]
    assert term.meta == {"abbreviation": "LP", "also_known_as": ("key worker",)}
    assert term.path_id == "glossary/lead-professional" and term.url == "glossary/lead-professional/"
    assert entries["co-location-what-it-achieves"].related == ("lead-professional",)


@pytest.mark.parametrize(
    ("rel", "old", "new", "expected"),
    [
        (
            FINDING,
            "title: What co-location achieves",
            "title: [unclosed",
            f"{FINDING}:4: front matter is not valid YAML: did not find expected ',' or ']'",
        ),
        (FINDING, "theme: success-factors\n", "", f"{FINDING}:2: missing required field 'theme'"),
        (
            FINDING,
            "theme: success-factors",
            "theme: success-factors\ncolour: blue",
            f"{FINDING}:6: unknown field 'colour' for kind 'finding' (allowed: id, title, kind, summary, sources, tags, related, theme, also_themes)",
        ),
        (FINDING, "tags: [co-location]", "tags: 12", f"{FINDING}:8: field 'tags' must be a list of texts, got 12"),
        (
            FINDING,
            "theme: success-factors",
            "theme: sucess-factors",
            f"{FINDING}:5: field 'theme' has unknown value 'sucess-factors' (allowed: benefits, challenges, definitions, evaluations, history, practitioner-views, success-factors)",
        ),
        (
            FINDING,
            "[@mcinnes2007practitioners, sec. 5]",
            "[@mcinnes2007practitoners, sec. 5]",
            f"{FINDING}:14: unknown citation key '@mcinnes2007practitoners' (did you mean mcinnes2007practitioners?)",
        ),
        (
            FINDING,
            "sources: [mcinnes2007practitioners]",
            "sources: [atkinson2002multiagncy]",
            f"{FINDING}:7: unknown source key 'atkinson2002multiagncy' (did you mean atkinson2002multiagency?)",
        ),
        (
            FINDING,
            "(../glossary/lead-professional.md)",
            "(../glossary/lead-profesional.md)",
            f"{FINDING}:16: broken link: ../glossary/lead-profesional.md (no such file)",
        ),
        (
            FINDING,
            "(../glossary/lead-professional.md)",
            "(../glossary/lead-professional.md#no-such-section)",
            f"{FINDING}:16: broken link: ../glossary/lead-professional.md#no-such-section "
            "(no section #no-such-section on that page)",
        ),
        (
            FINDING,
            "tags: [co-location]",
            "tags: [colocation]",
            f"{FINDING}:8: unknown tag 'colocation' (did you mean co-location?) (add it to corpus/tags.yml)",
        ),
        (
            FINDING,
            "related: [lead-professional]",
            "related: [lead-profesional]",
            f"{FINDING}:9: unknown related id 'lead-profesional' (did you mean lead-professional?)",
        ),
        (
            FINDING,
            "kind: finding",
            "kind: term",
            f"{FINDING}:4: kind 'term' does not match folder findings/ (expected 'finding')",
        ),
        (
            FINDING,
            "id: co-location-what-it-achieves",
            "id: co-location",
            f"{FINDING}:2: id 'co-location' does not match the file name 'co-location-what-it-achieves'",
        ),
        (
            FINDING,
            "title: What co-location achieves",
            "title: What co-location achieves\ntitle: Again",
            f"{FINDING}:4: field 'title' is given more than once",
        ),
        (
            "corpus/timeline/children-act-1989.md",
            "date: 1989-11",
            "date: November 1989",
            "corpus/timeline/children-act-1989.md:5: field 'date' must be a date YYYY, YYYY-MM or YYYY-MM-DD, got 'November 1989'",
        ),
        (
            TERM,
            "The lead professional co-ordinates support [@mcinnes2007practitioners].",
            "The lead professional co-ordinates support.",
            f"{TERM}:12: entry body cites nothing: every claim needs a [@key] citation",
        ),
        (
            TERM,
            "---\nid: lead-professional",
            "id: lead-professional",
            f"{TERM}:1: no front matter: the file must start with a line '---'",
        ),
        (
            "bibliography.bib",
            "author = {Nobody, Some},",
            "author = {Nobody, Some}",
            "bibliography.bib:35: entry 'unusedwork2001': missing comma after field 'author' (its value swallows 'title = ...')",
        ),
        (
            "bibliography.bib",
            "@misc{unusedwork2001,",
            "@misc{gasper2010what,",
            "bibliography.bib:34: duplicate entry key 'gasper2010what' (the first one is kept)",
        ),
        (
            "bibliography.bib",
            "title     = {Multi-Agency Working: A Detailed Study},",
            "title     = {Multi-Agency Working: A Detailed Study,",
            "bibliography.bib:9: malformed BibTeX block '@book{atkinson2002multiagency,': Unexpected block start: `@misc`. "
            "Was still looking for field-value closing `,` or `}`",
        ),
        (
            "bibliography.bib",
            "@misc{childrenact1989,",
            "@statute{childrenact1989,",
            "bibliography.bib:17: entry 'childrenact1989': unknown entry type @statute (allowed: article, book, booklet, collection, inbook, incollection, inproceedings, manual, mastersthesis, misc, online, phdthesis, techreport, unpublished)",
        ),
        (
            "bibliography.bib",
            "  year      = {2002}",
            "  year      = {2002},\n  citedas   = {Atkinson 2002}",
            "bibliography.bib:15: entry 'atkinson2002multiagency': non-standard field 'citedas'",
        ),
    ],
    ids=[
        "yaml",
        "missing-field",
        "unknown-field",
        "wrong-type",
        "wrong-value",
        "unknown-key",
        "unknown-source",
        "broken-link",
        "broken-link-anchor",
        "unknown-tag",
        "unknown-related",
        "kind-folder",
        "id-filename",
        "duplicate-field",
        "bad-date",
        "cites-nothing",
        "no-front-matter",
        "bib-missing-comma",
        "bib-duplicate",
        "bib-malformed",
        "bib-entry-type",
        "bib-field",
    ],
)
def test_broken_input_reported_with_path_and_line(project: Path, rel: str, old: str, new: str, expected: str) -> None:
    replace(project, rel, old, new)
    code, lines = run(project)
    assert code == 1
    assert expected in lines, "\n".join(lines)
    assert lines[-1].startswith("1 error, ") or lines[-1].split()[0].isdigit()


def test_duplicate_id_across_folders(project: Path) -> None:
    shutil.copy(project / TERM, project / "corpus/findings/lead-professional.md")
    replace(project, "corpus/findings/lead-professional.md", "kind: term", "kind: finding\ntheme: definitions")
    replace(project, "corpus/findings/lead-professional.md", "abbreviation: LP\nalso_known_as: [key worker]\n", "")
    code, lines = run(project)
    assert code == 1
    assert lines == [
        "corpus/glossary/lead-professional.md:1: duplicate id 'lead-professional' (also corpus/findings/lead-professional.md)",
        "1 error, 1 note (4 entries, 5 references)",
    ]


def test_non_utf8_and_empty_files(project: Path) -> None:
    (project / "corpus/glossary/bad.md").write_bytes(b"---\nid: bad\ntitle: Caf\xe9\n---\n")
    (project / "corpus/glossary/empty.md").write_text("  \n", encoding="utf-8")
    code, lines = run(project)
    assert code == 1
    assert lines[:2] == [
        "corpus/glossary/bad.md:3: file is not UTF-8 (byte 0xe9 at offset 22)",
        "corpus/glossary/empty.md:1: file is empty",
    ]
    assert lines[-1] == "2 errors, 1 note (3 entries, 5 references)"


def test_entry_outside_kind_folder(project: Path) -> None:
    (project / "corpus/notes").mkdir()
    shutil.copy(project / TERM, project / "corpus/notes/lead-professional-copy.md")
    code, lines = run(project)
    assert code == 1
    assert (
        "corpus/notes/lead-professional-copy.md:1: entry is not in a kind folder "
        "(expected one of: case-studies, findings, glossary, procedures, sources, strategies, themes, timeline)"
    ) in lines


def test_every_problem_is_reported_not_just_the_first(project: Path) -> None:
    replace(project, FINDING, "theme: success-factors", "theme: nonsense")
    replace(project, TERM, "[@mcinnes2007practitioners]", "[@nosuchkey]")
    (project / "corpus/timeline/empty.md").write_text("", encoding="utf-8")
    code, lines = run(project)
    assert code == 1
    assert len([line for line in lines if ": " in line and line.startswith("corpus/")]) == 3
    assert lines[-1].startswith("3 errors")


def test_missing_bibliography_is_one_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    code, lines = run(tmp_path)
    assert code == 1
    assert lines == [f"Error: bibliography.bib is missing in {tmp_path}"]


def test_missing_bibliography_and_tags_reported_by_the_library(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    messages = [str(p) for p in run_check(tmp_path).problems]
    assert "bibliography.bib:1: bibliography file not found" in messages
    assert "corpus/tags.yml:1: tag vocabulary file is missing" in messages


def test_root_without_corpus_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: --root {tmp_path}: no corpus/ folder there"


def test_repository_corpus_passes() -> None:
    root = Path(__file__).resolve().parents[2]
    report = run_check(root)
    assert report.errors == [], "\n".join(map(str, report.errors[:20]))


def test_uncited_paragraph_is_a_note_and_cited_list_lead_in_covers_items(project: Path) -> None:
    replace(
        project,
        TERM,
        "The lead professional co-ordinates support [@mcinnes2007practitioners].",
        "The lead professional co-ordinates support [@mcinnes2007practitioners]:\n\n"
        "- one item that is long enough to count as a claim of its own here\n\n"
        "## Later\n\n"
        "A paragraph of twelve words or more that states something without any source.\n",
    )
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if "no citation" in line]
    assert notes == [f"{TERM}:18: note: paragraph has no citation"]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        # the link text wraps onto the next line: Python-Markdown still makes it a link
        ("[lead professional](../glossary/lead-professional.md)",
         "[lead\nprofessional](../glossary/lead-profesional.md)", 17),
        # a reference-style link: the definition is where the target is
        ("[lead professional](../glossary/lead-professional.md)",
         "[lead professional][lp]\n\n[lp]: ../glossary/lead-profesional.md\n", 18),
    ],
)
def test_links_are_read_as_the_renderer_reads_them(project: Path, old: str, new: str, line: int) -> None:
    replace(project, FINDING, old, new)
    code, lines = run(project)
    assert code == 1
    assert f"{FINDING}:{line}: broken link: ../glossary/lead-profesional.md (no such file)" in lines


def test_a_wrapped_good_link_passes(project: Path) -> None:
    replace(project, FINDING, "[lead professional](../glossary/lead-professional.md)",
            "[lead\nprofessional](../glossary/lead-professional.md)")
    code, lines = run(project)
    assert code == 0, lines
