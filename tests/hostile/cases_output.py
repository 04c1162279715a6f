"""Hostile output files: ``-o`` where a file cannot or must not be replaced, and a standard
output that cannot be written (runner "process": a real stdout, not click's capture).

``-o`` is written by ``indexer.atomic.write_atomic``: a device, fifo or folder is refused, a
link's target is replaced, and every failure names the file and leaves the old one as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from harness import AS_ROOT, Case

K = "output files"
R = ["--root", "{root}"]
CITE = ["cite", "atkinson2002multiagency", *R]


def _read_only_folder(root: Path) -> None:
    (root / "ro").mkdir()
    (root / "ro").chmod(0o555)


def _fifo(root: Path) -> None:
    os.mkfifo(root / "pipe.bib")


def _link_to_file(root: Path) -> None:
    (root / "real.bib").write_text("old\n", encoding="utf-8")
    (root / "link.bib").symlink_to("real.bib")


def _dangling_link(root: Path) -> None:
    (root / "dangling.bib").symlink_to("nowhere/refs.bib")


def _link_to_device(root: Path) -> None:
    (root / "full.bib").symlink_to("/dev/full")


def _socket(root: Path) -> None:
    import socket

    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock.bib"))
    sock.close()


CASES = [
    Case("output-missing-folder", K, [*CITE, "-o", "{root}/no/refs.bib"], 1,
         "Error: cannot write {root}/no/refs.bib: folder {root}/no does not exist"),
    Case("output-folder-is-a-file", K, [*CITE, "-o", "{root}/bibliography.bib/refs.bib"], 1,
         "Error: cannot write {root}/bibliography.bib/refs.bib: Not a directory"),
    Case("output-read-only-folder", K, [*CITE, "-o", "{root}/ro/refs.bib"], 1,
         "Error: cannot write {root}/ro/refs.bib: Permission denied", setup=_read_only_folder, skip=AS_ROOT),
    Case("output-dev-full", K, [*CITE, "-o", "/dev/full"], 1,
         "Error: cannot write /dev/full: it is a character device, not a regular file"),
    Case("output-dev-null", K, [*CITE, "--format", "ris", "-o", "/dev/null"], 1,
         "Error: cannot write /dev/null: it is a character device, not a regular file"),
    Case("output-fifo", K, [*CITE, "-o", "{root}/pipe.bib"], 1,
         "Error: cannot write {root}/pipe.bib: it is a fifo, not a regular file", setup=_fifo),
    Case("output-socket", K, [*CITE, "-o", "{root}/sock.bib"], 1,
         "Error: cannot write {root}/sock.bib: it is a socket, not a regular file", setup=_socket),
    Case("output-link-to-device", K, [*CITE, "-o", "{root}/full.bib"], 1,
         "Error: cannot write /dev/full: it is a character device, not a regular file", setup=_link_to_device),
    Case("output-link-to-file-writes-through", K, [*CITE, "-o", "{root}/link.bib"], 0,
         "wrote {root}/link.bib", setup=_link_to_file),
    Case("output-dangling-link", K, [*CITE, "-o", "{root}/dangling.bib"], 1,
         "Error: cannot write {root}/dangling.bib: folder {root}/nowhere does not exist", setup=_dangling_link),
    Case("output-export-missing-folder", K,
         ["search", "co-location", "--export", "ris", "-o", "{root}/no/refs.ris", *R], 1,
         "Error: cannot write {root}/no/refs.ris: folder {root}/no does not exist", index_first=True),
    Case("output-export-dev-full", K, ["search", "co-location", "--export", "bibtex", "-o", "/dev/full", *R], 1,
         "Error: cannot write /dev/full: it is a character device, not a regular file", index_first=True),
    Case("output-stdout-full-cite", K, CITE, 1,
         "Error: cannot write to the standard output: No space left on device", runner="process", stdout="/dev/full"),
    Case("output-stdout-full-cite-text", K, [*CITE, "--format", "text"], 1,
         "Error: cannot write to the standard output: No space left on device", runner="process", stdout="/dev/full"),
    Case("output-stdout-full-search", K, ["search", "co-location", "--json", *R], 1,
         "Error: cannot write to the standard output: No space left on device", runner="process",
         stdout="/dev/full", index_first=True),
    Case("output-stdout-full-index", K, ["index", *R], 1,
         "Error: cannot write to the standard output: No space left on device", runner="process", stdout="/dev/full"),
    Case("output-stdout-full-check", K, ["check", *R], 1,
         "Error: cannot write to the standard output: No space left on device", runner="process", stdout="/dev/full"),
]
