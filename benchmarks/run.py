"""Time alembic-lint against alembic itself on generated migration folders.

    python benchmarks/run.py            # 500, 1,000 and 10,000 files (a few minutes)
    python benchmarks/run.py --quick    # a smoke run: small folders, few repetitions

Every measurement is a fresh process (as a user or CI runs it), repeated; the
median wall time is shown, with peak memory (max RSS of that process, from
wait4). alembic's own cost is `ScriptDirectory(...).get_heads()` in a fresh
process on the same folder: it imports every migration, like every alembic
command. The alembic-lint under test is this checkout's (PYTHONPATH), run the
way the `alembic-lint` console script runs it.

Timings on a shared machine are noisy: the load average is printed before and
after, and each figure is a median.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

# Peak memory: the child reports its own VmHWM (Linux) on exit. wait4's ru_maxrss is no good
# here: Linux carries the high-water mark across exec, so every child would report at least
# this benchmark process's own peak.
_HWM = (
    "import atexit, sys\n"
    "def _hwm():\n"
    "    try:\n"
    "        for line in open('/proc/self/status'):\n"
    "            if line.startswith('VmHWM:'):\n"
    "                sys.stderr.write('\\n__hwm__ ' + line.split()[1] + '\\n')\n"
    "    except OSError:\n"
    "        pass\n"
    "atexit.register(_hwm)\n"
)
LINT = [sys.executable, "-c", _HWM + "import sys; from alembic_lint.cli import main; sys.exit(main())"]
ALEMBIC = [
    sys.executable,
    "-c",
    _HWM + "import sys; from alembic.script import ScriptDirectory; "
    "print(' '.join(sorted(ScriptDirectory(sys.argv[1]).get_heads())))",
]
PASS = [sys.executable, "-c", _HWM + "pass"]


@dataclass
class Measure:
    case: str
    files: int
    seconds: list[float]
    rss_mb: float
    cpu: list[float]  # user + system seconds of the process and the workers it waited for

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def run_once(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, bytes, float]:
    """Wall seconds, peak RSS (MB), stdout and CPU seconds of one fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        data = out.read()
        err.seek(0)
        errors = err.read()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(argv)}\n{errors.decode()}")
    reported = [line for line in errors.splitlines() if line.startswith(b"__hwm__ ")]
    if reported:
        peak = int(reported[-1].split()[1]) / 1024
    else:  # no /proc: an upper bound (includes this process's own peak, see _HWM)
        peak = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 1024)
    return elapsed, peak, data, usage.ru_utime + usage.ru_stime


def measure(
    case: str,
    files: int,
    argv: Sequence[str],
    cwd: Path,
    env: dict[str, str],
    reps: int,
    before: Callable[[], None] | None = None,
) -> Measure:
    seconds: list[float] = []
    cpu: list[float] = []
    rss = 0.0
    for _ in range(reps):
        if before is not None:
            before()
        elapsed, peak, _, used = run_once(argv, cwd, env)
        seconds.append(elapsed)
        cpu.append(used)
        rss = max(rss, peak)
    result = Measure(case, files, seconds, rss, cpu)
    print(
        f"  {case:<38} {files:>6} files  median {result.median:7.3f} s  cpu {result.cpu_median:7.3f} s"
        f"  peak {rss:6.1f} MB",
        flush=True,
    )
    return result


