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
    alembic_argv = [*ALEMBIC, str(project / "migrations")]
    results.append(measure("alembic ScriptDirectory.get_heads()", files, alembic_argv, root, env, alembic_reps))
    return results


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
    alembic = {m.files: m.median for m in results if m.case.startswith("alembic ScriptDirectory")}
    print("| case | files | median wall (s) | vs alembic | median CPU (s) | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for m in results:
        ratio = (
            f"{alembic[m.files] / m.median:.1f}x faster" if m.files in alembic and "alembic " not in m.case[:8] else ""
        )
        print(f"| {m.case.strip()} | {m.files:,} | {m.median:.3f} | {ratio} | {m.cpu_median:.3f} | {m.rss_mb:.0f} |")
    by_case = {(m.case, m.files): m for m in results}

    def get(case: str, files: int) -> Measure | None:
        return by_case.get((case, files))

    goals: list[tuple[str, Measure | None, Callable[[Measure], bool], str]] = []
    for files, limit, factor in ((10000, 1.0, 5), (1000, 0.25, None), (500, 0.15, None)):
        m = get("alembic-lint, cold (--no-cache)", files)
        text = f"{files:,} files, cold: <= {limit} s" + (f" and >= {factor}x faster than alembic" if factor else "")
        goals.append((text, m, _check(limit, factor, alembic.get(files)), _shown(m, alembic.get(files))))
    m = get("alembic-lint, warm cache", 10000)
    goals.append(
        (
            "10,000 files, warm: <= 0.3 s and >= 15x",
            m,
            _check(0.3, 15, alembic.get(10000)),
            _shown(m, alembic.get(10000)),
        )
    )
    m = get("alembic-lint --version", 0)
    goals.append(("--version: <= 60 ms", m, _check(0.06, None, None), _shown(m, None)))
    cold = get("alembic-lint, cold (--no-cache)", 10000)
    peak = max((x.rss_mb for x in results if x.files == 10000 and "alembic-lint" in x.case), default=None)
    goals.append(
        (
            "peak RSS at 10,000 files: <= 150 MB",
            cold,
            lambda _m: peak is not None and peak <= 150,
            f"{peak:.0f} MB" if peak else "",
        )
    )
    print("\n| goal | measured | result |\n|---|---|---|")
    for text, m, ok, shown in goals:
        verdict = "not run" if m is None else ("pass" if ok(m) else "MISS")
        print(f"| {text} | {shown} | {verdict} |")


def _check(limit: float, factor: float | None, alembic: float | None) -> Callable[[Measure], bool]:
    def ok(m: Measure) -> bool:
        if m.median > limit:
            return False
        return factor is None or (alembic is not None and alembic / m.median >= factor)

    return ok


def _shown(m: Measure | None, alembic: float | None) -> str:
    if m is None:
        return ""
    text = f"{m.median:.3f} s"
    if alembic:
        text += f", {alembic / m.median:.1f}x"
    return text


if __name__ == "__main__":
    main()
