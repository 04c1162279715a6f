"""kb cite and kb search --export: messages, exit codes, --page, -o written atomically,
styles; and the docs page names every option."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
import rispy
from click.testing import CliRunner
from kb_cli import run

import indexer.atomic
from indexer.cite.export import entry_keys
from indexer.cli import main
from indexer.corpus.entries import load_corpus


def test_cite_prints_bibtex_by_default(project: Path) -> None:
    result = run("cite", "frost2005professionalism", "@gasper2010what", "--root", str(project))
    assert result.exit_code == 0, result.output
    library = bibtexparser.parse_string(result.output)
    assert [e.key for e in library.entries] == ["frost2005professionalism", "gasper2010what"]


@pytest.mark.parametrize("fmt", ["ris", "csljson"])
def test_cite_formats(project: Path, fmt: str) -> None:
    result = run("cite", "frost2005professionalism", "greatbritain2004children", "--format", fmt,
                 "--root", str(project))
    assert result.exit_code == 0, result.output
    if fmt == "ris":
        records = rispy.loads(result.output)
        assert [r["type_of_reference"] for r in records] == ["BOOK", "STAT"]
    else:
        assert [i["type"] for i in json.loads(result.output)] == ["book", "legislation"]


def test_unknown_keys_fail_with_suggestions_and_write_nothing(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("keep me\n", encoding="utf-8")
    result = run("cite", "frost2005professionalism", "mcinnes2007practitioner", "nosuchkey", "-o", str(out),
                 "--root", str(project))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith("Error: unknown reference keys: 'mcinnes2007practitioner' (did you mean "
                               "mcinnes2007practitioners")
    assert "'nosuchkey' (no similar key)" in lines[0]
    assert out.read_text(encoding="utf-8") == "keep me\n"  # nothing partial written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "refs.bib"]


def test_skip_unknown_exports_the_rest_and_names_what_it_left_out(project: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["cite", "nosuchkey", "frost2005professionalism", "--skip-unknown",
                                  "--root", str(project)])
    assert result.exit_code == 0, result.output
    assert [e.key for e in bibtexparser.parse_string(result.stdout).entries] == ["frost2005professionalism"]
    assert "nosuchkey" in result.stderr and "nosuchkey" not in result.stdout
    only_unknown = runner.invoke(main, ["cite", "nosuchkey", "--skip-unknown", "--root", str(project)])
    assert only_unknown.exit_code == 1


def test_page_exports_sources_and_body_citations(project: Path) -> None:
    entry = load_corpus(project / "corpus").by_id()["co-location-what-it-achieves"]
    result = run("cite", "--page", "co-location-what-it-achieves", "--format", "csljson", "--root", str(project))
    assert result.exit_code == 0, result.output
    assert [i["id"] for i in json.loads(result.output)] == entry_keys(entry)
    by_path = run("cite", "--page", "findings/co-location-what-it-achieves", "--root", str(project))
    assert [e.key for e in bibtexparser.parse_string(by_path.output).entries] == entry_keys(entry)
    missing = run("cite", "--page", "co-location-what-it-achieve", "--root", str(project))
    assert missing.exit_code == 1
    assert "no entry with id 'co-location-what-it-achieve'" in missing.output
    assert "did you mean co-location-what-it-achieves" in missing.output
    nothing = run("cite", "--root", str(project))
    assert nothing.exit_code == 1 and "give one or more KEYs, --page ENTRY_ID, --all" in nothing.output


def test_output_file_is_written_atomically(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "refs.ris"
    out.write_text("old\n", encoding="utf-8")
    seen: list[tuple[Path, str]] = []
    real_replace = indexer.atomic.os.replace

    def spy(src: str, dst: Path) -> None:
        # at the moment of the rename the target still holds the old text, the new is complete
        seen.append((Path(dst), Path(src).read_text(encoding="utf-8")))
        assert Path(dst).read_text(encoding="utf-8") == "old\n"
        assert Path(src).parent == out.parent
        real_replace(src, dst)

    monkeypatch.setattr(indexer.atomic.os, "replace", spy)
    result = run("cite", "frost2005professionalism", "--format", "ris", "-o", str(out), "--root", str(project))
    assert result.exit_code == 0, result.output
    assert seen and seen[0][0] == out
    assert out.read_text(encoding="utf-8") == seen[0][1]
    assert rispy.loads(out.read_text(encoding="utf-8"))[0]["id"] == "frost2005professionalism"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "refs.ris"]
    bad = run("cite", "frost2005professionalism", "-o", str(tmp_path / "no" / "x.bib"), "--root", str(project))
    assert bad.exit_code == 1 and "does not exist" in bad.output


def test_text_styles_harvard_and_apa_differ(project: Path) -> None:
    args = ["cite", "atkinson2002multiagency", "gasper2010what", "--format", "text", "--root", str(project)]
    harvard = run(*args)
    apa = run(*args, "--style", "apa")
    assert harvard.exit_code == 0 and apa.exit_code == 0, harvard.output + apa.output
    assert harvard.output != apa.output
    assert "Atkinson, M. et al. (2002) Multi-Agency Working: A Detailed Study." in harvard.output
    assert "Atkinson, M., Wilkin, A., Stott, A., Doherty, P., & Kinder, K. (2002)." in apa.output
    in_text = run(*args, "--style", "apa", "--in-text")
    assert in_text.output.splitlines() == ["(Atkinson et al., 2002)", "(Gasper, 2010)"]
    unknown_style = run(*args, "--style", "mla")
    assert unknown_style.exit_code == 2  # click rejects a style it does not know


def test_cite_help_has_an_example() -> None:
    result = run("cite", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "kb cite" in result.output
