"""The index on disk: atomic writes, incremental re-indexing, refusing stale or foreign indexes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.search import store, writer
from indexer.search.build import build_index
from indexer.search.query import open_searcher
from indexer.search.store import IndexUnusable, current_folder, kb_dir, load_index, read_manifest


def test_manifest_records_model_hashes_and_fingerprint(fake_index: Path, fake_embedder) -> None:
    manifest = read_manifest(current_folder(fake_index))
    assert manifest.model_id == fake_embedder.model_id and manifest.dim == 64
    assert manifest.corpus_fingerprint == store.corpus_fingerprint(fake_index)
    assert len(manifest.chunk_hashes) == 10 and all(len(h) == 32 for h in manifest.chunk_hashes.values())
    assert manifest.skipped == ("corpus/findings/broken-entry.md",)
    assert manifest.problems >= 1 and "bm25s" in manifest.versions
    assert "co-location" in manifest.tags and "term" in manifest.kinds


def test_reindex_embeds_only_changed_chunks(fake_index: Path, fake_embedder) -> None:
    entry = fake_index / "corpus" / "glossary" / "co-location.md"
    entry.write_text(entry.read_text().replace("one visit", "a single visit"))
    before = fake_embedder.calls
    report = build_index(fake_index, embedder=lambda: fake_embedder)
    assert fake_embedder.calls - before == 1
    assert (report.embedded, report.reused, report.chunks) == (1, 9, 10)
    unchanged = build_index(fake_index, embedder=lambda: fake_embedder)
    assert unchanged.embedded == 0 and fake_embedder.calls - before == 1


def test_a_format_4_index_gives_its_vectors_to_the_reindex(fake_index: Path, fake_embedder) -> None:
    folder = current_folder(fake_index)
    manifest = json.loads((folder / store.MANIFEST).read_text())
    chunks = json.loads((folder / store.CHUNKS).read_text())
    one_line = json.dumps(chunks).encode()  # format 4: the array on one line, no roles.json
    (folder / store.CHUNKS).write_bytes(one_line)
    (folder / store.ROLES).unlink()
    manifest["format"] = 4
    manifest["checksums"] = {k: v for k, v in manifest["checksums"].items() if k != store.ROLES}
    manifest["checksums"][store.CHUNKS] = store.checksum(one_line)
    (folder / store.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(store.OldFormat, match="format 4; this one reads format 5"):
        load_index(fake_index, fake_embedder.model_id)
    report = build_index(fake_index, embedder=lambda: fake_embedder)
    assert (report.embedded, report.reused, report.chunks) == (0, 10, 10)
    assert len(load_index(fake_index, fake_embedder.model_id).chunks) == 10


def test_full_reindex_embeds_everything(fake_index: Path, fake_embedder) -> None:
    report = build_index(fake_index, embedder=lambda: fake_embedder, reuse=False)
    assert report.embedded == 10 and report.reused == 0


def test_missing_index_is_refused(search_project: Path, fake_embedder) -> None:
    with pytest.raises(IndexUnusable, match=r"no search index .*: run kb index"):
        load_index(search_project, fake_embedder.model_id)


def test_stale_index_is_refused(fake_index: Path, fake_embedder) -> None:
    (fake_index / "corpus" / "glossary" / "new-term.md").write_text("---\nid: new-term\n---\n")
    with pytest.raises(IndexUnusable, match=r"older than the corpus.*run kb index"):
        load_index(fake_index, fake_embedder.model_id)


def test_bibliography_change_makes_index_stale(fake_index: Path, fake_embedder) -> None:
    bib = fake_index / "bibliography.bib"
    bib.write_text(bib.read_text().replace("McInnes, Karen", "McInnes, K."))
    with pytest.raises(IndexUnusable, match="older than the corpus"):
        load_index(fake_index, fake_embedder.model_id)


def test_index_of_another_model_is_refused(fake_index: Path) -> None:
    with pytest.raises(IndexUnusable, match="built by fake/hashing-64, not other/model: run kb index"):
        load_index(fake_index, "other/model")


def test_interrupted_write_leaves_previous_index_usable(
    fake_index: Path, fake_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = current_folder(fake_index)
    (fake_index / "corpus" / "glossary" / "co-location.md").unlink()

    def crash(self) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr("indexer.search.lexical.LexicalIndex.to_bytes", crash)
    with pytest.raises(KeyboardInterrupt):
        build_index(fake_index, embedder=lambda: fake_embedder)
    assert current_folder(fake_index) == previous
    assert not [p for p in kb_dir(fake_index).iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    assert len(json.loads((previous / store.CHUNKS).read_text())) == 10
    # the previous index is intact but now stale: it says so instead of answering
    with pytest.raises(IndexUnusable, match="older than the corpus"):
        open_searcher(fake_index, embedder=fake_embedder)


def test_new_index_keeps_the_previous_folder_and_removes_older_ones(fake_index: Path, fake_embedder) -> None:
    first = current_folder(fake_index)
    build_index(fake_index, embedder=lambda: fake_embedder)
    second = current_folder(fake_index)
    assert second != first and first.exists()  # a reader may still be opening it
    build_index(fake_index, embedder=lambda: fake_embedder)
    third = current_folder(fake_index)
    assert not first.exists()
    assert sorted(p.name for p in kb_dir(fake_index).iterdir() if p.is_dir()) == sorted([second.name, third.name])


def test_unchanged_entries_keep_their_chunks_but_a_bibliography_change_rechunks(
    fake_index: Path, fake_embedder
) -> None:
    bib = fake_index / "bibliography.bib"
    bib.write_text(bib.read_text().replace("year      = {2007}", "year      = {2008}"))
    build_index(fake_index, embedder=lambda: fake_embedder)
    chunks = json.loads((current_folder(fake_index) / store.CHUNKS).read_text())
    co_location = next(c for c in chunks if c["id"] == "glossary/co-location")
    assert "(McInnes, 2008, p. 12)" in co_location["text"]
    assert co_location["citations"][0]["year"] == "2008"


def test_a_full_disk_while_writing_is_one_error_and_keeps_the_previous_index(
    fake_index: Path, fake_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.problems import KBError

    previous = current_folder(fake_index)

    def full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "_write_new", full)
    with pytest.raises(KBError, match=r"^cannot write the search index in .*\.kb: No space left on device$"):
        build_index(fake_index, embedder=lambda: fake_embedder, reuse=False)
    assert current_folder(fake_index) == previous
    assert not [p for p in kb_dir(fake_index).iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    assert len(load_index(fake_index, fake_embedder.model_id).chunks) == 10


def test_tampered_vectors_are_embedded_again_not_carried_forward(fake_index: Path, fake_embedder) -> None:
    vectors = current_folder(fake_index) / store.DENSE
    data = bytearray(vectors.read_bytes())
    data[-8:] = b"\x00" * 8  # the last row's last two floats
    vectors.write_bytes(bytes(data))
    before = fake_embedder.calls
    report = build_index(fake_index, embedder=lambda: fake_embedder)
    assert report.damaged == "dense.faiss checksum"
    assert (report.embedded, report.reused) == (10, 0) and fake_embedder.calls - before == 10
    assert build_index(fake_index, embedder=lambda: fake_embedder).damaged == ""


def test_the_folder_holds_each_thing_once_and_the_vectors_only_in_faiss(fake_index: Path, fake_embedder) -> None:
    folder = current_folder(fake_index)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [store.MANIFEST, store.CHUNKS, store.DENSE, store.LEXICAL, store.EXPANSION, store.ROLES])
    manifest = read_manifest(folder)
    assert manifest.format == store.FORMAT == 5
    assert sorted(manifest.checksums) == sorted([store.CHUNKS, store.DENSE, store.LEXICAL, store.EXPANSION, store.ROLES])
    index = load_index(fake_index, fake_embedder.model_id)
    vectors = index.vectors()
    assert vectors.shape == (10, 64) and vectors.dtype.name == "float32"
    expected = fake_embedder.encode([c.embed_text for c in index.chunks])
    assert abs(vectors - expected).max() < 1e-6


def _as_format_3(folder: Path) -> None:
    """Turn an index folder into the layout of format 3: bm25s's folder, a second copy of the vectors."""
    manifest = json.loads((folder / store.MANIFEST).read_text())
    (folder / store.LEXICAL).unlink()
    (folder / "bm25").mkdir()
    (folder / "bm25" / "vocab.index.json").write_text("{}")
    (folder / "vectors.npy").write_bytes(b"\x93NUMPY")
    manifest["format"] = 3
    manifest["checksums"] = {"chunks.json": manifest["checksums"]["chunks.json"], "vectors.npy": "0" * 32}
    (folder / store.MANIFEST).write_text(json.dumps(manifest))


