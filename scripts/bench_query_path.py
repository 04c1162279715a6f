"""The query path side by side on two indexed projects (say the corpus and the corpus grown 10x):
a warm hybrid query in process, stage by stage, and a cold ``kb search`` process beside the
wall time of ``python -c "import sentence_transformers"``; medians of runs taken in one run,
interleaved, with the ratios.

    python scripts/grow_corpus.py . /tmp/g10 --factor 10 && kb index --root /tmp/g10
    python scripts/bench_query_path.py . /tmp/g10 [--runs 7] [--queries tests/queries/project_queries.json]

Both projects must be indexed (``kb index``); nothing is written to them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERY = "what does co-location achieve"


def _ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - start)


def _fuse(index: Any, text: str, dense: Any, lexical: Any, docs: list[int]) -> Any:
    from indexer.search.query import fusion_weight, score_fusion

    return score_fusion(dense, lexical, fusion_weight(index.lexical.coverage(text, docs)))


def warm_stages(root: Path, queries: list[str], runs: int) -> dict[str, float]:
    """Median milliseconds per query of each stage of a hybrid search, and of the whole."""
    from indexer.search.query import COVERAGE_DEPTH, Searcher, open_searcher

    searcher: Searcher = open_searcher(root)
    for q in queries[:5]:
        searcher.search(q)  # warm up: model, caches
    stages: dict[str, list[float]] = {k: [] for k in ("expansion", "embed", "dense", "lexical", "fusion", "search")}
    index = searcher.index
    for _ in range(runs):
        for q in queries:
            e = index.expansion.expand(q)
            vector = searcher.embed(e.text)
            dense = searcher.dense(e.text, None, 100, vector)
            lexical = searcher.lexical(e.text, None, 100, e.extra)
            docs = [i for i, _s in lexical[:COVERAGE_DEPTH]]
            steps: dict[str, Callable[[], Any]] = {
                "expansion": partial(index.expansion.expand, q),
                "embed": partial(searcher.embed, e.text),
                "dense": partial(searcher.dense, e.text, None, 100, vector),
                "lexical": partial(searcher.lexical, e.text, None, 100, e.extra),
                "fusion": partial(_fuse, index, e.text, dense, lexical, docs),
                "search": partial(searcher.search, q, top_k=10),
            }
            for name, step in steps.items():
                stages[name].append(_ms(step))
    out = {k: statistics.median(v) for k, v in stages.items()}
    out["chunks"] = len(searcher.index.chunks)
    return out


def _wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def cold(roots: list[Path], runs: int) -> dict[str, float]:
    """Median wall seconds of a cold ``kb search --json`` on each root and of importing
    sentence-transformers, runs interleaved, with compiled bytecode (``process_env``)."""
    from indexer.search.bench import process_env

    kb = [sys.executable, "-c", "from indexer.cli import run; run()"]  # as the installed kb
    jobs = {f"kb search {r}": [*kb, "search", QUERY, "--json", "--root", str(r)] for r in roots}
    jobs["import sentence_transformers"] = [sys.executable, "-c", "import sentence_transformers"]
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        env = {**process_env(Path(pycache)), "PYTHONPATH": str(ROOT)}
        for argv in jobs.values():
            _wall(argv, env)  # warm the file cache, compile the bytecode
        times: dict[str, list[float]] = {k: [] for k in jobs}
        for _ in range(runs):
            for name, argv in jobs.items():
                times[name].append(_wall(argv, env))
    return {k: statistics.median(v) for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", type=Path, default=ROOT / "tests" / "queries" / "project_queries.json")
    parser.add_argument("--no-cold", action="store_true")
    args = parser.parse_args(argv)
    queries = [q["q"] for q in json.loads(args.queries.read_text(encoding="utf-8"))["queries"]]
    small, large = warm_stages(args.small, queries, args.runs), warm_stages(args.large, queries, args.runs)
    print(f"warm hybrid query, median ms per query ({len(queries)} queries x {args.runs} runs)")
    print(f"{'stage':<12}{'small':>10}{'large':>10}{'ratio':>8}")
    for key in small:
        ratio = large[key] / small[key] if small[key] else float("nan")
        print(f"{key:<12}{small[key]:>10.2f}{large[key]:>10.2f}{ratio:>8.2f}")
    if not args.no_cold:
        walls = cold([args.small, args.large], args.runs)
        st = walls["import sentence_transformers"]
        print(f"cold processes, median wall seconds of {args.runs} interleaved runs")
        for name, seconds in walls.items():
            print(f"  {name:<60}{seconds:>7.3f} s  ({seconds / st:.3f} x import sentence_transformers)")
        a, b = walls[f"kb search {args.small}"], walls[f"kb search {args.large}"]
        print(f"  cold kb search large / small: {b / a:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
