"""The citations Markdown extension, used through plain Python-Markdown (no MkDocs)."""

from __future__ import annotations

import logging
from pathlib import Path

import markdown
import pytest

SITE_BIB = Path(__file__).parent.parent / "fixtures" / "site" / "bibliography.bib"


def render(text: str, **config: object) -> str:
    options = {"bibliography": str(SITE_BIB), "bibliography_url": "/bib.html", **config}
    return markdown.markdown(
        text,
        extensions=["indexer.site.mdx_citations", "tables"],
        extension_configs={"indexer.site.mdx_citations": options},
    )


def text_of(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("[@mcinnes2007practitioners]", "(McInnes, 2007)"),
        ("[@mcinnes2007practitioners, p. 21]", "(McInnes, 2007, p. 21)"),
        ("[see @atkinson2002multiagency; @frost2005professionalism]", "(see Atkinson et al., 2002; Frost, 2005)"),
        ("@atkinson2002multiagency found", "Atkinson et al. (2002) found"),
        ("@atkinson2002multiagency [p. 9] found", "Atkinson et al. (2002, p. 9) found"),
        ("[-@mcinnes2007practitioners]", "(2007)"),
        ("[@dfes2003every; @dfes2003keeping]", "(Department for Education and Skills, 2003a; Department for Education and Skills, 2003b)"),
    ],
)
def test_forms_of_the_contributing_guide(source: str, shown: str) -> None:
    html = render(f"X {source} Y.")
    first_paragraph = html.split("<h2")[0]
    assert text_of(first_paragraph).strip() == f"X {shown} Y."


def test_link_and_hover_preview() -> None:
    html = render("As [@frost2005professionalism, p. 3] says.")
    assert (
        '<a class="citation-ref" href="/bib.html#frost2005professionalism" '
        'title="Frost, N. (2005) Professionalism, Partnership and Joined-Up Thinking. '
        'Dartington: Research in Practice.">Frost, 2005, p. 3</a>'
    ) in html


def test_references_at_the_foot_in_bibliography_order() -> None:
    html = render("[@mcinnes2007practitioners] and [@atkinson2002multiagency] and [@mcinnes2007practitioners].")
    _head, refs = html.split('<h2 id="references">References</h2>')
    assert "kb-references" in refs
    assert refs.index("ref-atkinson2002multiagency") < refs.index("ref-mcinnes2007practitioners")
    assert refs.count('class="kb-reference"') == 2
    assert "<i>Multi-Agency Working: A Detailed Study</i>" in refs


def test_no_references_section_without_citations() -> None:
    assert "References" not in render("No citations here, e-mail me@example.org.")


def test_code_is_not_touched() -> None:
    html = render("Use `[@mcinnes2007practitioners]` to cite.\n\n```\n[@frost2005professionalism]\n```\n")
    assert "<code>[@mcinnes2007practitioners]</code>" in html
    assert "[@frost2005professionalism]" in html
    assert "References" not in html


def test_citation_in_a_table_cell() -> None:
    html = render("| a | b |\n|---|---|\n| [@frost2005professionalism] | x |\n")
    assert "<td><span class=\"citation\">(" in html


def test_unknown_key_names_file_and_line(caplog: pytest.LogCaptureFixture) -> None:
    text = "# T\n\n<!-- kb-source: corpus/findings/x.md:10 -->\nFirst line.\nSecond [@nosuch2000key] line.\n"
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.kb.citations"):
        html = render(text)
    assert [r.getMessage() for r in caplog.records] == ["corpus/findings/x.md:11: unknown citation key '@nosuch2000key'"]
    assert "[@" not in html and "@nosuch2000key?" in html


def test_unknown_key_without_marker_uses_source_option(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        render("a\n\n[@frost2005professionalizm]", source="notes.md")
    (record,) = caplog.records
    assert record.getMessage().startswith("notes.md:3: unknown citation key '@frost2005professionalizm' (did you mean frost2005professionalism")


def test_missing_bibliography_is_reported_not_a_crash(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        html = render("[@a2000b]", bibliography=str(tmp_path / "none.bib"))
    assert "bibliography file not found" in caplog.text
    assert "@a2000b?" in html
