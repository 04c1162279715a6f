"""indexer.atomic.write_atomic: whole files, a normal mode, links kept, non-files refused, the old file intact."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import indexer.atomic
from indexer.atomic import write_atomic
from indexer.problems import KBError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.bib", "x\n")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.bib") == 0o640
    assert (tmp_path / "a.bib").read_text() == "x\n"


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.bib"
    target.write_text("old\n")
    target.chmod(0o604)
    write_atomic(target, b"new\n")
    assert mode(target) == 0o604 and target.read_text() == "new\n"


def test_a_link_is_kept_and_its_target_replaced(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "refs.bib"
    real.write_text("old\n")
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["refs.bib"]


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_something_that_is_not_a_file_is_refused(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "x"
    target.mkdir() if kind == "folder" else os.mkfifo(target)
    with pytest.raises(KBError, match=f"cannot write {target}: it is a {kind}, not a regular file"):
        write_atomic(target, "x")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.bib"
    target.write_text("old\n")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(indexer.atomic.os, "fsync", full)
    with pytest.raises(KBError, match=f"^cannot write {target}: No space left on device$"):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bib"]
