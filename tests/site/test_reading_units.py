"""The reading experience's pure parts: kinds of evidence, the glossary previews' data, the
timeline's overview by decade."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from sitebuild import REPO, SITE_FIXTURE

from indexer.corpus.bibliography import load_bibliography
from indexer.corpus.entries import load_corpus
from indexer.problems import KBError
from indexer.site.evidence import (
    KIND_BY_ID,
    Rule,
    derived_kind,
    entry_evidence,
    evidence_block,
    kind_of,
    load_table,
)
from indexer.site.glossary import glossary_data
from indexer.site.pages import entry_page
from indexer.site.timeline import by_decade, event_sort_key, overview, timeline_page

CORPUS = load_corpus(SITE_FIXTURE / "corpus", display_root=SITE_FIXTURE)
BIB = load_bibliography(SITE_FIXTURE / "bibliography.bib")


# -- kinds of evidence ---------------------------------------------------------------------


def test_kinds_derived_from_the_bibliography_fields() -> None:
    assert derived_kind(BIB["greatbritain2004children"]) == "policy"  # keywords: legislation
    assert derived_kind(BIB["sloper2004facilitators"]) == "research"  # an article
    assert derived_kind(BIB["atkinson2002multiagency"]) == "research"  # a research report
    assert derived_kind(BIB["gasper2010what"]) == "commentary"  # a chapter
    ref = BIB["atkinson2002multiagency"]
    review = replace(ref, fields={**ref.fields, "title": "Interagency Collaboration: A Review of the Literature"})
    assert derived_kind(review) == "review"


def test_the_table_wins_and_a_locator_names_a_part() -> None:
    table = {
        "mcinnes2007practitioners": Rule(
            "review", "literature review", (("sec. 6", Rule("consultation", "a small group")),)
        )
    }
    ref = BIB["mcinnes2007practitioners"]
    assert kind_of(ref, table) == (KIND_BY_ID["review"], "literature review")
    assert kind_of(ref, table, "sec. 6") == (KIND_BY_ID["consultation"], "a small group")
    assert kind_of(ref, table, "sec. 5") == (KIND_BY_ID["review"], "literature review")


def test_the_repository_table_names_real_keys_and_kinds() -> None:
    table = load_table()
    bib = load_bibliography(REPO / "bibliography.bib")
    assert set(table) <= set(bib.references), set(table) - set(bib.references)
    assert table["mcinnes2007practitioners"].kind == "review"
    assert dict(table["mcinnes2007practitioners"].locators)["sec. 6"].kind == "consultation"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[k]\nkind = "excellent"\n', "kind 'excellent' is not one of"),
        ('[k]\nkind = "review"\nstrength = 5\n', "unknown field(s): strength"),
        ("[k\n", "evidence.toml"),
    ],
)
def test_a_bad_table_names_its_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "evidence.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KBError, match=re.escape(message)):
        load_table(path)


def test_a_findings_evidence_by_kind_with_dates() -> None:
    finding = CORPUS.by_id()["co-location-what-it-achieves"]
    groups = entry_evidence(finding, BIB, {})
    kinds = {g.kind.id: [item.key for item in g.items] for g in groups}
    cited = set(finding.sources) | set(re.findall(r"@([A-Za-z0-9_:-]+)", finding.body))
    assert {key for keys in kinds.values() for key in keys} == cited & set(BIB.references)
    order = [g.kind.id for g in groups]
    assert order == sorted(order, key=list(KIND_BY_ID).index)
    for group in groups:
        years = sorted(item.year for item in group.items)
        assert group.years == (years[0] if years[0] == years[-1] else f"{years[0]}–{years[-1]}")


def test_the_marker_links_each_kind_to_about_the_sources_and_cites_each_work() -> None:
    finding = CORPUS.by_id()["co-location-what-it-achieves"]
    table = {"gasper2010what": Rule("commentary", "textbook *chapter*")}
    groups = entry_evidence(finding, BIB, table)
    text = "\n".join(evidence_block(groups))
    for group in groups:
        assert f"(/about-sources.md#evidence-{group.kind.id})" in text
        for item in group.items:
            assert f"[@{item.key}]" in text
    assert r"textbook \*chapter\*" in text  # notes are text, not Markdown
    assert not re.search(r"\b(strong|weak|rating|score)\b", text, re.I)
    anchors = set(re.findall(r"\{#(evidence-[a-z-]+)\}", (REPO / "docs" / "about-sources.md").read_text("utf-8")))
    assert {f"evidence-{k}" for k in KIND_BY_ID} == anchors


def test_only_findings_get_the_marker() -> None:
    by_id = CORPUS.by_id()
    finding = by_id["co-location-what-it-achieves"]
    assert 'class="kb-evidence"' in entry_page(finding, by_id, "x.md", BIB)
    assert 'class="kb-evidence"' not in entry_page(finding, by_id, "x.md")
    term = by_id["common-assessment-framework"]
    assert 'class="kb-evidence"' not in entry_page(term, by_id, "x.md", BIB)


# -- the glossary previews' data ------------------------------------------------------------


def test_glossary_data_is_plain_text_per_term() -> None:
    terms = CORPUS.of_kind("term")
    data = json.loads(glossary_data(terms))
    rows = {row["url"]: row for row in data["terms"]}
    assert set(rows) == {t.url for t in terms}
    caf = rows["glossary/common-assessment-framework/"]
    assert caf["abbr"] == "CAF" and caf["title"] == "Common Assessment Framework (CAF)"
    assert caf["definition"] == " ".join(CORPUS.by_id()["common-assessment-framework"].summary.split())


def test_glossary_data_keeps_markup_as_written() -> None:
    term = replace(CORPUS.by_id()["lead-professional"], title="<b>LP</b> & co", summary="a <script>x</script>")
    row = json.loads(glossary_data([term]))["terms"][0]
    assert (row["title"], row["definition"]) == ("<b>LP</b> & co", "a <script>x</script>")


# -- the timeline's overview ---------------------------------------------------------------


def test_overview_counts_each_decade_and_links_its_heading() -> None:
    events = sorted(CORPUS.of_kind("event"), key=event_sort_key)
    decades = by_decade(events)
    html = overview(decades)
    found = re.findall(
        r'href="#(decade-\d+)"><span class="kb-overview__decade">(\d+)s</span> '
        r'<span class="kb-overview__count">(\d+)</span>',
        html,
    )
    assert [(a, int(d), int(n)) for a, d, n in found] == [
        (f"decade-{d}", d, len(group)) for d, group in decades.items()
    ]
    page = timeline_page(events, CORPUS.by_id())
    assert page.index('class="kb-overview"') < page.index('class="kb-filter"')
    for anchor, _, _ in found:
        assert f"{{#{anchor} .kb-decade}}" in page
    assert 'role="status"' in page
