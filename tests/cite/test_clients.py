"""Every entry of the real bibliography through every export, read back by independent
clients: citation-js (npm), biber (Debian) and pandoc's citeproc (Debian)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.cite import export as ex
from indexer.cite.csl import to_csl
from indexer.corpus.bibliography import Bibliography, load_bibliography

REPO = Path(__file__).resolve().parents[2]
CITATION_JS = Path(__file__).with_name("citation_js.mjs")
needs_node = pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "node_modules" / "@citation-js" / "core").is_dir(),
    reason="node and citation-js are needed (npm ci --ignore-scripts)",
)


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    return load_bibliography(REPO / "bibliography.bib")


def citation_js(tmp_path: Path, text: str, fmt: str) -> dict[str, dict[str, object]]:
    path = tmp_path / f"all{ex.SUFFIX[fmt]}"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(["node", str(CITATION_JS), str(path), fmt], capture_output=True, text=True,
                          cwd=REPO, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    return {str(item.get("citation-key") or item["id"]): item for item in items}


@needs_node
@pytest.mark.parametrize("fmt", ex.FORMATS)
def test_citation_js_reads_every_entry_with_its_identifying_fields(tmp_path: Path, bib: Bibliography, fmt: str) -> None:
    refs = list(bib.references.values())
    items = citation_js(tmp_path, ex.export(refs, fmt), fmt)
    assert set(items) == set(bib.references)
    for ref in refs:
        ours, theirs = to_csl(ref), items[ref.key]
        assert theirs["title"] == ours["title"], (fmt, ref.key)
        assert theirs.get("URL") == ours.get("URL"), (fmt, ref.key)
        assert theirs["issued"]["date-parts"][0][0] == ours["issued"]["date-parts"][0][0], (fmt, ref.key)
        for variable in ("number", "collection-number", "issue"):
            if ours.get(variable) and not (fmt == "bibtex" and ours["type"] == "legislation"):
                assert str(theirs.get(variable)) == str(ours[variable]), (fmt, ref.key, variable)
        if fmt == "csljson":
            assert theirs["type"] == ours["type"] and theirs.get("author") == ours.get("author"), ref.key
            assert theirs.get("editor") == ours.get("editor") and f"Citation Key: {ref.key}" in str(theirs["note"])


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber is not installed (apt-get install -y biber)")
def test_biber_validates_the_bibtex_against_its_data_model(tmp_path: Path, bib: Bibliography) -> None:
    (tmp_path / "all.bib").write_text(ex.to_bibtex(bib.references.values()), encoding="utf-8")
    done = subprocess.run(["biber", "--tool", "--validate-datamodel", "all.bib"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600, check=False)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    problems = [line for line in log.splitlines() if " WARN " in line or " ERROR " in line]
    assert problems == []


#: where pandoc's citeproc (its own en-US terms) prints no label that the APA style asks for:
#: "No." before a report's bare number ("Report No. 40", APA 10.4) and "Chapter" before a
#: book's chapter number; everything else must agree (docs/export.md)
PANDOC_APA_LABELS = ("No. ", "Chapter ")


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed (apt-get install -y pandoc)")
@pytest.mark.parametrize("style", ["harvard", "apa"])
def test_pandoc_citeproc_agrees_with_kb_cite(style: str) -> None:
    """scripts/cite_agreement.py: every reference as pandoc formats it, but for the labels
    pandoc leaves out in APA (each difference must be exactly one of them)."""
    spec = importlib.util.spec_from_file_location("cite_agreement", REPO / "scripts" / "cite_agreement.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    result = module.agreement(REPO, style)
    assert result.total == len(load_bibliography(REPO / "bibliography.bib").references)
    unexplained = {
        key: pair for key, pair in result.differences.items()
        if style == "harvard" or not any(pair[0].replace(label, "", 1) == pair[1] for label in PANDOC_APA_LABELS)
    }
    assert unexplained == {}
    assert result.agree >= result.total - (0 if style == "harvard" else 4), sorted(result.differences)
