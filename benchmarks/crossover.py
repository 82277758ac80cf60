"""Where parsing in two processes starts to beat parsing in one (for parallel.PARALLEL_MIN_BYTES).

    python benchmarks/crossover.py [--reps 7]     # generated files (1.1 kB each), then superset's (2.5 kB)

In-process, the way `parse_files` runs: serial (jobs=1) against one forked worker
(jobs=2) on the first N files of a generated folder and of superset's migrations
(benchmarks/realworld.py; skipped when they are not downloaded), median of several runs
each, with the files' total size: the crossover is a number of bytes more than of files.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from generate import generate  # noqa: E402
from realworld import superset  # noqa: E402

from alembic_lint.discover import discover  # noqa: E402
from alembic_lint.lint import parse_files  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "p", 2000, seed=2000)
        (folder,) = discover([Path(tmp) / "p"])
        print("generated files")
        table(folder.files, (25, 50, 100, 150, 200, 300, 500, 1000, 2000), args.reps)
    corpus = superset(download=False)
    if isinstance(corpus, str):
        print(f"superset: skipped ({corpus})")
        return
    (folder,) = discover([corpus.root / corpus.target])
    print(f"\n{corpus.name}")
    table(folder.files, (25, 50, 75, 100, 150, 200, len(folder.files)), args.reps)


def table(files: tuple[Path, ...], counts: tuple[int, ...], reps: int) -> None:
    parse_files(files)  # warm the page cache
    print("| files | kB | serial (ms) | 2 processes (ms) | speed-up | load |\n|---:|---:|---:|---:|---:|---|")
    for count in counts:
        paths = files[:count]
        size = sum(path.stat().st_size for path in paths) / 1000
        timings: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(reps):
            for jobs in (1, 2):
                start = time.perf_counter()
                parse_files(paths, jobs=jobs)
                timings[jobs].append(time.perf_counter() - start)
        serial, forked = (statistics.median(timings[j]) * 1000 for j in (1, 2))
        load = f"{os.getloadavg()[0]:.2f}"
        print(f"| {count} | {size:.0f} | {serial:.1f} | {forked:.1f} | {serial / forked:.2f}x | {load} |", flush=True)


if __name__ == "__main__":
    main()
