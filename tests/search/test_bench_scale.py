"""scripts/bench_scale.py: its table of ratios and its per-process time and peak memory."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_scale.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_puts_factors_side_by_side_with_the_ratio(bench: ModuleType) -> None:
    rows = [{"kb check (s)": "0.40", "site build (s)": "12.0"},
            {"kb check (s)": "2.60", "site build (s)": "130.0 (exit 1)", "passages": "10128"}]
    assert bench.table([1, 10], rows).splitlines() == [
        "| measure | 1x | 10x | 10x / 1x |",
        "|---|---|---|---|",
        "| kb check (s) | 0.40 | 2.60 | 6.50 |",
        "| site build (s) | 12.0 | 130.0 (exit 1) | 10.83 |",
        "| passages |  | 10128 |  |",
    ]


def test_run_measures_the_peak_memory_of_that_process_alone() -> None:
    """Measured from a small parent, as the script runs (Linux counts a forked parent's resident
    pages before exec in the child's peak, so pytest's own size would be the floor here)."""
    import json
    import subprocess

    probe = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import bench_scale as b\n"
        "grab = [sys.executable, '-c', \"b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])\"]\n"
        "print(json.dumps([b.run(grab), b.run([sys.executable, '-c', 'pass'])]))"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(SCRIPT.parent)], capture_output=True, text=True,
                          check=True, timeout=120)
    (seconds, status, peak_kb), (_s, small_status, small_peak) = json.loads(done.stdout)
    assert status == 0 and seconds > 0 and peak_kb > 200 * 1024
    assert small_status == 0 and small_peak < 100 * 1024


def test_a_failing_step_names_the_command_unless_told_not_to_judge(bench: ModuleType) -> None:
    fail = [sys.executable, "-c", "import sys; sys.exit('no good')"]
    with pytest.raises(RuntimeError, match=r"failed \(1\): no good$"):
        bench.run(fail)
    assert bench.run(fail, judge=False)[1] == 1
