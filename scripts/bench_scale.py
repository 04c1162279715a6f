"""Scale benchmark: kb check, kb index, kb search and the site build on the corpus grown N-fold.

    python scripts/bench_scale.py                       # 1x and 10x, everything (an hour or more on 2 cores)
    python scripts/bench_scale.py --factors 1 2 --runs 1 --no-site

For each factor the corpus is grown with ``scripts/grow_corpus.py`` into a temporary folder
(the repository is never written) and, as medians of ``--runs`` runs (``--index-runs`` for
the slow from-scratch index):

- ``kb check`` (a process; its exit status is not judged: the figures are about time);
- ``kb index --full`` from scratch (a process: imports, model load, chunking, embedding,
  writing; the ONNX export is copied in beforehand, from the repository's ``.kb/models`` or
  made once on a one-entry project, so it is not timed) and ``kb index`` after a one-entry edit;
- a cold ``kb search --json`` (a process) and the warm per-query latency (hybrid, in process);
- the index built in this process with the model loaded beside raw ``model.encode`` of the
  same passages (batch 32), alternating: the ratio the issue's target (<= 1.05 at 10x) is set
  in, in wall time and in this process's CPU time (steadier on a shared machine);
- ``mkdocs build --strict`` in a temporary copy of the site's sources (``mkdocs.yml``,
  ``docs/``, the grown corpus, its index; ``node_modules`` linked): time, built bytes and the
  build's peak resident memory (``wait4``'s rusage of that process alone).

Prints one table: each measure at each factor and the ratio of the last factor to the first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grow_corpus import grow  # noqa: E402

BIN = Path(sys.executable).parent
QUERY = "what does co-location achieve"
QUERIES = (QUERY, "TAC meeting", "one person who coordinates support for a family",
           "barriers practitioners reported to working across agencies", "Childcare Act 2006")
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides", "package.json")

Row = dict[str, str]


def _env() -> dict[str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}
    env.pop("KB_ROOT", None)
    return env


def run(argv: list[str], cwd: Path | None = None, judge: bool = True) -> tuple[float, int, int]:
    """Run ``argv``; (seconds, exit status, peak resident kB of that process alone)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    with proc.stderr:
        err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if judge and proc.returncode != 0:
        last = (err.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {last}")
    return elapsed, proc.returncode, usage.ru_maxrss


def median(fn: Callable[[int], float], runs: int) -> float:
    return statistics.median(fn(i) for i in range(runs))


def kb(*args: str) -> list[str]:
    return [str(BIN / "kb"), *args]


def edit_one_entry(root: Path, n: int) -> None:
    entry = sorted((root / "corpus" / "findings").glob("*.md"))[0]
    entry.write_text(entry.read_text(encoding="utf-8") + f"\nA sentence added by the benchmark, run {n}.\n",
                     encoding="utf-8")


def reset_index(root: Path) -> None:
    for path in (root / ".kb").glob("index-*"):
        shutil.rmtree(path)
    (root / ".kb" / "current").unlink(missing_ok=True)


def models_folder(work: Path) -> Path:
    """The ONNX export of the model: the repository's, or one made once on a one-entry project."""
    if (ROOT / ".kb" / "models").is_dir():
        return ROOT / ".kb" / "models"
    seed = work / "seed"
    if not (seed / ".kb" / "models").is_dir():
        (seed / "corpus" / "glossary").mkdir(parents=True)
        shutil.copyfile(ROOT / "bibliography.bib", seed / "bibliography.bib")
        shutil.copyfile(ROOT / "corpus" / "tags.yml", seed / "corpus" / "tags.yml")
        first = sorted((ROOT / "corpus" / "glossary").glob("*.md"))[0]
        shutil.copyfile(first, seed / "corpus" / "glossary" / first.name)
        run(kb("index", "--root", str(seed)))
    return seed / ".kb" / "models"


def bench_factor(factor: int, work: Path, args: argparse.Namespace, echo: Callable[[str], None]) -> Row:
    row: Row = {}
    project = work / f"x{factor}"
    grow(ROOT, project, factor)
    if args.index:
        shutil.copytree(models_folder(work), project / ".kb" / "models", ignore=shutil.ignore_patterns(".*"))
    entries = len(list((project / "corpus").rglob("*.md")))
    row["entries"] = str(entries)
    echo(f"{factor}x: {entries} entries in {project}")

    t = median(lambda _: run(kb("check", "--no-notes", "--root", str(project)), judge=False)[0], args.runs)
    row["kb check (s)"] = f"{t:.2f}"
    echo(f"  kb check {t:.2f} s")
    if args.index:

        def scratch(_: int) -> float:
            reset_index(project)
            return run(kb("index", "--full", "--root", str(project)))[0]

        t = median(scratch, args.index_runs)
        row["kb index from scratch (s)"] = f"{t:.1f}"
        echo(f"  kb index from scratch {t:.1f} s")

        def incremental(n: int) -> float:
            edit_one_entry(project, n)
            return run(kb("index", "--root", str(project)))[0]

        t = median(incremental, args.runs)
        row["kb index, one entry edited (s)"] = f"{t:.2f}"
        echo(f"  kb index after a one-entry edit {t:.2f} s")
        t = median(lambda _: run(kb("search", QUERY, "--json", "--root", str(project)))[0], max(args.runs, 3))
        row["kb search cold (s)"] = f"{t:.3f}"
        echo(f"  kb search cold {t:.3f} s")
        row.update(in_process(project, args, echo))
    if args.site:
        row.update(site_build(project, work / f"site-x{factor}", args, echo))
    return row


def in_process(project: Path, args: argparse.Namespace, echo: Callable[[str], None]) -> Row:
    """Warm queries; the index built with the model loaded beside raw model.encode."""
    from indexer.search.build import build_index
    from indexer.search.embedding import SentenceTransformerEmbedder
    from indexer.search.query import open_searcher
    from indexer.search.store import load_index

    row: Row = {}
    searcher = open_searcher(project)
    for q in QUERIES:
        searcher.search(q)
    latencies = []
    for _ in range(args.runs):
        for q in QUERIES:
            start = time.perf_counter()
            searcher.search(q, top_k=10)
            latencies.append(time.perf_counter() - start)
    row["kb search warm (ms)"] = f"{1000 * statistics.median(latencies):.1f}"
    st = SentenceTransformerEmbedder()
    texts = [c.embed_text for c in load_index(project, st.model_id).chunks]
    row["passages"] = str(len(texts))
    index_times, encode_times, index_cpu, encode_cpu = [], [], [], []
    for _ in range(args.index_runs):  # alternating; CPU time of this process beside wall time, as the
        start, cpu = time.perf_counter(), time.process_time()  # machine may be shared
        st.model.encode(texts, batch_size=32)
        encode_times.append(time.perf_counter() - start)
        encode_cpu.append(time.process_time() - cpu)
        start, cpu = time.perf_counter(), time.process_time()
        build_index(project, embedder=lambda: st, reuse=False)
        index_times.append(time.perf_counter() - start)
        index_cpu.append(time.process_time() - cpu)
    t_index, t_encode = statistics.median(index_times), statistics.median(encode_times)
    c_index, c_encode = statistics.median(index_cpu), statistics.median(encode_cpu)
    row["index, model loaded (s)"] = f"{t_index:.1f}"
    row["raw model.encode (s)"] = f"{t_encode:.1f}"
    row["index / raw encode"] = f"{t_index / t_encode:.3f}"
    row["index / raw encode, CPU time"] = f"{c_index / c_encode:.3f}"
    echo(f"  warm query {row['kb search warm (ms)']} ms; index {t_index:.1f} s, raw encode {t_encode:.1f} s "
         f"({len(texts)} passages), ratio {t_index / t_encode:.3f} (CPU time {c_index:.1f} s / {c_encode:.1f} s"
         f" = {c_index / c_encode:.3f})")
    return row


def site_build(project: Path, folder: Path, args: argparse.Namespace, echo: Callable[[str], None]) -> Row:
    """``mkdocs build --strict`` of the grown corpus in a copy of the site's sources."""
    folder.mkdir()
    for name in SITE_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        elif source.is_file():
            shutil.copyfile(source, folder / name)
    for name in ("corpus", "bibliography.bib", ".kb"):
        os.symlink(project / name, folder / name)
    if (ROOT / "node_modules").exists():
        os.symlink((ROOT / "node_modules").resolve(), folder / "node_modules")
    times, peaks, status = [], [], 0
    for _ in range(args.site_runs):
        shutil.rmtree(folder / "site", ignore_errors=True)
        seconds, status, peak = run([str(BIN / "mkdocs"), "build", "--strict", "-q", "-d", "site"], cwd=folder,
                                    judge=False)
        times.append(seconds)
        peaks.append(peak)
    size = sum(p.stat().st_size for p in (folder / "site").rglob("*") if p.is_file()) if status == 0 else 0
    row = {
        "site build (s)": f"{statistics.median(times):.1f}" + ("" if status == 0 else f" (exit {status})"),
        "site bytes (MB)": f"{size / 1e6:.1f}",
        "site build peak memory (MB)": f"{max(peaks) / 1024:.0f}",
    }
    echo(f"  site build {row['site build (s)']} s, {row['site bytes (MB)']} MB, "
         f"peak {row['site build peak memory (MB)']} MB")
    shutil.rmtree(folder / "site", ignore_errors=True)
    return row


def table(factors: list[int], rows: list[Row]) -> str:
    names = list(dict.fromkeys(name for row in rows for name in row))
    head = ["measure", *(f"{f}x" for f in factors), f"{factors[-1]}x / {factors[0]}x"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        cells = [row.get(name, "") for row in rows]
        try:
            first, last = float(cells[0].split()[0]), float(cells[-1].split()[0])
            ratio = f"{last / first:.2f}" if first else ""
        except (ValueError, IndexError):
            ratio = ""
        lines.append("| " + " | ".join([name, *cells, ratio]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10], help="corpus sizes (default 1 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the quick measures (default 3)")
    parser.add_argument("--index-runs", type=int, default=1, help="runs of the from-scratch index (default 1)")
    parser.add_argument("--site-runs", type=int, default=1, help="runs of the site build (default 1)")
    parser.add_argument("--no-index", dest="index", action="store_false", help="skip indexing and search")
    parser.add_argument("--no-site", dest="site", action="store_false", help="skip the site build")
    args = parser.parse_args(argv)
    if args.site and not args.index:
        parser.error("the site build needs the index (drop --no-index, or add --no-site)")

    def echo(text: str) -> None:
        print(text, flush=True)

    with tempfile.TemporaryDirectory(prefix="kb-bench-scale-") as tmp:
        rows = [bench_factor(f, Path(tmp), args, echo) for f in args.factors]
    print(table(args.factors, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
