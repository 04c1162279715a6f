"""Small pure pieces of the site: escaping, dates, navigation, glossary letters, cited-in."""

from __future__ import annotations

from sitebuild import SITE_FIXTURE

from indexer.corpus.entries import load_corpus
from indexer.site.bibliography_page import cited_in
from indexer.site.glossary import expansion, letter_of
from indexer.site.markup import format_date, md_html, md_text
from indexer.site.nav import build_nav
from indexer.site.render import tags_page

CORPUS = load_corpus(SITE_FIXTURE / "corpus", display_root=SITE_FIXTURE)


def test_md_text_escapes_markdown_and_html() -> None:
    assert md_text("a *b* [c] <d> #e") == r"a \*b\* \[c\] &lt;d&gt; \#e"
    assert md_html("<i>A_b</i> *c*") == r"<i>A\_b</i> \*c\*"


def test_format_date() -> None:
    assert [format_date(d) for d in ("1989", "2004-11", "1989-11-16")] == ["1989", "November 2004", "16 November 1989"]


def test_glossary_letters_and_expansions() -> None:
    assert [letter_of(t) for t in ("Église", "1001 Days", "'quoted'")] == ["E", "#", "Q"]
    term = CORPUS.by_id()["common-assessment-framework"]
    assert expansion(term) == "Common Assessment Framework"


def test_nav_order_and_other_pages() -> None:
    nav = build_nav(list(CORPUS.entries), ["index.md", "about-sources.md", "contributing.md", "website.md"])
    titles = [next(iter(item)) if isinstance(item, dict) else item for item in nav]
    assert titles == [
        "Home", "About the sources", "Findings", "Practice strategies", "Procedures", "Timeline",
        "Glossary", "Case studies", "Source overviews", "Bibliography", "Tags", "For editors",
    ]
    # each kind by its index page: the menu does not list every entry (it would be most of every page)
    assert nav[5] == {"Timeline": "timeline/index.md"}
    assert nav[2] == {"Findings": "findings/index.md"}  # the fixture has no theme pages
    assert nav[-1] == {"For editors": ["contributing.md", "website.md"]}
    with_reader_page = build_nav(list(CORPUS.entries), ["index.md", "citing.md", "contributing.md"])
    assert with_reader_page[-2:] == [{"About this site": ["citing.md"]}, {"For editors": ["contributing.md"]}]


def test_cited_in_counts_body_citations_and_sources() -> None:
    citing = cited_in(CORPUS.entries)
    assert [e.id for e in citing["dfes2003keeping"]] == ["barriers-to-joint-working"]
    assert {e.id for e in citing["gasper2010what"]} >= {"co-location-what-it-achieves", "children-act-1989"}


def test_tags_page_uses_materials_listing() -> None:
    page = tags_page({"co-location": "Services sharing a building"})
    assert "<!-- material/tags -->" in page and "**co-location**: Services sharing a building" in page
