"""The hostile fixture is the site fixture with markup in every text it shows (made at test
time, ``hostile_fixture.make_hostile``): the same files, every shown text carrying the payload."""

from __future__ import annotations

from pathlib import Path

import yaml
from hostile_fixture import (
    BIB_NAME,
    BIB_TITLE,
    BODY_LINE,
    LIST_FIELDS,
    PAYLOAD,
    SITE_FIXTURE,
    TEXT_FIELDS,
    make_hostile,
)

from indexer.corpus.bibliography import load_bibliography
from indexer.corpus.check import run_check
from indexer.corpus.entries import load_corpus


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_the_variant_has_the_site_fixtures_files_and_passes_kb_check(tmp_path: Path) -> None:
    hostile = make_hostile(tmp_path / "project")
    assert _files(hostile) == [f for f in _files(SITE_FIXTURE) if not f.startswith("golden/")]
    report = run_check(hostile)
    assert report.errors == [] and report.notes == []
    assert (hostile / "docs" / "index.md").read_bytes() == (SITE_FIXTURE / "docs" / "index.md").read_bytes()


def test_every_shown_text_carries_the_payload(tmp_path: Path) -> None:
    hostile = make_hostile(tmp_path / "project")
    plain = {e.rel_path: e for e in load_corpus(SITE_FIXTURE / "corpus").entries}
    changed = {e.rel_path: e for e in load_corpus(hostile / "corpus").entries}
    assert plain.keys() == changed.keys() and len(plain) >= 14
    fields = 0
    for path, entry in plain.items():
        other = changed[path]
        assert other.title == f"{entry.title} {PAYLOAD}" and other.summary == f"{entry.summary} {PAYLOAD}"
        for name in TEXT_FIELDS[2:]:
            if name in entry.meta:
                assert other.meta[name] == f"{entry.meta[name]} {PAYLOAD}", (path, name)
                fields += 1
        for name in LIST_FIELDS:
            if name in entry.meta:
                assert list(other.meta[name]) == [*entry.meta[name], PAYLOAD], (path, name)
                fields += 1
        assert other.body.rstrip().endswith(BODY_LINE) and other.body.startswith(entry.body.rstrip())
    assert fields >= 10
    tags = yaml.safe_load((hostile / "corpus" / "tags.yml").read_text(encoding="utf-8"))
    assert tags and all(text.endswith(f" {PAYLOAD}") for text in tags.values())
    refs = load_bibliography(hostile / "bibliography.bib").references
    assert refs and all(BIB_TITLE.split()[0] in str(r.get("title")) for r in refs.values())
    assert any(BIB_NAME.strip() in str(r.get("publisher") or r.get("institution") or "") for r in refs.values())