def test_an_index_of_the_old_format_says_run_kb_index_and_kb_index_replaces_it(
    fake_index: Path, fake_embedder
) -> None:
    from click.testing import CliRunner

    from indexer.cli import main

    _as_format_3(current_folder(fake_index))
    message = (f"the search index in {kb_dir(fake_index)} was written by an older version of kb "
               "(format 3; this one reads format 5): run kb index")
    with pytest.raises(IndexUnusable) as raised:
        load_index(fake_index, fake_embedder.model_id)
    assert str(raised.value) == message
    result = CliRunner().invoke(main, ["search", "co-location", "--root", str(fake_index)])
    assert result.exit_code == 1 and result.output.strip().splitlines()[-1] == f"Error: {message}"
    report = build_index(fake_index, embedder=lambda: fake_embedder)
    assert (report.embedded, report.reused, report.damaged) == (10, 0, "")  # nothing read from the old files
    assert len(load_index(fake_index, fake_embedder.model_id).chunks) == 10


@pytest.mark.parametrize("name", [store.LEXICAL, store.DENSE, store.CHUNKS, store.EXPANSION])
def test_every_file_is_checked_against_its_checksum(fake_index: Path, fake_embedder, name: str) -> None:
    path = current_folder(fake_index) / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(store.IndexDamaged, match=rf"damaged \({re.escape(name)} checksum\): run kb index$"):
        load_index(fake_index, fake_embedder.model_id)


