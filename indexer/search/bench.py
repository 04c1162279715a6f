"""``kb bench``: speed and retrieval quality, as medians of several runs in one process run.

Everything runs on a temporary copy of the project (corpus, bibliography and the cached
ONNX export), so the live index is never touched. In this order (subprocesses first, while
this process has not imported torch):

- a full ``kb index --full`` beside ``kb index`` after a one-entry edit (subprocesses);
- a cold ``kb search`` beside ``python -c "import sentence_transformers"`` (subprocesses,
  alternating, each run once first; both with compiled bytecode, as an installed package
  has: ``process_env``);
- the warm per-query latency (hybrid, ONNX query embeddings);
- Success@1, Success@5, MRR@10 and P@5 of each mode on query files in the format of
  ``tests/queries/dev_queries.json`` (a result is relevant when all its regexes match
  title + section + text, as ``shared/eval/score.py`` judges);
- indexing throughput (chunks/s, every chunk chunked and embedded again, the model loaded
  once) beside raw ``model.encode`` on the same chunk texts, alternating.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..corpus.project import BIBLIOGRAPHY, CORPUS_DIR
from ..problems import KBError
from .query import MODES, Results, Searcher

Echo = Callable[[str], None]
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
COLD_QUERY = "what does co-location achieve"


@dataclass(frozen=True)
class Quality:
    """Mean Success@1, Success@5, MRR@10 and P@5 of one mode on one query file."""

    s1: float
    s5: float
    mrr10: float
    p5: float
    n: int

    def __str__(self) -> str:
        return f"S@1={self.s1:.3f} S@5={self.s5:.3f} MRR@10={self.mrr10:.3f} P@5={self.p5:.3f}"


def load_queries(path: Path) -> list[dict[str, Any]]:
    try:
        queries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["queries"]
    except (OSError, ValueError, KeyError) as exc:
        raise KBError(f"{path}: not a query file ({exc})") from None
    return queries


def relevant(hit: dict[str, Any], patterns: Sequence[str]) -> bool:
    blob = " ".join(str(hit.get(f) or "") for f in ("title", "section", "text")).translate(_QUOTES)
    return all(re.search(p, blob, re.IGNORECASE) for p in patterns)


def judge(queries: Sequence[dict[str, Any]], answers: Sequence[Results], k: int = 10) -> Quality:
    """The same measures as shared/eval/score.py."""
    s1 = s5 = rr = p5 = 0.0
    for query, results in zip(queries, answers, strict=True):
        flags = [relevant(h.to_dict(), query["all"]) for h in results.hits[:k]]
        first = next((i + 1 for i, f in enumerate(flags) if f), None)
        s1 += first == 1
        s5 += bool(first and first <= 5)
        rr += 1.0 / first if first else 0.0
        p5 += sum(flags[:5]) / 5.0
    n = max(len(queries), 1)
    return Quality(s1 / n, s5 / n, rr / n, p5 / n, len(queries))


def quality(searcher: Searcher, queries: Sequence[dict[str, Any]], mode: str) -> Quality:
    return judge(queries, [searcher.search(q["q"], mode=mode, top_k=10) for q in queries])


def median_time(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextmanager
def project_copy(root: Path) -> Iterator[Path]:
    """A temporary copy of the project's corpus, bibliography and cached model export."""
    from .store import MODELS_DIR, kb_dir

    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(root / CORPUS_DIR, copy / CORPUS_DIR)
        shutil.copyfile(root / BIBLIOGRAPHY, copy / BIBLIOGRAPHY)
        if (kb_dir(root) / MODELS_DIR).is_dir():
            shutil.copytree(kb_dir(root) / MODELS_DIR, kb_dir(copy) / MODELS_DIR)
        yield copy


def _kb(*args: str) -> list[str]:
    """The ``kb`` command of this environment (its console script), with ``args``."""
    script = Path(sys.executable).parent / "kb"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from indexer.cli import run; run()", *args]


