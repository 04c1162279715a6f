"""Citing from the website: downloads, the export control, "Cite this page", COinS and
the citation_* meta tags, as pure functions and in the built fixture site."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import bibtexparser
import pytest
import rispy
from sitebuild import REPO, SITE_FIXTURE, Build, build, make_project

from indexer.cite.csl import csl_name, csl_type, to_csl
from indexer.cite.export import entry_keys
from indexer.corpus.bibliography import clean, is_corporate, load_bibliography, split_names
from indexer.corpus.entries import load_corpus
from indexer.site import export_assets as ea

SITE = ea.SiteInfo("A knowledge base", "", "Editors of A knowledge base", dt.date(2026, 3, 4))
SITE_WITH_URL = ea.SiteInfo("A knowledge base", "https://kb.example.org/early-years", "The editors", dt.date(2026, 3, 4))
#: CSL type -> the Zotero item type a COinS span must give
ZOTERO_TYPE = {
    "book": "book",
    "chapter": "bookSection",
    "report": "report",
    "article-journal": "journalArticle",
    "webpage": "webpage",
    "legislation": "statute",
    "document": "document",
}


def zotero_item(context_object: str) -> dict[str, object]:
    """What Zotero's OpenURL parser (``Zotero.OpenURL.parseContextObject``) reads from a
    COinS title: its item type rules, and creators, title, date, pages."""
    parts = context_object.split("&")
    pairs = [(p.split("=", 1)[0], unquote(p.split("=", 1)[1].replace("+", " "))) for p in parts]
    fmt = dict(pairs).get("rft_val_fmt")
    if fmt == "info:ofi/fmt:kev:mtx:journal":
        kind = "journalArticle"
    elif fmt == "info:ofi/fmt:kev:mtx:book":
        genre = {"rft.genre=bookitem": "bookSection", "rft.genre=report": "report", "rft.genre=proceeding": "conferencePaper"}
        kind = next((genre[p] for p in parts if p in genre), "book")
    elif fmt == "info:ofi/fmt:kev:mtx:dissertation":
        kind = "thesis"
    elif fmt == "info:ofi/fmt:kev:mtx:dc":
        kind = dict(pairs).get("rft.type", "webpage")
    else:
        raise AssertionError(f"no item type: {context_object}")
    item: dict[str, object] = {"itemType": kind, "creators": []}
    # zotero/utilities openurl.js: rft.au/rft.contributor are pushed in order (split at a comma);
    # rft.aulast/rft.aufirst build "complex" creators spliced back at their offsets; rft.aucorp
    # has no offset, so it lands first
    creators: list[dict[str, str]] = []
    complex_au: list[dict[str, object]] = []
    for key, value in pairs:
        if key in ("rft.au", "rft.contributor"):
            last, _, first = value.partition(",")
            role = "contributor" if key == "rft.contributor" else "author"
            creators.append({"lastName": last.strip(), "firstName": first.strip(), "creatorType": role})
        elif key == "rft.aulast":
            if complex_au and not complex_au[-1].get("lastName"):
                complex_au[-1]["lastName"] = value
            else:
                complex_au.append({"lastName": value, "creatorType": "author", "offset": len(creators)})
        elif key == "rft.aufirst":
            if complex_au and not complex_au[-1].get("firstName"):
                complex_au[-1]["firstName"] = value
            else:
                complex_au.append({"firstName": value, "creatorType": "author", "offset": len(creators)})
        elif key == "rft.aucorp":
            complex_au.append({"lastName": value, "institution": "1", "offset": 0})
        elif (
            (key == "rft.btitle" and kind in ("book", "report"))
            or (key == "rft.atitle" and kind in ("journalArticle", "bookSection"))
            or (key == "rft.title" and kind not in ("journalArticle", "bookSection"))
        ):
            item["title"] = value
        elif key == "rft.date":
            item["date"] = value
        elif key == "rft.pages":
            item["pages"] = value
        elif key == "rft_id" and value.startswith("http"):
            item["url"] = value
    for inserted, au in enumerate(complex_au):
        offset = int(str(au.pop("offset")))
        creators.insert(offset + inserted, {k: str(v) for k, v in au.items()})
    item["creators"] = creators
    return item


@pytest.mark.parametrize("bib_path", [REPO / "bibliography.bib", SITE_FIXTURE / "bibliography.bib"])
def test_coins_give_zotero_the_right_item_types(bib_path: Path) -> None:
    bib = load_bibliography(bib_path)
    seen = set()
    for ref in bib.references.values():
        item = zotero_item(ea.coins(ref))
        assert item["itemType"] == ZOTERO_TYPE[csl_type(ref)], ref.key
        seen.add(item["itemType"])
        assert item["title"] == ref.title, ref.key
        assert str(item["date"]).startswith(ref.year)
        names = split_names(ref.fields.get("author", ""))
        editors = split_names(ref.fields.get("editor", ""))
        creators = item["creators"]
        assert isinstance(creators, list) and len(creators) == len(names) + len(editors), ref.key
        # the authors in their order, whole, then the editors (Zotero: contributors)
        for name, creator in zip(names, creators, strict=False):
            assert creator["creatorType"] == "author"
            if is_corporate(name):  # a corporate author stays whole, in its place
                assert creator == {"lastName": clean(name), "creatorType": "author"}, ref.key
            else:
                assert creator["lastName"] == csl_name(name).get("family", clean(name)), (ref.key, name)
                assert creator.get("firstName") or len(clean(name).split()) == 1, (ref.key, name)  # "Fitzgerald"
        for name, creator in zip(editors, creators[len(names):], strict=True):
            assert creator["creatorType"] == "contributor" and creator["lastName"] == csl_name(name)["family"]
        if ref.get("url"):
            assert item["url"] == ref.get("url")
        if ref.get("pages"):
            assert item["pages"] == ref.get("pages").replace("–", "-")
    if bib_path.parent == REPO:
        assert {"book", "bookSection", "report", "journalArticle", "webpage", "statute"} <= seen


def test_page_reference_is_a_web_page_with_the_build_date() -> None:
    entry = load_corpus(SITE_FIXTURE / "corpus").by_id()["co-location-what-it-achieves"]
    ref = ea.page_reference(entry, SITE_WITH_URL, "findings/co-location-what-it-achieves/")
    item = to_csl(ref)
    assert item["type"] == "webpage"
    assert item["author"] == [{"literal": "The editors"}]
    assert item["URL"] == "https://kb.example.org/early-years/findings/co-location-what-it-achieves/"
    assert item["accessed"] == {"date-parts": [[2026, 3, 4]]}
    relative = ea.page_reference(entry, SITE, "findings/co-location-what-it-achieves/")
    assert relative.get("url") == "findings/co-location-what-it-achieves/"


@pytest.mark.parametrize("site", [SITE, SITE_WITH_URL], ids=["relative", "site_url"])
def test_page_citation_template_gives_what_citeproc_gives(site: ea.SiteInfo) -> None:
    from dataclasses import replace

    from indexer.cite.citestyle import render_items

    entries = list(load_corpus(SITE_FIXTURE / "corpus").entries)
    entries.append(replace(entries[0], id="odd", title="Pay & play: <the> “1001” days"))
    template = ea.page_citation_template(entries[0], site)
    for entry in entries:
        ref = ea.page_reference(entry, site, entry.url)
        assert ea.page_citation_html(template, ref) == render_items([to_csl(ref)])[ref.key], entry.id


def test_cite_box_says_when_the_address_is_relative() -> None:
    entry = load_corpus(SITE_FIXTURE / "corpus").by_id()["co-location-what-it-achieves"]
    ref = ea.page_reference(entry, SITE, "findings/co-location-what-it-achieves/")
    box = ea.cite_box(ref, "Harvard text", SITE)
    assert "built without <code>site_url</code>" in box
    assert "@online{kb-co-location-what-it-achieves," in box and "TY  - ELEC" in box
    assert "Accessed 4 March 2026" in box
    absolute = ea.cite_box(ea.page_reference(entry, SITE_WITH_URL, "findings/x/"), "Harvard text", SITE_WITH_URL)
    assert "site_url" not in absolute


def test_highwire_meta_for_the_page() -> None:
    entry = load_corpus(SITE_FIXTURE / "corpus").by_id()["co-location-what-it-achieves"]
    ref = ea.page_reference(entry, SITE_WITH_URL, "findings/co-location-what-it-achieves/")
    meta = ea.highwire_meta(ref, SITE_WITH_URL, ["co-location", "benefits"])
    assert '<meta name="citation_title" content="Co-location: what it achieves">' in meta
    # no fake person: Zotero would split the corporate editors into a first and a last name
    assert "citation_author" not in meta
    assert '<meta name="citation_publisher" content="A knowledge base">' in meta
    assert '<meta name="citation_publication_date" content="2026/03/04">' in meta
    assert ('<meta name="citation_public_url" '
            'content="https://kb.example.org/early-years/findings/co-location-what-it-achieves/">') in meta
    assert '<meta name="citation_keywords" content="co-location; benefits">' in meta
    assert '<meta property="og:type" content="website">' in meta  # Zotero: a web page, not an article
    assert "citation_public_url" not in ea.highwire_meta(ref, SITE, [])


def test_abbreviations_in_text_not_in_tags() -> None:
    out = ea.with_abbreviations('<a href="/CAF/" title="CAF">the CAF form</a>', {"CAF": "Common Assessment Framework"})
    assert out == '<a href="/CAF/" title="CAF">the <abbr title="Common Assessment Framework">CAF</abbr> form</a>'


# -- the built site ------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.downloads: dict[str, str] = {}
        self.coins: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "download" in a and "data-format" in a:
            self.downloads[a["data-format"]] = a["href"]
        if tag == "span" and a.get("class") == "Z3988":
            self.coins.append(a["title"])
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[a.get("name") or a.get("property", "")] = a.get("content", "")


def test_site_offers_the_whole_bibliography(built_site: Build) -> None:
    assert built_site.returncode == 0, built_site.output
    folder = built_site.site / "bibliography"
    bib = load_bibliography(SITE_FIXTURE / "bibliography.bib")
    parsed = bibtexparser.parse_string((folder / "references.bib").read_text(encoding="utf-8"))
    assert [e.key for e in parsed.entries] == list(bib.references)
    assert [r["id"] for r in rispy.loads((folder / "references.ris").read_text(encoding="utf-8"))] == list(bib.references)
    assert [i["id"] for i in json.loads((folder / "references.json").read_text(encoding="utf-8"))] == list(bib.references)
    page = built_site.html("bibliography")
    for name in ("references.bib", "references.ris", "references.json"):
        assert re.search(rf'<a download(="")? href="{name}">', page) or f'href="{name}"' in page, name
    assert not (REPO / "docs" / "bibliography").exists()  # generated into the site, never into docs/


def test_entry_page_exports_its_references(built_site: Build) -> None:
    corpus = load_corpus(SITE_FIXTURE / "corpus")
    bib = load_bibliography(SITE_FIXTURE / "bibliography.bib")
    for entry in corpus.entries:
        html = built_site.html(entry.path_id)
        links = _Links()
        links.feed(html)
        keys = [k for k in entry_keys(entry) if k in bib]
        assert set(links.downloads) == {"bibtex", "ris", "csljson"}, entry.path_id
        folder = built_site.site / entry.path_id
        for href in links.downloads.values():
            assert (folder / href).is_file(), (entry.path_id, href)
        exported = bibtexparser.parse_string((folder / "references.bib").read_text(encoding="utf-8"))
        assert [e.key for e in exported.entries] == keys, entry.path_id
        assert [i["id"] for i in json.loads((folder / "references.json").read_text(encoding="utf-8"))] == keys
        assert [zotero_item(unescape(t))["title"] for t in links.coins] == [bib[k].title for k in keys]
        assert links.meta["citation_title"] == entry.title
        assert "citation_author" not in links.meta  # no fake person (a corporate name Zotero would split)
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", links.meta["citation_publication_date"])
        assert links.meta["og:type"] == "website"
        assert 'id="cite-this-page"' in html and "Cite this page" in html
        assert f"Available at: {entry.url}" in html  # no site_url: the relative address...
        assert "built without <code>site_url</code>" in html  # ...and the page says so


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_site_url_makes_absolute_page_addresses(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nsite_url: https://kb.example.org/early-years/\n",
                      encoding="utf-8")
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.output
    html = done.html("findings/co-location-what-it-achieves")
    url = "https://kb.example.org/early-years/findings/co-location-what-it-achieves/"
    assert f'<meta name="citation_public_url" content="{url}">' in html
    assert f"Available at: <a href=\"{url}\">{url}</a>" in html
    assert "site_url" not in html.split('id="cite-this-page"', 1)[1]
    assert f"url = {{{url}}}" in html and f"UR  - {url}" in html


def test_no_exports_when_turned_off(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("      bibliography: bibliography.bib\n",
                                                      "      bibliography: bibliography.bib\n      export: false\n")
    config.write_text(text, encoding="utf-8")
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.output
    assert not (done.site / "bibliography" / "references.bib").exists()
    html = done.html("findings/co-location-what-it-achieves")
    assert "cite-this-page" not in html and "citation_title" not in html


def test_site_search_does_not_index_the_citing_blocks(built_site: Build) -> None:
    """Material's page index (which took in the "Cite this page" blocks) is not built; the
    site's search reads the corpus's chunks, which hold none of them."""
    from indexer.search.chunking import chunk_corpus

    assert not (built_site.site / "search" / "search_index.json").exists()
    bib = load_bibliography(SITE_FIXTURE / "bibliography.bib")
    chunks = chunk_corpus(list(load_corpus(SITE_FIXTURE / "corpus").entries), bib.references, lambda t: len(t.split()))
    assert chunks
    for chunk in chunks:
        assert "Cite this page" not in chunk.text and "Export the" not in chunk.text, chunk.id
        assert "@misc{kb-" not in chunk.text, chunk.id
