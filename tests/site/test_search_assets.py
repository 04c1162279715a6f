"""The in-browser search's files (indexer/site/search_assets.py), without the model or a browser."""

from __future__ import annotations

import gzip
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
from indexer.site.quantise import Scheme, int4_blocks, quantise_graph

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
    # the names only: the page makes its own word index
    assert document["expansion"] == {"terms": index.expansion.to_dict()["terms"]}
    from indexer.search.lexical import BM25_B, BM25_K1, stopwords

    assert document["bm25"] == {"k1": BM25_K1, "b": BM25_B, "stopwords": sorted(stopwords()),
                                "extra_weight": document["bm25"]["extra_weight"]}
    vectors = sa.decode_vectors((out / "vectors.bin").read_bytes(), document["dim"])
    stored = np.stack([index.dense.reconstruct(i) for i in range(index.dense.ntotal)])
    assert np.abs(vectors - stored).max() < 5e-4
    tokenizer = json.loads((out / "model" / "tokenizer.json").read_text(encoding="utf-8"))
    assert tokenizer["truncation"]["max_length"] == 256 and tokenizer["padding"] is None
    assert json.loads((out / "model" / "tokenizer_config.json").read_text())["model_max_length"] == 256
    # what meaning-based search downloads, gzipped at level 9, file by file
    expected = sum(len(gzip.compress((out / name).read_bytes(), compresslevel=9)) for name in sa.MODEL_TRANSFER)
    assert document["model_transfer_bytes"] == expected and isinstance(document["model_transfer_bytes"], int)
    assert set(sa.MODEL_TRANSFER) >= {"model/model.onnx", "vectors.bin", "vendor/ort-wasm-simd-threaded.wasm", "model.js"}
    for name in ("page.js", "engine.js", "embed.js", "embed-worker.js", "model.js", "search.css", "vendor/ort.wasm.min.mjs",
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


def _tiny_model(path: Path, rng: np.random.Generator) -> None:
    """A graph with an embedding table (Gather) and a weight matrix (MatMul), as the model has."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

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
    onnx.save(model, str(path))


def _run(path: Path) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"ids": np.arange(100, dtype=np.int64)})[0])


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1))


@pytest.mark.parametrize(
    ("scheme", "ratio", "floor"),
    [(Scheme(bits=8, table_bits=8), 1 / 3, 0.999), (Scheme(bits=8, table_bits=4, block=32), 1 / 3, 0.99),
     (Scheme(bits=8, table_bits=4, block=32, half_scales=True), 1 / 3, 0.99),
     (Scheme(bits=4, table_bits=4, block=32), 1 / 4.5, 0.98)],
)
def test_weight_only_quantisation_stays_close(tmp_path: Path, scheme: Scheme, ratio: float, floor: float) -> None:
    source, target = tmp_path / "f32.onnx", tmp_path / "small.onnx"
    _tiny_model(source, np.random.default_rng(1))
    assert quantise_graph(source, target, scheme) == 2
    assert target.stat().st_size < source.stat().st_size * ratio
    assert _cosines(_run(source), _run(target)).min() > floor


def test_int4_blocks_dequantise_within_half_a_step() -> None:
    rng = np.random.default_rng(2)
    weights = rng.normal(size=(70, 5)).astype(np.float32)  # 70 is not a multiple of the block
    weights[3, 0] = 0.0
    for axis in (0, 1):
        q, scale, zero = int4_blocks(weights, axis, 32)
        assert q.shape == weights.shape and q.dtype == np.uint8 and int(q.max()) <= 15
        assert scale.shape[axis] == -(-weights.shape[axis] // 32) and zero.shape == scale.shape
        spread = np.repeat(scale, 32, axis=axis).take(range(weights.shape[axis]), axis=axis)
        zeros = np.repeat(zero, 32, axis=axis).take(range(weights.shape[axis]), axis=axis).astype(np.float32)
        back = (q.astype(np.float32) - zeros) * spread
        # the clip search may cut a block's extremes: never by more than a tenth of its range
        assert np.all(np.abs(back - weights) <= 0.5 * spread + 0.3 * 15 * spread / 0.7 + 1e-6)
        assert np.abs(back - weights).mean() < 0.3 * spread.mean()


def test_half_scales_are_float16_values_and_the_weights_come_back_the_same(tmp_path: Path) -> None:
    import onnx
    from onnx import numpy_helper

    weights = np.random.default_rng(4).normal(scale=0.05, size=(70, 40)).astype(np.float32)
    q, scale, zero = int4_blocks(weights, 1, 32, half=True)
    assert np.array_equal(scale.astype(np.float16).astype(np.float32), scale) and scale.min() > 0
    spread = np.repeat(scale, 32, axis=1)[:, :40]
    back = (q.astype(np.float32) - np.repeat(zero, 32, axis=1)[:, :40].astype(np.float32)) * spread
    _q, scale32, _zero = int4_blocks(weights, 1, 32)
    error32 = np.abs((_q.astype(np.float32) - np.repeat(_zero, 32, axis=1)[:, :40]) * np.repeat(scale32, 32, axis=1)[:, :40]
                     - weights).mean()
    assert np.abs(back - weights).mean() <= 1.01 * error32  # rounded with the stored scale: no worse

    source, full, half = tmp_path / "f32.onnx", tmp_path / "full.onnx", tmp_path / "half.onnx"
    _tiny_model(source, np.random.default_rng(3))
    quantise_graph(source, full, Scheme(bits=8, table_bits=4, block=32))
    quantise_graph(source, half, Scheme(bits=8, table_bits=4, block=32, half_scales=True))
    model = onnx.load(str(half))
    scales = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer if t.name.endswith("_scale")}
    assert scales["table_scale"].dtype == np.float16 and scales["w_scale"].dtype == np.float32  # int8: as before
    casts = [n for n in model.graph.node if n.op_type == "Cast"]
    assert [(n.input[0], n.output[0]) for n in casts] == [("table_half", "table")]
    assert half.stat().st_size < full.stat().st_size
    assert _cosines(_run(full), _run(half)).min() > 0.999  # a block may keep another clip


def test_4bit_graph_is_opset_21_with_blocked_dequantize(tmp_path: Path) -> None:
    import onnx

    source, target = tmp_path / "f32.onnx", tmp_path / "small.onnx"
    _tiny_model(source, np.random.default_rng(3))
    quantise_graph(source, target, Scheme(bits=8, table_bits=4, block=32))
    model = onnx.load(str(target))
    assert {o.domain: o.version for o in model.opset_import}[""] == 21 and model.ir_version >= 10
    nodes = {n.name: {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute} for n in model.graph.node
             if n.op_type == "DequantizeLinear"}
    assert nodes == {"table_dequantize": {"axis": 1, "block_size": 32}, "w_dequantize": {"axis": 1}}
    types = {t.name: t.data_type for t in model.graph.initializer}
    assert types["table_q"] == onnx.TensorProto.UINT4 and types["w_q"] == onnx.TensorProto.INT8
    # int8 only: the opset is left as it was
    quantise_graph(source, target, Scheme(bits=8, table_bits=8))
    assert {o.domain: o.version for o in onnx.load(str(target)).opset_import}[""] == 17


def test_browser_model_refuses_a_scheme_that_drifts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check of browser_model: a model whose embeddings drift below MIN_COSINE is not kept."""
    from indexer.search import embedding
    from indexer.site import browser_model as bm

    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "model.onnx").write_bytes(b"float model")
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(bm, "quantise_graph", lambda source, target, scheme: target.write_bytes(b"small") and 1)

    class Drifting:
        def __init__(self, path: Path, name: str) -> None:
            self.small = name != "export"

        def encode(self, texts: list[str]) -> np.ndarray:
            vectors = np.zeros((len(texts), 4), dtype=np.float32)
            vectors[:, 0] = 1.0
            if self.small:  # cosine 0.99 to the export's
                vectors[:, :2] = [0.99, np.sqrt(1 - 0.99**2)]
            return vectors

    monkeypatch.setattr(embedding, "OnnxEmbedder", Drifting)
    with pytest.raises(KBError, match=r"drifts from the ONNX export \(cosine 0\.99000 < 0\.995\)"):
        bm.browser_model(folder)
    assert not (folder / bm.BROWSER_MODEL).exists() and not list(folder.glob(".*tmp"))
    monkeypatch.setattr(bm, "MIN_COSINE", 0.98)
    path = bm.browser_model(folder)
    assert path.read_bytes() == b"small"
    meta = json.loads((folder / bm.BROWSER_META).read_text(encoding="utf-8"))
    assert meta["scheme"] == bm.SCHEME.name and meta["min_cosine"] == pytest.approx(0.99)
    monkeypatch.setattr(bm, "quantise_graph", lambda *_args: pytest.fail("made again although cached"))
    assert bm.browser_model(folder) == path


def test_transfer_sizes_are_gzip_level_9_of_each_file(tmp_path: Path) -> None:
    folder = tmp_path / "kb-search"
    rng = np.random.default_rng(4)
    for i, name in enumerate(sa.MODEL_TRANSFER):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"text " * (100 * i) + rng.bytes(1000))
    sizes = sa.transfer_sizes(folder)
    assert list(sizes) == list(sa.MODEL_TRANSFER)
    for name, (raw, gz) in sizes.items():
        data = (folder / name).read_bytes()
        assert raw == len(data) and gz == len(gzip.compress(data, compresslevel=9)) and gz == sa.gzipped_size(data)
    (folder / "vectors.bin").unlink()
    with pytest.raises(KBError, match=r"vectors\.bin: missing from the site's search files"):
        sa.transfer_sizes(folder)


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
