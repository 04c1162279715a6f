"""Time ``kb check`` (in-process) on one synthetic entry of 1.25, 2.5 and 5 MB.

The entry is the good fixture's finding with a body of many cited paragraphs; a linear
check takes about twice as long for twice the size. Prints the median of three runs per size.

    python scripts/bench_check_size.py
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from indexer.corpus.check import run_check

GOOD = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "check" / "good"
FINDING = "corpus/findings/co-location-what-it-achieves.md"
PARAGRAPH = (
    "Sharing a building makes informal contact between agencies easier, and practitioners said so "
    "[@mcinnes2007practitioners, p. 21]; @atkinson2002multiagency [p. 9] reported the same "
    "[see @gasper2010what; @mcinnes2007practitioners, sec. 5].\n\n"
)


def main() -> None:
    sizes = [float(a) for a in sys.argv[1:]] or [1.25, 2.5, 5.0]
    previous = None
    for megabytes in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "kb"
            shutil.copytree(GOOD, root)
            path = root / FINDING
            head = path.read_text(encoding="utf-8")
            body = PARAGRAPH * int(megabytes * 1_000_000 / len(PARAGRAPH))
            path.write_text(head + "\n## Many\n\n" + body, encoding="utf-8")
            times = []
            for _ in range(3):
                start = time.perf_counter()
                report = run_check(root)
                times.append(time.perf_counter() - start)
            median = statistics.median(times)
            ratio = f" (x{median / previous:.2f})" if previous else ""
            print(f"{megabytes:5.2f} MB: {median:6.2f} s{ratio}, {len(report.errors)} errors")
            previous = median


if __name__ == "__main__":
    main()
