"""The pandoc citation parser shared by the checker, the index and the website."""

from __future__ import annotations

import pytest

from indexer.citations import CiteItem, cited_keys, parse_citations, replace_citations


def test_bracketed_with_locator() -> None:
    (c,) = parse_citations("As shown [@mcinnes2007practitioners, p. 21].")
    assert c.items == (CiteItem("mcinnes2007practitioners", locator="p. 21"),)
    assert not c.narrative and c.line == 1


def test_multiple_items_with_prefix() -> None:
    (c,) = parse_citations("[see @atkinson2002multiagency; @frost2005professionalism, pp. 3--4]")
    assert c.items == (
        CiteItem("atkinson2002multiagency", prefix="see"),
        CiteItem("frost2005professionalism", locator="pp. 3--4"),
    )


def test_narrative_with_and_without_locator() -> None:
    cites = parse_citations("@atkinson2002multiagency found it.\nLater @gasper2010what [p. 4] agreed.")
    assert [(c.keys, c.narrative, c.line, c.items[0].locator) for c in cites] == [
        (("atkinson2002multiagency",), True, 1, ""),
        (("gasper2010what",), True, 2, "p. 4"),
    ]


def test_suppress_author() -> None:
    (c,) = parse_citations("McInnes [-@mcinnes2007practitioners] says")
    assert c.items[0].suppress_author


@pytest.mark.parametrize(
    "text",
    [
        "write to info@example.org",
        "a [link](../glossary/x.md) only",
        "code `@notakey` here",
        "```\n[@fenced]\n```",
        "[not a citation]",
    ],
)
def test_not_citations(text: str) -> None:
    assert parse_citations(text) == []


def test_trailing_punctuation_is_not_part_of_key() -> None:
    assert cited_keys("As @smith2001a. And @jones2002b: yes") == ["smith2001a", "jones2002b"]


def test_replace_citations_keeps_surrounding_text() -> None:
    out = replace_citations("A [@a1] and @b2 end.", lambda c: "<" + ",".join(c.keys) + ">")
    assert out == "A <a1> and <b2> end."


def test_cited_keys_in_order_without_duplicates() -> None:
    assert cited_keys("[@b1; @a1] then @b1 and [@c1, p. 2]") == ["b1", "a1", "c1"]


def test_citation_followed_by_colon_is_a_citation() -> None:
    cites = parse_citations("Three reasons [@gasper2010what, p. 4]: first, second.")
    assert [(c.keys, c.items[0].locator) for c in cites] == [(("gasper2010what",), "p. 4")]


def test_link_reference_definition_is_not_a_citation() -> None:
    assert parse_citations("[@label]: https://example.org") == []
    assert [c.keys for c in parse_citations("Said so [@gasper2010what]: yes")] == [("gasper2010what",)]
