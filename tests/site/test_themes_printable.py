"""Theme pages, findings under several themes, reader-facing names and bibliography, and the
printable edition (HTML and PDF), on a copy of the small site fixture with a theme page, a
finding of two themes, search-only names and a work that could not be identified."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitebuild import SITE_FIXTURE

from indexer.cite.citestyle import load_style
from indexer.cli import main
from indexer.corpus.check import run_check
from indexer.corpus.entries import Corpus, load_corpus
from indexer.search.expansion import TermNames
from indexer.site.bibliography_page import bibliography_page, cited_in
from indexer.site.pages import entry_facts, entry_page, findings_index, shown_names
from indexer.site.printable import PDF_NAME, build_edition, write_pdf
from indexer.site.themes import theme_page

THEME = """---
id: challenges
title: Disadvantages, barriers and criticisms
kind: theme
summary: What gets in the way of working together.
sources: [mcinnes2007practitioners]
tags: [challenges]
---

Practitioners name funding and time as barriers [@mcinnes2007practitioners, sec. 6].

## Questions to think about

- Which barriers could a team change itself [@gasper2010what, p. 14]?
"""
UNIDENTIFIED = """
@misc{smith2003unidentified,
  author       = {Smith and Coates},
  title        = {[Unidentified Work on Joint Training, Cited as 'Smith and Coates (2003)']},
  howpublished = {Cited in Frost (2005)},
  year         = {2003},
  keywords     = {seed:002, unidentified},
  note         = {Unverified: the work itself (not identified; placeholder)}
}
"""


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("themes") / "project"
    for name in ("corpus", "docs"):
        shutil.copytree(SITE_FIXTURE / name, root / name)
    shutil.copy(SITE_FIXTURE / "bibliography.bib", root / "bibliography.bib")
    (root / "corpus" / "themes").mkdir()
    (root / "corpus" / "themes" / "challenges.md").write_text(THEME, encoding="utf-8")
    _replace(root / "corpus/findings/co-location-what-it-achieves.md", "theme: benefits\n",
             "theme: benefits\nalso_themes: [challenges]\n")
    _replace(root / "corpus/glossary/lead-professional.md", "also_known_as: [key worker]\n",
             "also_known_as: [key worker, lead professionals, Lead-Professional, named lead professional]\n"
             "search_terms: [case co-ordinator]\n")
    with (root / "corpus/findings/barriers-to-joint-working.md").open("a", encoding="utf-8") as finding:
        finding.write("\nA study of joint training is cited second-hand [@smith2003unidentified].\n")
    with (root / "bibliography.bib").open("a", encoding="utf-8") as bib:
        bib.write(UNIDENTIFIED)
    return root


@pytest.fixture(scope="module")
def corpus(project: Path) -> Corpus:
    report = run_check(project)
    assert report.errors == [], report.errors
    return report.corpus


def test_check_validates_themes(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(project, broken)
    _replace(broken / "corpus/findings/co-location-what-it-achieves.md", "also_themes: [challenges]",
             "also_themes: [benefits, nonsense]")
    (broken / "corpus/themes/not-a-theme.md").write_text(THEME.replace("id: challenges", "id: not-a-theme"),
                                                          encoding="utf-8")
    messages = [str(p) for p in run_check(broken).errors]
    assert any("co-location-what-it-achieves.md:6: field 'also_themes' has unknown value 'nonsense'" in m
               for m in messages), messages
    assert any("themes/not-a-theme.md:2: theme 'not-a-theme' is not a theme of findings" in m for m in messages)
    _replace(broken / "corpus/findings/co-location-what-it-achieves.md", "[benefits, nonsense]", "[benefits]")
    assert any("'also_themes' repeats the first theme 'benefits'" in str(p) for p in run_check(broken).errors)


def test_theme_page_cards_every_finding_of_the_theme(corpus: Corpus) -> None:
    theme = corpus.by_id()["challenges"]
    page = theme_page(theme, corpus.entries, "corpus/themes/challenges.md")
    intro, findings, questions = (page.index(s) for s in ("Practitioners name", "## Findings", "## Questions"))
    assert intro < findings < questions
    cards = re.findall(r"^-   \*\*\[(.+?)\]\(/(.+?)\)\*\*", page, flags=re.M)
    assert ("Barriers to joint working", "findings/barriers-to-joint-working.md") in cards
    assert ("Co-location: what it achieves", "findings/co-location-what-it-achieves.md") in cards
    assert "<!-- kb-source: corpus/themes/challenges.md:" in page


def test_findings_index_lists_a_finding_under_each_theme(corpus: Corpus) -> None:
    findings = corpus.of_kind("finding")
    index = findings_index(findings, corpus.of_kind("theme"))
    benefits, challenges = index.index("{#benefits}"), index.index("{#challenges}")
    link = "(/findings/co-location-what-it-achieves.md)"
    assert index.count(link) == 2 and benefits < index.index(link) < challenges < index.rindex(link)
    assert "[The theme's page](/themes/challenges.md)" in index
    page = entry_page(corpus.by_id()["co-location-what-it-achieves"], corpus.by_id(), "x.md")
    assert "Themes: [Benefits](/findings/index.md#benefits) · [Disadvantages, barriers and criticisms]" \
           "(/themes/challenges.md)" in page


def test_also_known_as_shows_names_not_search_variants(corpus: Corpus) -> None:
    term = corpus.by_id()["lead-professional"]
    assert shown_names(term) == ["key worker"]
    page = entry_page(term, corpus.by_id(), "x.md")
    assert "Also known as: key worker\n" in page and "case co-ordinator" not in page
    names = TermNames.from_entry(term).names
    assert {"lead professionals", "named lead professional", "case co-ordinator"} <= set(names)


def test_bibliography_keeps_unidentified_works_apart(project: Path, corpus: Corpus) -> None:
    style = load_style(project / "bibliography.bib")
    page = bibliography_page(style, cited_in(corpus.entries))
    unidentified = page.index('id="smith2003unidentified"')
    assert page.index("## Works cited but not identified") < unidentified
    assert max(m.start() for m in re.finditer(r'class="kb-bib-entry" id=', page)) < unidentified
    assert "A work on joint training. Cited in Frost (2005). The work itself has not been identified." in page
    assert "[Unidentified" not in page and "placeholder" not in page


@pytest.fixture(scope="module")
def printable(project: Path, corpus: Corpus) -> str:
    return build_edition(corpus, project / "bibliography.bib", docs_dir=project / "docs", built="1 May 2026").html


def test_printable_has_every_entry_once_in_reading_order(printable: str, corpus: Corpus) -> None:
    sections = re.findall(r'<section class="kb-entry[^"]*" id="([^"]+)"', printable)
    assert sorted(sections) == sorted(f"{e.folder}-{e.id}" for e in load_corpus(corpus.root).entries)
    parts = [printable.index(f'id="{p}"') for p in ("contents", "introduction", "findings", "strategies",
                                                   "procedures", "timeline", "glossary", "case-studies",
                                                   "bibliography")]
    assert parts == sorted(parts)
    assert "Practitioners name funding" in printable and "Questions to think about" in printable


def test_printable_shows_the_fields_the_pages_show(printable: str, corpus: Corpus) -> None:
    """One list of an entry's fields (``entry_facts``): the printable's kind line carries each
    label and value of the entry's page."""
    import html

    by_id = corpus.by_id()
    checked = 0
    for entry in corpus.entries:
        facts = entry_facts(entry)
        if not facts:
            continue
        line = re.search(rf'id="{entry.folder}-{entry.id}">\s*<h3>.*?</h3>\s*<p class="kb-print-meta">(.*?)</p>',
                         printable, re.DOTALL)
        assert line, entry.id
        page = entry_page(entry, by_id, entry.rel_path)
        for fact in facts:
            assert f"{fact.label}: " in line.group(1) and f"- {fact.label}: " in page, (entry.id, fact)
            assert all(html.escape(v) in line.group(1) for v in fact.values), (entry.id, fact)
        checked += 1
    assert checked >= 5
    event = next(e for e in corpus.entries if e.kind == "event" and e.meta.get("date"))
    assert any(f.label == "Date" and f.strong for f in entry_facts(event))


