"""The passages file (``chunk.chunks_bytes``, ``chunk.ChunkTable``) and the stored roles
(``passages.StoredRoles``): one passage a line, decoded only when read."""

from __future__ import annotations

import json

import pytest

from indexer.search.chunk import Chunk, ChunkFormatError, ChunkTable, CitationRef, chunks_bytes
from indexer.search.passages import StoredRoles


def _chunk(n: int, text: str = "") -> Chunk:
    path_id = f"findings/entry-{n // 2}"
    anchor = "" if n % 2 == 0 else f"part-{n}"
    return Chunk(
        id=path_id + (f"#{anchor}" if anchor else ""), path_id=path_id, kind="finding", title=f"Entry {n // 2}",
        section_path=(f"Part {n}",) if anchor else (), anchor=anchor, url=f"{path_id}/", tags=("a",), year=None,
        text=text or f"Passage {n}, with \"quotes\",\nnewlines\u2028and é.",
        citations=(CitationRef("key2007", "Author", "2007a", "A title"),),
    )


CHUNKS = [_chunk(n) for n in range(6)]


def test_the_file_is_json_with_one_passage_a_line_and_reads_back_equal() -> None:
    data = chunks_bytes(CHUNKS)
    assert [Chunk.from_dict(c) for c in json.loads(data)] == CHUNKS  # still one JSON array
    assert data.count(b"\n") == len(CHUNKS) + 2
    table = ChunkTable(data, [c.id for c in CHUNKS])
    assert len(table) == 6 and list(table) == CHUNKS
    assert table[-1] == CHUNKS[-1] and table[1:3] == CHUNKS[1:3]
    with pytest.raises(IndexError):
        table[6]


def test_an_empty_table_reads_back_empty() -> None:
    assert list(ChunkTable(chunks_bytes([]), [])) == []


def test_only_the_passages_read_are_decoded() -> None:
    lines = chunks_bytes(CHUNKS).split(b"\n")
    lines[4] = b'{"id": "not a passage"},'  # shaped like one, but not one
    table = ChunkTable(b"\n".join(lines), [c.id for c in CHUNKS])
    assert table[0] == CHUNKS[0] and table[5] == CHUNKS[5]
    with pytest.raises(ChunkFormatError, match="line 5: KeyError"):
        table[3]


def test_by_id_finds_a_passage_and_none_for_an_unknown_id() -> None:
    table = ChunkTable(chunks_bytes(CHUNKS), [c.id for c in CHUNKS])
    assert table.by_id(CHUNKS[3].id) == CHUNKS[3]
    assert table.by_id("findings/nowhere") is None
    assert ChunkTable.of(CHUNKS).by_id(CHUNKS[2].id) == CHUNKS[2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d[: len(d) // 2], "not a JSON array with one passage a line"),
        (lambda d: d.replace(b"\n", b"", 1), "not a JSON array with one passage a line"),
    ],
)
def test_a_file_of_another_shape_is_refused_on_loading(change, message: str) -> None:
    with pytest.raises(ChunkFormatError, match=message):
        ChunkTable(change(chunks_bytes(CHUNKS)), [c.id for c in CHUNKS])


def test_a_line_of_another_shape_is_refused_when_read() -> None:
    table = ChunkTable(chunks_bytes(CHUNKS).replace(b"},\n", b"}\n", 1), [c.id for c in CHUNKS])
    assert table[1] == CHUNKS[1]
    with pytest.raises(ChunkFormatError, match="line 2 is not one passage"):
        table[0]


def test_the_manifest_ids_are_checked_count_and_order() -> None:
    data = chunks_bytes(CHUNKS)
    with pytest.raises(ChunkFormatError, match="6 passages, the manifest 5"):
        ChunkTable(data, [c.id for c in CHUNKS[:5]])
    swapped = [c.id for c in CHUNKS]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    table = ChunkTable(data, swapped)
    with pytest.raises(ChunkFormatError, match="line 2 is passage 'findings/entry-0', the manifest's"):
        table[0]


def test_errors_are_made_by_the_callers_factory() -> None:
    class Damaged(Exception):
        pass

    with pytest.raises(Damaged, match=r"chunks\.json: not a JSON array"):
        ChunkTable(b"[]", None, lambda what: Damaged(f"chunks.json: {what}"))


def test_stored_roles_answer_as_the_index_recorded_and_text_otherwise() -> None:
    roles = StoredRoles.from_dict({"roles": {CHUNKS[1].id: "tn"}, "themes": {CHUNKS[0].path_id: "Benefits"}})
    assert roles.roles(CHUNKS[1]) == "tn"
    assert roles.roles(CHUNKS[0]) == "tt"  # two lines, both the entry's text
    assert roles.theme(CHUNKS[0].path_id) == "Benefits" and roles.theme("glossary/x") == ""
    assert StoredRoles.from_dict(roles.to_dict()).to_dict() == roles.to_dict()
    with pytest.raises(ValueError, match="roles is not a table of strings"):
        StoredRoles.from_dict({"roles": {"a": 1}, "themes": {}})
