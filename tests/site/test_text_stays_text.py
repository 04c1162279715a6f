"""Unit checks of the escaping helpers and the body rules (the browser test checks the whole)."""

from __future__ import annotations

import html
import re

import markdown
import pytest
from markupsafe import Markup
from sitebuild import REPO

from indexer.corpus.html_rules import body_problems, url_scheme
from indexer.site.markup import html_text, md_text
from indexer.site.mdx_citations import tooltip_text
from indexer.site.render import THEME_DIR, tags_page

HOSTILE = 'Co-location <under five> & "families" </title><script>alert(1)</script>'


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "admonition", "def_list", "abbr"])


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "x {: onclick=alert(1) }",
        "- a list?",
        "1. an ordered list?",
        "~~~ a fence?",
        "!!! danger admonition?",
        '--8<-- "mkdocs.yml"',
        "AT&amp;T and &lt;b&gt;",
        "*emphasis* and [a link](javascript:alert(1)) and `code`",
    ],
)
def test_md_text_renders_as_the_text_itself(text: str) -> None:
    rendered = render(md_text(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    inner = rendered[3:-4]
    assert "<" not in inner, rendered
    assert html.unescape(inner) == " ".join(text.split())


def test_heading_from_md_text_takes_no_attribute_list() -> None:
    assert render("# " + md_text("Title {: onclick=alert(1) }")) == "<h1>Title {: onclick=alert(1) }</h1>"


def test_html_text_is_escaped_once() -> None:
    assert html_text(HOSTILE) == html.escape(HOSTILE, quote=True)
    assert "&amp;amp;" not in html_text("a & b")


def test_tooltip_text_survives_the_attribute_and_the_theme() -> None:
    """The serializer leaves entities alone; the browser decodes the attribute once and the
    theme's tooltip (innerHTML) a second time: the visitor must see the text itself."""
    from markdown.serializers import _escape_attrib_html  # type: ignore[attr-defined]

    attribute = _escape_attrib_html(tooltip_text(HOSTILE))
    shown = html.unescape(html.unescape(attribute))
    assert shown == HOSTILE


def _html_title(page: object) -> str:
    """The theme override's ``<title>`` (its ``htmltitle`` block over Material's) for ``page``."""
    from mkdocs.theme import Theme

    template = Theme(name="material", custom_dir=str(THEME_DIR)).get_env().get_template("main.html")
    context = template.new_context({"page": page, "config": {"site_name": "Site"}})
    return "".join(template.blocks["htmltitle"](context)).strip()


def test_html_title_is_put_back_escaped() -> None:
    """Material prints a heading's title with ``striptags``, which un-escapes it: the override
    escapes it again, so ``</title><script>`` stays text."""
    from types import SimpleNamespace

    title = Markup(html_text(HOSTILE))
    printed = Markup(str(title)).striptags()  # what Material prints
    page = SimpleNamespace(meta={}, title=title, is_homepage=False)
    assert _html_title(page) == f"<title>{html.escape(printed, quote=False)} - Site</title>"
    assert "</title><script>" not in _html_title(page)
    plain = SimpleNamespace(meta={}, title="Plain", is_homepage=False)
    assert _html_title(plain) == "<title>Plain - Site</title>"
    # a title the site step wrote into the front matter is escaped already: printed as it is
    written = SimpleNamespace(meta={"title": html_text(HOSTILE)}, title=title, is_homepage=False)
    assert _html_title(written) == f"<title>{html_text(HOSTILE)} - Site</title>"
    assert _html_title(SimpleNamespace(meta={}, title="Home", is_homepage=True)) == "<title>Site</title>"


def test_tags_page_descriptions_are_text() -> None:
    page = tags_page({"co-location": "Sharing <b>a</b> building & more"})
    assert "Sharing &lt;b&gt;a&lt;/b&gt; building &amp; more" in page


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        ("JaVaScRiPt&#58;x", "javascript"),
        ("java&#9;script:x", "javascript"),
        (" \x01javascript:x", "javascript"),
        ("//other.host/x", "//"),
        ("\\\\other.host/x", "//"),
        ("https://example.org/", "https"),
        ("../glossary/x.md#a", ""),
        ("#anchor", ""),
    ],
)
def test_url_scheme_as_the_browser_reads_it(url: str, scheme: str) -> None:
    assert url_scheme(url) == scheme


def test_code_and_escapes_are_not_html() -> None:
    body = "In code `<script>` and\n\n```html\n<iframe src=x></iframe>\n```\n\nescaped \\<div\\> and <https://example.org/>."
    assert body_problems(body) == []


def test_every_raw_tag_is_reported_at_its_offset() -> None:
    body = "One <b>bold</b> word."
    assert [offset for offset, _ in body_problems(body)] == [4, 11]


def test_search_page_scripts_never_write_html() -> None:
    """The Ask page shows passages and titles from the corpus: its scripts (and the site's own)
    set textContent only."""
    scripts = [*(REPO / "indexer" / "site" / "js").glob("*.js"), *(REPO / "docs" / "assets").glob("*.js")]
    assert len(scripts) >= 4
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write", text), script.name
