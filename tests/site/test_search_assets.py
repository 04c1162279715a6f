"""The in-browser search's files (indexer/site/search_assets.py), without the model or a browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from sitebuild import REPO, Build

from indexer.problems import KBError
from indexer.search.query import DEPTH, RRF_K
from indexer.search.store import load_index
from indexer.site import search_assets as sa

ENGINE = REPO / "indexer" / "site" / "js" / "engine.js"


def _fake_node_modules(root: Path) -> Path:
    for (package, file), _name in sa.VENDOR_FILES.items():
        path = root / package / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"// {package}", encoding="utf-8")
    return root


def test_vectors_round_trip_within_float16_error() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    data = sa.encode_vectors(vectors)
    assert len(data) == 50 * 384 * 2
    back = sa.decode_vectors(data, 384)
    assert back.shape == vectors.shape
    assert np.abs(back - vectors).max() < 5e-4
    assert (np.sum(back * vectors, axis=1) / np.linalg.norm(back, axis=1)).min() > 0.99999


def test_index_document_and_assets(fake_index: Path, fake_embedder: object, tmp_path: Path) -> None:
    index = load_index(fake_index, "fake/hashing-64")
    (index.onnx_folder / "tokenizer.json").write_text(
        json.dumps({"truncation": {"max_length": 128}, "padding": {"strategy": "Fixed"}, "model": {"vocab": {}}}),
        encoding="utf-8",
    )
    model = tmp_path / "model.int8.onnx"
    model.write_bytes(b"onnx")
    site = tmp_path / "site"
    sizes = sa.write_assets(site, index, _fake_node_modules(tmp_path / "node_modules"), model=lambda _folder: model)
    out = site / sa.ASSETS_DIR
    document = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert document["count"] == len(index.chunks) == len(document["chunks"])
    assert document["fusion"] == {"rrf_k": RRF_K, "depth": DEPTH}
    assert document["max_tokens"] == 256
    assert re.fullmatch(r"model/model\.onnx\?v=[0-9a-f]{16}", document["model_file"])
    first = document["chunks"][0]
    assert set(first) >= {"id", "title", "section", "url", "kind", "tags", "year", "text", "cites"}
    assert first["text"] == index.chunks[0].text  # raw: the page escapes it
    assert document["expansion"] == index.expansion.to_dict()
    from indexer.search.lexical import BM25_B, BM25_K1, stopwords

    assert document["bm25"] == {"k1": BM25_K1, "b": BM25_B, "stopwords": sorted(stopwords()),
                                "extra_weight": document["bm25"]["extra_weight"]}
    vectors = sa.decode_vectors((out / "vectors.bin").read_bytes(), document["dim"])
    stored = np.stack([index.dense.reconstruct(i) for i in range(index.dense.ntotal)])
    assert np.abs(vectors - stored).max() < 5e-4
    tokenizer = json.loads((out / "model" / "tokenizer.json").read_text(encoding="utf-8"))
    assert tokenizer["truncation"]["max_length"] == 256 and tokenizer["padding"] is None
    assert json.loads((out / "model" / "tokenizer_config.json").read_text())["model_max_length"] == 256
    for name in ("page.js", "engine.js", "embed.js", "search.css", "vendor/ort.wasm.min.mjs",
                 "vendor/ort-wasm-simd-threaded.wasm", "vendor/tokenizers.min.mjs", "vendor/stemmer.mjs", "vendor/stemmer_bg.wasm", "model/model.onnx"):
        assert f"{sa.ASSETS_DIR}/{name}" in sizes, name


def test_references_carry_author_date_full_text_and_exports(fake_index: Path) -> None:
    from indexer.cite.citestyle import load_style
    from indexer.corpus.bibliography import load_bibliography

    index = load_index(fake_index, "fake/hashing-64")
    bib = load_bibliography(fake_index / "bibliography.bib")
    records = sa.reference_records(index.chunks, bib, load_style(bib.path))
    assert records
    for key, record in records.items():
        assert record["cite"] and len(record["full"]) > len(record["cite"])
        if key in bib.references:
            assert record["bibtex"].lstrip().startswith("@") and f"{{{key}," in record["bibtex"]
            assert record["ris"].startswith("TY  - ")


def test_missing_npm_packages_name_the_command(tmp_path: Path) -> None:
    with pytest.raises(KBError, match=r"npm ci --ignore-scripts"):
        sa.vendor_sources(tmp_path / "node_modules")


def test_search_page_uses_only_relative_urls() -> None:
    page = sa.search_page("../")
    assert not re.search(r'(?:src|href|data-assets|data-root)="/', page)
    assert 'src="../kb-search/page.js"' in page and 'data-assets="../kb-search/"' in page
    assert 'data-assets="kb-search/"' in sa.search_page("")


def test_header_link_is_the_theme_override() -> None:
    from indexer.site.plugin import THEME_DIR

    header = (THEME_DIR / "partials" / "header.html").read_text(encoding="utf-8")
    link = header.index('class="md-header__button kb-search-link"')
    assert header.index('include "partials/kb-box.html"') < link  # after the project's own search box
    assert "material/search" not in header and "partials/search.html" not in header  # no Material search
    assert "{{ config.extra.kb_ask | url }}" in header  # relative to the page
    assert ">Ask</span>" in header and 'aria-label="Ask: search the passages and their sources"' in header  # the visible label in the name


def test_weight_only_int8_stays_close(tmp_path: Path) -> None:
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(1)
    table = rng.normal(size=(100, 64)).astype(np.float32)
    weights = rng.normal(size=(64, 96)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "ids"], ["rows"]), helper.make_node("MatMul", ["rows", "w"], ["y"])],
        "tiny",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 96])],
        [numpy_helper.from_array(table, "table"), numpy_helper.from_array(weights, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    source, target = tmp_path / "f32.onnx", tmp_path / "int8.onnx"
    onnx.save(model, str(source))
    assert sa.quantise_weights(source, target) == 2
    assert target.stat().st_size < source.stat().st_size / 3
    ids = np.arange(100, dtype=np.int64)
    full = ort.InferenceSession(str(source), providers=["CPUExecutionProvider"]).run(None, {"ids": ids})[0]
    small = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"]).run(None, {"ids": ids})[0]
    cos = np.sum(full * small, axis=1) / np.linalg.norm(full, axis=1) / np.linalg.norm(small, axis=1)
    assert cos.min() > 0.999


def test_fixture_site_without_semantic_search(built_site: Build) -> None:
    assert built_site.returncode == 0, built_site.output
    assert not (built_site.site / sa.ASSETS_DIR).exists()
    assert not (built_site.site / "ask").exists()
    assert "kb-search-link" not in built_site.html("")


def test_engine_expansion_matches_python() -> None:
    """The page's glossary expansion (engine.js) against indexer/search/expansion.py, on the real glossary."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("KB_SKIP_BROWSER") == "1":
            pytest.skip("KB_SKIP_BROWSER=1")
        pytest.fail("node (Node.js 20) is not installed")
    from indexer.corpus.entries import load_corpus
    from indexer.search.expansion import ExpansionTable

    table = ExpansionTable.from_entries(load_corpus(REPO / "corpus").entries)
    queries = ["TAC meeting", "what is a CAF", "one-stop shop", "Common Assessment Framework", "LA duties",
               "la la land", "EYDCPs and SSLPs", "Team Around the Child", "children’s trust", "lead professional",
               "what does co-location achieve", "TACs"]
    script = (
        f"import {{ expand }} from {json.dumps(ENGINE.as_uri())};\n"
        "const [table, queries] = JSON.parse(process.argv[1]);\n"
        "console.log(JSON.stringify(queries.map((q) => { const e = expand(table, q); return [e.text, e.extra]; })));\n"
    )
    done = subprocess.run([node, "--input-type=module", "-e", script, json.dumps([table.to_dict(), queries])],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    expected = [[table.expand(q).text, table.expand(q).extra] for q in queries]
    assert json.loads(done.stdout) == expected


def test_build_without_npm_packages_fails_naming_the_command(tmp_path: Path) -> None:
    from sitebuild import build, make_project, with_kb_options

    project = make_project(tmp_path / "project", semantic_search=True)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(with_kb_options(config, node_modules="no-such-folder"), encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "npm ci --ignore-scripts" in result.output and "semantic_search: false" in result.output
    assert not (project / ".kb").exists()  # failed before indexing anything
