"""Build the fixture site with ``mkdocs build --strict`` and check what a student gets."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitebuild import SITE_FIXTURE, Build, build, copy_repository, make_project

from indexer.corpus.bibliography import load_bibliography

CITE_LINK_RE = re.compile(r'<a class="citation-ref" href="([^"]+)"')


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("src", "href"):
            if values.get(name) and not (tag == "a" and name == "href"):
                self.urls.append(str(values[name]))


def parse(html: str) -> _Collect:
    collector = _Collect()
    collector.feed(html)
    return collector


def pages(site: Path) -> list[Path]:
    """The site's pages; the printable edition (print/, one standalone page with links inside
    itself) has its own tests in test_themes_printable.py."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "print")


def page_url(site: Path, path: Path) -> str:
    return "http://site/" + path.relative_to(site).as_posix()


def test_strict_build_has_no_warnings(built_site: Build) -> None:
    assert built_site.returncode == 0, built_site.output
    assert "WARNING" not in built_site.output, built_site.output


def test_every_entry_has_a_page(built_site: Build) -> None:
    for md in (SITE_FIXTURE / "corpus").rglob("*.md"):
        folder, stem = md.parent.name, md.stem
        assert (built_site.site / folder / stem / "index.html").exists(), md


def test_no_raw_citation_survives(built_site: Build) -> None:
    for path in pages(built_site.site):
        text = re.sub(r"<code>.*?</code>", "", path.read_text(encoding="utf-8"), flags=re.S)
        assert "[@" not in text, path
        assert "\x02kbcite" not in text, path


def test_every_citation_link_hits_a_bibliography_anchor(built_site: Build) -> None:
    site = built_site.site
    anchors = parse((site / "bibliography" / "index.html").read_text(encoding="utf-8")).ids
    keys = set(load_bibliography(SITE_FIXTURE / "bibliography.bib").references)
    checked = 0
    for path in pages(site):
        for href in CITE_LINK_RE.findall(path.read_text(encoding="utf-8")):
            target = urlsplit(urljoin(page_url(site, path), href))
            assert target.path == "/bibliography/", (path, href)
            assert unquote(target.fragment) in anchors, (path, href)
            assert unquote(target.fragment) in keys
            checked += 1
    assert checked > 20


def test_finding_page(built_site: Build) -> None:
    html = built_site.html("findings/co-location-what-it-achieves")
    assert '<h1 id="co-location-what-it-achieves">Co-location: what it achieves' in html
    assert "<li><strong>Finding</strong></li>" in html and 'Theme: <a href="../#benefits">Benefits</a>' in html
    assert '<p class="kb-summary">Sharing a building' in html
    assert 'href="../../tags/#tag:co-location"' in html  # clickable tags (material's tags plugin)
    assert "Atkinson <i>et al.</i> (2002, p. 9)</a></span> found" in html
    related = html.split('id="related-entries"')[1].split('id="references"')[0]
    assert '<a href="../../glossary/lead-professional/">Lead professional</a>' in related
    assert '<a href="../../timeline/children-act-2004/">Children Act 2004</a>' in related
    references = html.split('<h2 id="references">')[1]
    assert references.count('class="kb-reference"') == 4


def test_edit_link_points_at_the_corpus_file(built_site: Build) -> None:
    html = built_site.html("findings/co-location-what-it-achieves")
    assert 'href="https://example.org/kb/edit/main/corpus/findings/co-location-what-it-achieves.md"' in html
    index = built_site.html("timeline")
    assert "/edit/main/" not in index  # a generated index page has no file to edit


def test_kind_specific_facts(built_site: Build) -> None:
    event = built_site.html("timeline/children-act-1989")
    assert "Date: <strong>16 November 1989</strong>" in event and "Type: Act" in event
    case = built_site.html("case-studies/family-of-five")
    assert "A fictional case" in case and "Place: A large estate" in case
    term = built_site.html("glossary/lead-professional")
    assert "Also known as: key worker" in term


def test_abbreviations_explained_on_every_page(built_site: Build) -> None:
    found = 0
    # (the tags index is mkdocs-material's own listing of page titles, not rendered Markdown)
    for path in [p for p in pages(built_site.site) if p.parent.name != "tags"]:
        text = path.read_text(encoding="utf-8")
        body = text.split('<article', 1)[-1].split("</article>", 1)[0]
        plain = re.sub(r"<abbr[^>]*>CAF</abbr>", "", body)
        plain = re.sub(r"<[^>]+>", " ", plain)
        if re.search(r"\bCAF\b", plain):
            raise AssertionError(f"{path}: CAF without its expansion")
        found += body.count('<abbr title="Common Assessment Framework">CAF</abbr>')
    assert found >= 3


