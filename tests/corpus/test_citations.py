"""The pandoc citation parser shared by the checker, the index and the website."""

from __future__ import annotations

import pytest

from indexer.corpus.citations import CiteItem, cited_keys, parse_citations, replace_citations


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


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("x\n[@ key]", 2, "malformed citation: no key after '@' in '@ key' (write @key, with no space)"),
        ("[@key, p. 4 and on\n\nnext [@b]", 1, "citation is not closed: '[@key, p. 4 and on' has no ']'"),
        ("[@key, ]", 1, "malformed citation: empty locator after '@key,' (give a page, e.g. p. 21, or drop the comma)"),
        ("[@key, p. ]", 1, "malformed citation: locator 'p.' of '@key' has no page number"),
        ("[@key, pp. zz--]", 1,
         "malformed citation: locator 'pp. zz--' of '@key' is not a page or page range (e.g. p. 21, pp. 3–4)"),
        ("[@a, cited in @b]", 1, "malformed citation: '@b' inside the locator of '@a': cite both as [@a; @b]"),
        ("[see @a; and others]", 1,
         "malformed citation: 'and others' has no @key (each part between ';' cites one work)"),
    ],
)
def test_malformed_citations_are_errors_at_their_line(text: str, line: int, message: str) -> None:
    from indexer.corpus.citations import citation_errors

    assert [(e.line, e.message) for e in citation_errors(text)] == [(line, message)]


@pytest.mark.parametrize(
    "text",
    [
        "[@a, p. 21] [@b, pp. 3–4, 7] [@c, pp. 3--4] [@d, sec. 5] [@e, table 5.1a] [@f, pp. iv--x]",
        "[see @a; @b, secs. 4–5] and @c [p. 9] said",
        "a [link](x.md) and [text] and `[@ code]` and info@example.org",
        "```\n[@key, p. 4\n```",
    ],
)
def test_well_formed_text_has_no_citation_errors(text: str) -> None:
    from indexer.corpus.citations import citation_errors

    assert citation_errors(text) == []


def test_line_numbers_are_kept_in_long_texts() -> None:
    body = "".join(f"Para {i} [@k{i}, p. {i}].\n\n" for i in range(2000))
    cites = parse_citations(body)
    assert [c.line for c in cites[:3]] == [1, 3, 5] and cites[-1].line == 3999