def test_printable_links_resolve_inside_the_page(printable: str, project: Path) -> None:
    ids = re.findall(r'\bid="([^"]+)"', printable)
    assert len(ids) == len(set(ids)), "duplicate ids"
    hrefs = re.findall(r'href="([^"]*)"', printable)
    internal = [h[1:] for h in hrefs if h.startswith("#")]
    assert len(internal) > 20 and set(internal) <= set(ids)
    assert all(h.startswith(("#", "http://", "https://", "mailto:")) or h in ("../", PDF_NAME) for h in hrefs), hrefs
    assert 'href="#mcinnes2007practitioners"' in printable and 'href="#glossary-lead-professional"' in printable
    style = load_style(project / "bibliography.bib")
    assert set(style.sorted_keys()) <= set(ids)


def test_printable_pdf_opens(printable: str, tmp_path: Path) -> None:
    out = tmp_path / "edition.pdf"
    pages = write_pdf(printable, out)
    data = out.read_bytes()
    assert pages >= 3 and data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    # the cross-reference table a reader opens the file by: where startxref says, an xref or its stream
    offset = int(re.findall(rb"startxref\s+(\d+)\s+%%EOF", data)[-1])
    assert re.match(rb"xref|\d+ 0 obj", data[offset:]), data[offset : offset + 20]


def test_kb_print_writes_the_edition(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "print"
    result = CliRunner().invoke(main, ["print", str(out), "--no-pdf", "--root", str(project)])
    assert result.exit_code == 0, result.output
    assert re.search(r"index\.html: \d+ entries, [\d.]+ MB, [\d.]+ s", result.output)
    assert "<h1 class=\"kb-part\" id=\"bibliography\">" in (out / "index.html").read_text(encoding="utf-8")
    assert "Download as PDF" not in (out / "index.html").read_text(encoding="utf-8")
