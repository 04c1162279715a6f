"""No editor material on the pages readers see: source file names and hashes, draft files,
provenance keywords, "placeholder" wording, a Document chip, a chip repeating the title.

Checked on the text readers see (scripts and styles left out) of every built page except
those the menu puts under "For editors"; on the fixture site and on the real one."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sitebuild import Build, build, copy_repository

from indexer.site.nav import ABOUT_SOURCES_PAGE, HOME_PAGE, READER_PAGES

RESIDUE = {
    "a source file's name": re.compile(r"\b\d{3}_[0-9a-f]{16}(?:\.txt)?\b"),
    "the draft bibliography": re.compile(r"references-draft"),
    "a provenance keyword": re.compile(r"\bseed:\d{3}\b"),
    "a source document's number": re.compile(r"\b(?:source|document) 00\d\b", re.IGNORECASE),
    "editors' placeholder wording": re.compile(r"\bplaceholder\b", re.IGNORECASE),
    "a Document chip": re.compile(r"\bDocument:\s"),
    "a Heading chip": re.compile(r"\bHeading:\s"),
}
#: generated folders that are not pages (downloads, the search engine's files, the theme)
NOT_PAGES = ("assets", "kb-search", "search")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def editor_folders(project: Path) -> set[str]:
    """The built folders of the hand-written pages the menu puts under "For editors"."""
    readers = {HOME_PAGE, ABOUT_SOURCES_PAGE, *READER_PAGES}
    return {p.stem for p in (project / "docs").glob("*.md") if p.name not in readers}


def reader_pages(site: Path, project: Path) -> list[Path]:
    skip = editor_folders(project) | set(NOT_PAGES)
    return [p for p in sorted(site.rglob("*.html")) if p.relative_to(site).parts[0] not in skip]


def residue(site: Path, project: Path) -> list[str]:
    found = []
    for page in reader_pages(site, project):
        text = text_of(page.read_text(encoding="utf-8"))
        for what, pattern in RESIDUE.items():
            for match in pattern.finditer(text):
                context = text[max(0, match.start() - 40) : match.end() + 40]
                found.append(f"{page.relative_to(site)}: {what}: ...{context}...")
    return found


def test_fixture_site_reader_pages_carry_no_editor_material(built_site: Build) -> None:
    assert built_site.returncode == 0, built_site.output
    pages = reader_pages(built_site.site, built_site.project)
    assert len(pages) > 10 and any("sources" in p.parts for p in pages)
    assert residue(built_site.site, built_site.project) == []


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("reader-pages")
    result = build(copy_repository(root / "project", semantic_search="false"), root / "site")
    assert result.returncode == 0, result.output
    return result


def test_real_site_reader_pages_carry_no_editor_material(real_site: Build) -> None:
    assert residue(real_site.site, real_site.project) == []


def test_real_bibliography_order_has_no_placeholder(real_site: Build) -> None:
    page = text_of(real_site.html("bibliography"))
    listed, _, apart = page.partition("Works cited but not identified")
    assert apart and "[Unidentified" not in page
    assert "Smith and Coates (2003). A work on joint training" in apart
    assert "Smith and Coates" not in listed.split("Download the whole bibliography")[-1]


def test_real_site_menu_keeps_editor_pages_apart(real_site: Build) -> None:
    home = real_site.html("")
    menu = home[home.index('class="md-nav md-nav--primary"') :]
    editors, reader = menu.index("For editors"), menu.index("About this site")
    assert reader < editors
    assert menu.index('contributing/"') > editors and menu.index('citing/"') < editors


_REFERENCE_RE = re.compile(r'<p class="kb-reference" id="ref-[^"]+">(.*?)</p>', re.S)
_TOOLTIP_RE = re.compile(r'<a class="citation-ref" href="[^"]*" title="([^"]*)"')


def test_real_reference_lists_have_no_placeholder_titles(real_site: Build) -> None:
    """A work nobody could identify is described in words at the foot of the pages citing it
    (and in their citations' tooltips), never by the editors' bracketed placeholder title."""
    seen = 0
    for path in real_site.site.rglob("index.html"):
        html = path.read_text(encoding="utf-8")
        for found in (*_REFERENCE_RE.findall(html), *_TOOLTIP_RE.findall(html)):
            assert not re.search(r"\[(?:Unidentified|Unspecified) ", found), (path, found)
            seen += "could be identified" in found or "Not identified." in found
    assert seen >= 5  # the pages that cite such works say so
