""""Cite this page" and the knowledge base's own citation (``indexer.site.cite_box``), and the
pages' dates of last change (``indexer.site.page_dates``)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import bibtexparser
import pytest
import rispy
from sitebuild import SITE_FIXTURE

from indexer.cite.citestyle import plain, render_items
from indexer.cite.csl import to_csl
from indexer.cite.export import STYLES
from indexer.corpus.entries import Entry, load_corpus
from indexer.site import cite_box as cb
from indexer.site.export_assets import SiteInfo
from indexer.site.page_dates import last_changes, page_dates

SITE = SiteInfo("A knowledge base", "", "Editors of A knowledge base", dt.date(2026, 3, 4))
SITE_WITH_URL = SiteInfo("A knowledge base", "https://kb.example.org/early-years", "The editors", dt.date(2026, 3, 4))
CHANGED = cb.PageDate(dt.date(2025, 11, 30), True)


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    found = list(load_corpus(SITE_FIXTURE / "corpus").entries)
    return [*found, replace(found[0], id="odd", title="Pay & play: <the> “1001” days 1899")]


def test_page_reference_has_the_last_change_as_its_date_and_the_build_as_access(entries: list[Entry]) -> None:
    entry = next(e for e in entries if e.id == "co-location-what-it-achieves")
    item = to_csl(cb.page_reference(entry, SITE_WITH_URL, "findings/co-location-what-it-achieves/", CHANGED))
    assert item["type"] == "webpage" and item["author"] == [{"literal": "The editors"}]  # one name, not a person
    assert item["URL"] == "https://kb.example.org/early-years/findings/co-location-what-it-achieves/"
    assert item["issued"] == {"date-parts": [[2025]]} and item["accessed"] == {"date-parts": [[2026, 3, 4]]}
    unknown = to_csl(cb.page_reference(entry, SITE, "findings/co-location-what-it-achieves/"))
    assert unknown["issued"] == {"date-parts": [[2026]]} and unknown["URL"] == "findings/co-location-what-it-achieves/"


@pytest.mark.parametrize("site", [SITE, SITE_WITH_URL], ids=["relative", "site_url"])
@pytest.mark.parametrize("style", ["harvard", "apa"])
def test_templates_give_what_citeproc_gives(entries: list[Entry], site: SiteInfo, style: str) -> None:
    template = cb.page_templates(site)[style]
    for entry in entries:
        ref = cb.page_reference(entry, site, entry.url, CHANGED)
        ours = cb.filled(template, style, ref, site)
        assert plain(ours) == plain(render_items([to_csl(ref)], STYLES[style])[ref.key]), entry.id
        assert ("data-kb-url" in ours) == (not site.url), entry.id  # the reader's address only without site_url
    assert "1899" in plain(cb.filled(template, style, cb.page_reference(entries[-1], site, "x/", CHANGED), site))


def test_cite_box_marks_the_address_and_the_access_date(entries: list[Entry]) -> None:
    ref = cb.page_reference(entries[0], SITE, entries[0].url, CHANGED)
    box = cb.cite_box(ref, {s: cb.filled(t, s, ref, SITE) for s, t in cb.page_templates(SITE).items()}, SITE, CHANGED)
    assert 'data-kb-live-url="1"' in box and "site_url" not in box  # no note about the build to readers
    assert "Harvard (Cite Them Right):" in box and "APA 7:" in box and box.count('class="kb-copy" hidden') == 2
    assert f'Available at: <span data-kb-url>{entries[0].url}</span>' in box
    assert '<span data-kb-accessed="en-GB">4 March 2026</span>' in box
    assert 'urldate = {<span data-kb-accessed="iso">2026-03-04</span>}' in box
    assert 'Y2  - <span data-kb-accessed="ris">2026/03/04</span>' in box
    assert re.search(r'<span data-kb-accessed="csl">2026,\s+3,\s+4</span>', box)
    assert "Last changed 30 November 2025." in box and "kb-cite-nojs" in box
    # every format still reads as its client reads it, once the marks are gone
    text = re.sub(r"<[^>]+>", "", box)
    assert "@online{kb-" in text and "TY  - ELEC" in text and '"id": "kb-' in text
    unknown = cb.cite_box(ref, {}, SITE, cb.PageDate(SITE.date, False))
    assert "not recorded" in unknown and "the year this site was built (2026)" in unknown
    fixed = cb.cite_box(cb.page_reference(entries[0], SITE_WITH_URL, "x/"), {}, SITE_WITH_URL, CHANGED)
    assert "data-kb-url" not in fixed and "data-kb-live-url" not in fixed
    assert "https://kb.example.org/early-years/x/" in fixed and 'data-kb-accessed="iso"' in fixed


def test_the_knowledge_base_cites_itself_as_one_corporate_author() -> None:
    ref = cb.kb_reference(SITE_WITH_URL, CHANGED)
    assert ref.title == "A knowledge base" and ref.get("url") == "https://kb.example.org/early-years/"
    shown = cb.formatted(ref, SITE_WITH_URL)
    assert plain(shown["harvard"]) == ("The editors (2025) A knowledge base. Available at: "
                                       "https://kb.example.org/early-years/ (Accessed: 4 March 2026).")
    assert plain(shown["apa"]) == "The editors. (2025). A knowledge base. https://kb.example.org/early-years/"
    files = cb.kb_files(SITE_WITH_URL, CHANGED)
    entry = bibtexparser.parse_string(files[f"{cb.KB_FILE_STEM}.bib"]).entries[0]
    assert entry.entry_type == "online" and entry.fields_dict["author"].value == "{The editors}"
    record = rispy.loads(files[f"{cb.KB_FILE_STEM}.ris"])[0]
    assert record["authors"] == ["The editors"] and record["urls"] == ["https://kb.example.org/early-years/"]
    item = json.loads(files[f"{cb.KB_FILE_STEM}.json"])[0]
    assert item["author"] == [{"literal": "The editors"}] and item["issued"] == {"date-parts": [[2025]]}


def _git(repo: Path, *args: str, date: str = "2024-05-06T12:00:00") -> None:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin", "HOME": str(repo)}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_page_dates_from_git_and_the_working_tree(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    old, edited, new = corpus / "old.md", corpus / "edited.md", corpus / "new.md"
    old.write_text("a\n")
    edited.write_text("b\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first", date="2024-05-06T12:00:00")
    old.write_text("a2\n")
    _git(tmp_path, "commit", "-qam", "second", date="2025-01-02T12:00:00")
    edited.write_text("b2\n")  # changed since the last commit: its file's time
    new.write_text("c\n")
    dates = page_dates(tmp_path, corpus, [old, edited, new])
    today = dt.datetime.now(tz=dt.UTC).date()
    assert dates[old] == dt.date(2025, 1, 2)
    assert dates[edited] in (today, today - dt.timedelta(days=1)) and dates[new] == dates[edited]
    assert last_changes(tmp_path / "corpus", corpus)  # from a folder inside the repository too


def test_page_dates_without_git(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    assert last_changes(tmp_path, tmp_path / "corpus") == {}


def test_the_knowledge_bases_box_shows_its_version_and_a_pages_box_does_not() -> None:
    kb = cb.kb_reference(SITE)
    box = cb.cite_box(kb, {}, SITE, None, "Cite this knowledge base")
    assert f"Version {cb.kb_version()} " in box and cb.kb_version()
    page = cb.site_reference("kb-page", "A page", SITE, "https://x.example/p/", SITE.date, SITE.date)
    assert "kb-cite-version" not in cb.cite_box(page, {}, SITE, None)
