"""Where parsing in two processes starts to beat parsing in one (for parallel.PARALLEL_MIN_FILES).

    python benchmarks/crossover.py [--reps 7]

In-process, the way `parse_files` runs: serial (jobs=1) against one forked worker
(jobs=2) on the first N files of a generated folder, median of several runs each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from generate import generate  # noqa: E402

from alembic_lint.discover import discover  # noqa: E402
from alembic_lint.lint import parse_files  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "p", 2000, seed=2000)
        (folder,) = discover([Path(tmp) / "p"])
        parse_files(folder.files)  # warm the page cache
        print("| files | serial (ms) | 2 processes (ms) | speed-up |\n|---:|---:|---:|---:|")
        for count in (25, 50, 100, 150, 200, 300, 500, 1000, 2000):
            paths = folder.files[:count]
            timings: dict[int, list[float]] = {1: [], 2: []}
            for _ in range(args.reps):
                for jobs in (1, 2):
                    start = time.perf_counter()
                    parse_files(paths, jobs=jobs)
                    timings[jobs].append(time.perf_counter() - start)
            serial, forked = (statistics.median(timings[j]) * 1000 for j in (1, 2))
            print(f"| {count} | {serial:.1f} | {forked:.1f} | {serial / forked:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