def bench_size(files: int, root: Path, env: dict[str, str], reps: int, alembic_reps: int) -> list[Measure]:
    project = root / f"p{files}"
    generate(project, files, heads=3, seed=files)
    cache = project / ".alembic_lint_cache"
    target = str(project)
    results: list[Measure] = []
    print(f"{files} files:", flush=True)

    # Correctness first: both tools must agree on the heads of this folder.
    _, _, heads, _ = run_once([*ALEMBIC, str(project / "migrations")], root, env)
    _, _, graph, _ = run_once([*LINT, "graph", target, "--format", "json", "--no-cache"], root, env)
    ours = " ".join(sorted(json.loads(graph)["heads"]))
    if heads.decode().strip() != ours:
        raise SystemExit(f"heads differ on {project}: alembic {heads.decode().strip()!r}, alembic-lint {ours!r}")

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    results.append(measure("alembic-lint, cold (--no-cache)", files, [*LINT, target, "--no-cache"], root, env, reps))
    results.append(
        measure("alembic-lint, first run (writes cache)", files, [*LINT, target], root, env, reps, clear_cache)
    )
    run_once([*LINT, target], root, env)
    results.append(measure("alembic-lint, warm cache", files, [*LINT, target], root, env, reps))

    edited = sorted((project / "migrations" / "versions").iterdir())[files // 2]
    original = edited.read_text()
    flip = [0]

    def edit_one() -> None:
        flip[0] += 1
        edited.write_text(original + f"# edit {flip[0]}\n")

    results.append(measure("alembic-lint, warm, 1 file edited", files, [*LINT, target], root, env, reps, edit_one))
    edited.write_text(original)
    run_once([*LINT, target], root, env)
    graph_argv = [*LINT, "graph", target, "--format", "json"]
    results.append(measure("alembic-lint graph --format json", files, graph_argv, root, env, reps))
    results.append(measure("  same, --no-cache", files, [*graph_argv, "--no-cache"], root, env, max(1, reps // 2 + 1)))
    # alembic imports every migration. Its first run after a checkout compiles them all; later
    # runs load the bytecode it wrote to versions/__pycache__. Both are timed.
    alembic_argv = [*ALEMBIC, str(project / "migrations")]
    bytecode = project / "migrations" / "versions" / "__pycache__"

    def clear_bytecode() -> None:
        shutil.rmtree(bytecode, ignore_errors=True)

    results.append(measure(ALEMBIC_FIRST, files, alembic_argv, root, env, alembic_reps, clear_bytecode))
    run_once(alembic_argv, root, env)
    results.append(measure(ALEMBIC_PYC, files, alembic_argv, root, env, alembic_reps))
    return results


ALEMBIC_FIRST = "alembic get_heads(), no __pycache__"
ALEMBIC_PYC = "alembic get_heads(), its __pycache__"


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small folders, few repetitions (a smoke test)")
    parser.add_argument("--reps", type=int, help="repetitions per alembic-lint case (default 7, quick 2)")
    parser.add_argument("--data", type=Path, help="where to generate folders (default: a temporary folder)")
    args = parser.parse_args()
    sizes = [50, 300] if args.quick else [500, 1000, 10000]
    reps = args.reps or (2 if args.quick else 7)
    root = Path(tempfile.mkdtemp(prefix="alembic-lint-bench-", dir=args.data))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, load {load()}")
    version = subprocess.run(
        [sys.executable, "-c", "import alembic; print(alembic.__version__)"], capture_output=True, text=True
    )
    if version.returncode:
        raise SystemExit("alembic is not installed: pip install alembic")
    print(f"alembic {version.stdout.strip()}")
    results: list[Measure] = []
    try:
        for files in sizes:
            alembic_reps = 1 if args.quick else (3 if files >= 5000 else 5)
            results.extend(bench_size(files, root, env, reps, alembic_reps))
        print("start-up:")
        run_once([*LINT, "--version"], root, env)  # compile bytecode first
        results.append(measure("alembic-lint --version", 0, [*LINT, "--version"], root, env, reps * 3))
        results.append(measure("python -c pass (the floor)", 0, PASS, root, env, reps * 3))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"load after: {load()}\n")
    report(results)


def report(results: list[Measure]) -> None:
    first = {m.files: m.median for m in results if m.case == ALEMBIC_FIRST}
    cached = {m.files: m.median for m in results if m.case == ALEMBIC_PYC}
    print("| case | files | median wall (s) | vs alembic (first run) | vs alembic (__pycache__) | CPU (s) | RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for m in results:
        ours = m.case.startswith("alembic-lint") or m.case.startswith("  same")
        a = f"{first[m.files] / m.median:.1f}x" if ours and m.files in first else ""
        b = f"{cached[m.files] / m.median:.1f}x" if ours and m.files in cached else ""
        print(f"| {m.case.strip()} | {m.files:,} | {m.median:.3f} | {a} | {b} | {m.cpu_median:.3f} | {m.rss_mb:.0f} |")
    by_case = {(m.case, m.files): m for m in results}
    rows: list[tuple[str, str, str]] = []

    def goal(text: str, case: str, files: int, limit: float, factor: float | None = None) -> None:
        m = by_case.get((case, files))
        if m is None:
            rows.append((text, "", "not run"))
            return
        shown = f"{m.median:.3f} s"
        verdicts = ["pass" if m.median <= limit else "MISS"]
        if factor is not None:
            for label, baseline in (("first run", first.get(files)), ("__pycache__", cached.get(files))):
                if baseline:
                    shown += f"; {baseline / m.median:.1f}x vs alembic ({label})"
                    verdicts.append(f"{'pass' if baseline / m.median >= factor else 'MISS'} ({label})")
        rows.append((text, shown, ", ".join(verdicts)))

    goal("10,000 files, cold: <= 1.0 s and >= 5x faster than alembic", "alembic-lint, cold (--no-cache)", 10000, 1.0, 5)
    goal("10,000 files, warm cache: <= 0.3 s and >= 15x", "alembic-lint, warm cache", 10000, 0.3, 15)
    goal("1,000 files, cold: <= 0.25 s", "alembic-lint, cold (--no-cache)", 1000, 0.25)
    goal("500 files, cold: <= 0.15 s", "alembic-lint, cold (--no-cache)", 500, 0.15)
    goal("--version: <= 60 ms", "alembic-lint --version", 0, 0.06)
    peaks = [m.rss_mb for m in results if m.files == 10000 and (m.case.startswith("alembic-lint") or "same" in m.case)]
    if peaks:
        rows.append(
            ("peak RSS, 10,000 files: <= 150 MB", f"{max(peaks):.0f} MB", "pass" if max(peaks) <= 150 else "MISS")
        )
    else:
        rows.append(("peak RSS, 10,000 files: <= 150 MB", "", "not run"))
    print("\n| goal | measured | result |\n|---|---|---|")
    for text, shown, verdict in rows:
        print(f"| {text} | {shown} | {verdict} |")


if __name__ == "__main__":
    main()