def process_env(pycache: Path) -> dict[str, str]:
    """The environment for timed subprocesses: offline, and writing and reading compiled
    bytecode in ``pycache`` (``PYTHONPYCACHEPREFIX``) even where the caller's environment says
    not to write it (``PYTHONDONTWRITEBYTECODE``), so that a process started a second time
    compiles nothing, as after an install; nothing is written beside the source."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("KB_ROOT", None)
    return env


def _run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise KBError(f"{' '.join(argv)} failed: {last}")
    return elapsed


def _edit_one_entry(root: Path, n: int) -> None:
    entry = sorted((root / CORPUS_DIR / "findings").glob("*.md"))[0]
    text = entry.read_text(encoding="utf-8").rstrip("\n")
    entry.write_text(text + f"\n\nA sentence added by kb bench, run {n}.\n", encoding="utf-8")


def run_bench(root: Path, query_files: Sequence[Path], echo: Echo, runs: int = 3) -> None:
    """Measure and print every figure (see the module's docstring)."""
    from .build import build_index
    from .embedding import SentenceTransformerEmbedder
    from .query import open_searcher
    from .store import load_index

    with project_copy(root) as copy, tempfile.TemporaryDirectory(prefix="kb-bench-pycache-") as pycache:
        env = process_env(Path(pycache))
        echo(f"kb bench: medians of {runs} runs, on a copy of {root}")
        # subprocesses first, while this process has not imported torch
        full = [_run(_kb("index", "--full", "--root", str(copy)), env) for _ in range(runs)]
        incremental = []
        for i in range(runs):
            _edit_one_entry(copy, i)
            incremental.append(_run(_kb("index", "--root", str(copy)), env))
        t_full, t_inc = statistics.median(full), statistics.median(incremental)
        echo(
            f"kb index --full: {t_full:.2f} s; kb index after a one-entry edit: {t_inc:.2f} s "
            f"({100 * t_inc / t_full:.1f}% of full)"
        )

        cold, imports = [], []
        search_argv = _kb("search", COLD_QUERY, "--json", "--root", str(copy))
        import_argv = [sys.executable, "-c", "import sentence_transformers"]
        for argv in (search_argv, import_argv):
            _run(argv, env)  # compiled once, as an installed package is
        for _ in range(max(runs, 5)):
            cold.append(_run(search_argv, env))
            imports.append(_run(import_argv, env))
        t_cold, t_import = statistics.median(cold), statistics.median(imports)
        echo(
            f"cold kb search: {t_cold:.3f} s; python -c 'import sentence_transformers': "
            f"{t_import:.3f} s; ratio {t_cold / t_import:.3f}"
        )

        searcher = open_searcher(copy)
        queries_all = [q for path in query_files for q in load_queries(path)] or [{"q": COLD_QUERY}]
        for q in queries_all[:5]:
            searcher.search(q["q"])  # warm up
        latencies = []
        for _ in range(runs):
            for q in queries_all:
                start = time.perf_counter()
                searcher.search(q["q"], top_k=10)
                latencies.append(time.perf_counter() - start)
        echo(f"warm query (hybrid): median {1000 * statistics.median(latencies):.2f} ms over {len(latencies)} queries")
        for path in query_files:
            queries = load_queries(path)
            for mode in MODES:
                echo(f"quality {path.name} ({len(queries)} queries) {mode:>8}: {quality(searcher, queries, mode)}")

        # in this process: the pipeline against the model alone, on the same chunks
        st = SentenceTransformerEmbedder()
        texts = [c.embed_text for c in load_index(copy, st.model_id).chunks]
        n = len(texts)
        index_times, encode_times = [], []
        for _ in range(runs):
            index_times.append(median_time(lambda: build_index(copy, embedder=lambda: st, reuse=False), 1))
            encode_times.append(median_time(lambda: st.model.encode(texts, batch_size=32), 1))
        t_index, t_encode = statistics.median(index_times), statistics.median(encode_times)
        echo(
            f"indexing ({n} chunks, model loaded): {n / t_index:.1f} chunks/s ({t_index:.2f} s); "
            f"raw model.encode: {n / t_encode:.1f} chunks/s ({t_encode:.2f} s); ratio {t_encode / t_index:.2f}"
        )