def _age_corpus(root: Path, seconds: int = 3600) -> None:
    """Set every corpus file's time an hour back, as for a corpus not edited just before indexing."""
    import os

    for path in store.corpus_files(root):
        past = path.stat().st_mtime_ns - seconds * 1_000_000_000
        os.utime(path, ns=(past, past))


def test_search_trusts_the_files_sizes_and_times_instead_of_reading_the_corpus(
    search_project: Path, fake_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.search import manifest as m

    _age_corpus(search_project)
    build_index(search_project, embedder=lambda: fake_embedder)
    assert read_manifest(current_folder(search_project)).corpus_stat

    def no_reading(*_args: object) -> str:
        raise AssertionError("the corpus was read and hashed")

    monkeypatch.setattr(m, "_content_digest", no_reading)  # what reads and hashes the files
    load_index(search_project, fake_embedder.model_id)  # stats match: no file is read
    monkeypatch.undo()

    entry = search_project / "corpus" / "glossary" / "co-location.md"
    entry.touch()  # a newer time, the same bytes: the files are hashed, and still match
    load_index(search_project, fake_embedder.model_id)
    entry.write_text(entry.read_text() + "\nOne more line.\n")
    with pytest.raises(IndexUnusable, match="older than the corpus"):
        load_index(search_project, fake_embedder.model_id)


def test_a_file_changed_just_before_indexing_is_always_hashed(
    search_project: Path, fake_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from indexer.search import manifest as m

    monkeypatch.setattr(m, "_clock", lambda: 0)  # the build ends within a second of the writes
    for path in store.corpus_files(search_project):
        os.utime(path)  # written just now
    build_index(search_project, embedder=lambda: fake_embedder)
    manifest = read_manifest(current_folder(search_project))
    stat, newest = store.corpus_stat(search_project)
    assert stat == manifest.corpus_stat and newest >= manifest.corpus_stat_time - store.RACY_NS
    entry = search_project / "corpus" / "glossary" / "co-location.md"
    before = entry.stat()
    text = entry.read_text()
    entry.write_text(text.replace("one visit", "one visiT"))  # same size
    os.utime(entry, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time
    with pytest.raises(IndexUnusable, match="older than the corpus"):
        load_index(search_project, fake_embedder.model_id)


def test_a_build_that_ends_a_second_after_the_writes_records_a_usable_stat(
    search_project: Path, fake_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import time

    from indexer.search import manifest as m

    for path in store.corpus_files(search_project):
        os.utime(path)  # written just now
    later = time.time_ns() + 2 * store.RACY_NS
    monkeypatch.setattr(m, "_clock", lambda: later)  # the build ends two seconds after the writes
    build_index(search_project, embedder=lambda: fake_embedder)
    manifest = read_manifest(current_folder(search_project))
    assert manifest.corpus_stat_time == later

    def no_reading(*_args: object) -> str:
        raise AssertionError("the corpus was read and hashed")

    monkeypatch.setattr(m, "_content_digest", no_reading)  # what reads and hashes the files
    load_index(search_project, fake_embedder.model_id)  # the stat is trusted: no file is read
    monkeypatch.undo()
    entry = search_project / "corpus" / "glossary" / "co-location.md"
    entry.write_text(entry.read_text() + "\nOne more line.\n")
    with pytest.raises(IndexUnusable, match="older than the corpus"):
        load_index(search_project, fake_embedder.model_id)


def test_the_stat_is_taken_again_only_when_nothing_changed(search_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from indexer.search import manifest as m

    for path in store.corpus_files(search_project):
        os.utime(path)
    files = store.corpus_files(search_project)
    taken = time.time_ns()
    stat, newest = store.corpus_stat(search_project, files)
    fingerprint = store.corpus_fingerprint(search_project, files)
    later = taken + 2 * store.RACY_NS
    monkeypatch.setattr(m, "_clock", lambda: later)
    assert store.settled_stat(search_project, files, stat, newest, taken, fingerprint) == (stat, later)
    # the files' bytes are not those the build read: the build's stat and time are kept
    assert store.settled_stat(search_project, files, stat, newest, taken, "0" * 64) == (stat, taken)
    # a file's size or time changed since the build took its stat
    assert store.settled_stat(search_project, files, "another", newest, taken, fingerprint) == ("another", taken)
    # a file dated after the clock (in the future): the stat cannot be trusted yet
    assert store.settled_stat(search_project, files, stat, later, taken, fingerprint) == (stat, taken)
    # nothing recent: nothing to do, nothing read
    monkeypatch.setattr(m, "_content_digest", lambda *_a: pytest.fail("hashed"))
    old = newest - 5 * store.RACY_NS
    assert store.settled_stat(search_project, files, stat, old, taken, fingerprint) == (stat, taken)
