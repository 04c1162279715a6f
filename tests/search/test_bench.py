"""kb bench's quality measures agree with shared/eval/score.py."""

from __future__ import annotations

from indexer.search.bench import judge, relevant
from indexer.search.chunking import Chunk
from indexer.search.expansion import Expansion
from indexer.search.query import Hit, Results


def hit(rank: int, text: str) -> Hit:
    chunk = Chunk(id=f"c{rank}", path_id=f"findings/c{rank}", kind="finding", title="T", section_path=(),
                  anchor="", url="findings/c/", text=text, tags=(), year=None)
    return Hit(rank=rank, score=1.0 / rank, chunk=chunk)


def test_relevant_needs_every_pattern_and_folds_curly_quotes() -> None:
    assert relevant({"title": "Children’s trusts", "section": "", "text": "a trust"}, ["children's trust"])
    assert not relevant({"title": "x", "text": "information"}, ["shar", "information"])


def test_judge_measures() -> None:
    queries = [{"q": "a", "all": ["good"]}, {"q": "b", "all": ["good"]}]
    answers = [
        Results("a", Expansion("a", ()), (hit(1, "bad"), hit(2, "good"), hit(3, "good"))),
        Results("b", Expansion("b", ()), (hit(1, "bad"),)),
    ]
    q = judge(queries, answers)
    assert (q.s1, q.s5, q.mrr10, q.n) == (0.0, 0.5, 0.25, 2)
    assert q.p5 == (2 / 5 + 0) / 2


def test_timed_processes_compile_their_bytecode_outside_the_source(tmp_path, monkeypatch) -> None:
    import subprocess
    import sys

    from indexer.search.bench import process_env

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("KB_ROOT", "/elsewhere")
    module = tmp_path / "src" / "probe_module.py"
    module.parent.mkdir()
    module.write_text("VALUE = 1\n", encoding="utf-8")
    env = {**process_env(tmp_path / "cache"), "PYTHONPATH": str(module.parent)}
    assert "PYTHONDONTWRITEBYTECODE" not in env and "KB_ROOT" not in env and env["HF_HUB_OFFLINE"] == "1"
    subprocess.run([sys.executable, "-c", "import probe_module"], env=env, check=True)
    assert list((tmp_path / "cache").rglob("probe_module*.pyc"))  # compiled, into the cache
    assert not list(module.parent.rglob("*.pyc"))  # nothing beside the source