def test_nav_reads_in_order(built_site: Build) -> None:
    html = built_site.html("")
    labels = ["Home", "About the sources", "Findings", "Practice strategies", "Procedures", "Timeline",
              "Glossary", "Case studies", "Source overviews", "Bibliography", "Tags"]
    nav = html.split('class="md-nav md-nav--primary"')[1]
    positions = [nav.find(f">{label}<") if f">{label}<" in nav else nav.find(label) for label in labels]
    assert all(p >= 0 for p in positions), dict(zip(labels, positions, strict=True))
    assert positions == sorted(positions)
    # the menu lists index pages, not entries: a page's HTML does not grow with the corpus
    assert "co-location-what-it-achieves" not in nav


def test_about_sources_lists_the_overviews(built_site: Build) -> None:
    html = built_site.html("about-sources")
    assert '<strong>March 2007</strong>: <a href="../sources/mcinnes-2007-review/">' in html


def test_offline_clean(built_site: Build) -> None:
    for path in pages(built_site.site):
        html = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, path
        for url in parse(html).urls:
            assert not re.match(r"^(https?:)?//", url), (path, url)


def test_no_material_search_index(built_site: Build) -> None:
    """Material's search plugin (lunr) is not used: the header's box is the kb's own."""
    assert not (built_site.site / "search" / "search_index.json").exists()
    assert "md-search" not in built_site.html("findings/co-location-what-it-achieves")


def test_nothing_generated_is_written_into_the_sources(built_site: Build) -> None:
    def files(folder: Path) -> set[str]:
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}

    assert files(built_site.project / "corpus") == files(SITE_FIXTURE / "corpus")
    assert files(built_site.project / "docs") - {f"assets/{n}" for n in ("kb.css", "kb-pages.css", "kb-box.css", "kb.js")} == files(SITE_FIXTURE / "docs")


def test_unknown_key_fails_the_strict_build_naming_file_and_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    broken = project / "corpus" / "findings" / "broken.md"
    broken.write_text(
        "---\nid: broken\ntitle: Broken\nkind: finding\ntheme: benefits\nsummary: S.\n"
        "sources: [frost2005professionalism]\ntags: [benefits]\n---\n\nFine [@frost2005professionalism].\n\n"
        "Not fine [@nosuch2000key, p. 3].\n",
        encoding="utf-8",
    )
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "corpus/findings/broken.md:13: unknown citation key '@nosuch2000key'" in result.output


def test_invalid_entry_is_reported_not_a_crash(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "corpus" / "glossary" / "bad.md").write_text("---\nid: bad\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert re.search(r"corpus/glossary/bad\.md:\d+: front matter is not valid YAML", result.output)
    assert "Traceback" not in result.output
    lenient = build(project, tmp_path / "site2", strict=False)
    assert lenient.returncode == 0
    assert (tmp_path / "site2" / "glossary" / "lead-professional" / "index.html").exists()


def test_unknown_key_in_a_hand_written_page_names_its_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "docs" / "index.md").write_text(
        "---\ntitle: Home\n---\n\n# Home\n\nSee [@frost2005professionalism].\n\nAnd [@nosuch1999key].\n", encoding="utf-8"
    )
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/index.md:9: unknown citation key '@nosuch1999key'" in result.output


def test_repository_site_builds_strict(tmp_path: Path) -> None:
    """The real corpus and bibliography: what CI's ``mkdocs build --strict`` sees (built from a
    copy, without the in-browser search, so that no index is built and nothing is written into
    the repository; test_search_browser.py builds the site with it)."""

    result = build(copy_repository(tmp_path / "project", semantic_search="false"), tmp_path / "site")
    assert result.returncode == 0, result.output
    assert "WARNING" not in result.output, result.output
    site = tmp_path / "site"
    anchors = parse((site / "bibliography" / "index.html").read_text(encoding="utf-8")).ids
    for path in pages(site):
        html = path.read_text(encoding="utf-8")
        assert "[@" not in re.sub(r"<code>.*?</code>", "", html, flags=re.S), path
        for href in CITE_LINK_RE.findall(html):
            target = urlsplit(urljoin(page_url(site, path), href))
            assert target.path == "/bibliography/" and unquote(target.fragment) in anchors, (path, href)
