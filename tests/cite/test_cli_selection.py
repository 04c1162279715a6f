"""kb cite --all, --tag, --kind and --format html|markdown; kb evidence (CSV and JSON)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from kb_cli import run

from indexer.cite.evidence import entry_rows, sentences_with_spans, to_csv
from indexer.cite.labels import citation_labels
from indexer.corpus.bibliography import load_bibliography
from indexer.corpus.citations import parse_citations
from indexer.corpus.entries import load_corpus


def keys_of(bibtex: str) -> list[str]:
    import bibtexparser

    return [e.key for e in bibtexparser.parse_string(bibtex).entries]


def test_all_exports_every_reference(project: Path) -> None:
    result = run("cite", "--all", "--root", str(project))
    assert result.exit_code == 0, result.output
    assert keys_of(result.output) == list(load_bibliography(project / "bibliography.bib").references)


def test_kind_and_tag_keep_those_works(project: Path) -> None:
    result = run("cite", "--kind", "legislation", "--kind", "webpage", "--format", "csljson", "--root", str(project))
    assert result.exit_code == 0, result.output
    assert [i["id"] for i in json.loads(result.output)] == ["greatbritain2004children", "booktrust2017working"]
    result = run("cite", "--all", "--tag", "legislation", "--root", str(project))
    assert keys_of(result.output) == ["greatbritain2004children"]
    result = run("cite", "--kind", "reprot", "--root", str(project))
    assert result.exit_code == 1
    assert "Error: --kind 'reprot' is unknown (did you mean report?)" in result.output
    result = run("cite", "--tag", "seed-source", "--root", str(project))  # provenance is no tag
    assert "--tag 'seed-source' is unknown" in result.output


def test_formats_keep_italics(project: Path) -> None:
    html = run("cite", "frost2005professionalism", "--format", "html", "--root", str(project)).output
    assert "<i>" in html and "</i>" in html
    md = run("cite", "frost2005professionalism", "--format", "markdown", "--root", str(project)).output
    assert md.count("*") == 2 and "<i>" not in md
    text = run("cite", "frost2005professionalism", "--format", "text", "--root", str(project)).output
    assert "*" not in text and "<" not in text


def test_a_subset_has_suffixes_of_its_own(project: Path) -> None:
    alone = run("cite", "dfes2003every", "--format", "text", "--in-text", "--root", str(project)).output
    both = run("cite", "dfes2003every", "dfes2003keeping", "--format", "text", "--in-text", "--root", str(project))
    assert alone == "(Department for Education and Skills, 2003)\n"
    assert [line[-6:-1] for line in both.output.splitlines()] == ["2003a", "2003b"]


def test_sentences_are_cut_outside_citations() -> None:
    unit = "Sharing helps [see @a, p. 3; @b]. It is not enough. @c says so! And more [@d]."
    sentences = sentences_with_spans(unit)
    assert sentences == ["Sharing helps [see @a, p. 3; @b].", "It is not enough.", "@c says so!", "And more [@d]."]
    assert [len(parse_citations(s)) for s in sentences] == [1, 0, 1, 1]


def test_evidence_rows_one_per_cited_work_per_sentence(project: Path) -> None:
    corpus = load_corpus(project / "corpus")
    bib = load_bibliography(project / "bibliography.bib")
    labels = citation_labels(bib.references)
    rows = [row for entry in corpus.entries for row in entry_rows(entry, labels)]
    cited = sum(len(c.items) for e in corpus.entries for c in parse_citations(e.body))
    assert len(rows) == cited  # every citation of the corpus, each cited work once
    for row in rows:
        assert row.key in bib and row.label == labels[row.key].parenthetical
        assert "[@" not in row.sentence and "@" + row.key not in row.sentence  # as the site reads it
        assert row.url.startswith(row.entry) or "/" in row.url
    with_locator = [r for r in rows if r.locator]
    assert with_locator and all(r.locator[0].isalnum() for r in with_locator)


def test_evidence_cli_csv_and_json(project: Path) -> None:
    result = run("evidence", "--root", str(project))
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.output)))
    assert table and list(table[0]) == ["entry", "title", "kind", "section", "url", "sentence", "key", "label",
                                        "locator", "prefix"]
    data = json.loads(run("evidence", "--format", "json", "--root", str(project)).output)
    assert [row["key"] for row in data] == [row["key"] for row in table]
    only = json.loads(run("evidence", "--format", "json", "--key", "frost2005professionalism",
                          "--root", str(project)).output)
    assert only and {row["key"] for row in only} == {"frost2005professionalism"}
    bad = run("evidence", "--key", "frost2005professionalis", "--root", str(project))
    assert bad.exit_code == 1 and "did you mean frost2005professionalism" in bad.output


def test_evidence_csv_cells_are_never_formulas() -> None:
    from indexer.cite.evidence import EvidenceRow

    row = EvidenceRow("e", "=HYPERLINK(1)", "finding", "", "u", "+1 claim", "k", "K, 2000", "", "@x")
    cells = next(csv.DictReader(io.StringIO(to_csv([row]))))
    assert cells["title"] == "'=HYPERLINK(1)" and cells["sentence"] == "'+1 claim" and cells["prefix"] == "'@x"


def test_site_evidence_downloads_are_what_kb_evidence_writes(project: Path) -> None:
    from indexer.site.export_assets import evidence_files

    corpus = load_corpus(project / "corpus")
    labels = citation_labels(load_bibliography(project / "bibliography.bib").references)
    files = evidence_files(corpus.entries, labels)
    assert sorted(files) == ["bibliography/evidence.csv", "bibliography/evidence.json"]
    written = run("evidence", "--root", str(project)).stdout_bytes.decode("utf-8")
    assert files["bibliography/evidence.csv"] == written
