"""alembic-lint against its peers, in one run: zdm (Rust) and alembic's own get_heads().

    pip install -r benchmarks/requirements.txt    # the peers: alembic, zdm 0.9.1
    python benchmarks/run.py                      # superset's folder, 1,000 and 10,000 generated: ~4 min
    python benchmarks/run.py --quick              # a smoke run (CI runs it): small folders, 2 rounds
    python benchmarks/run.py --baseline ../main   # and another checkout's alembic-lint, in the same rounds

Cases: superset's real migrations (benchmarks/realworld.py downloads them once; skipped
with the reason when that fails), folders of 1,000 and 10,000 generated migrations
(benchmarks/generate.py), and start-up (`--version` against `python -c pass`).

Every run is a fresh process, started as a user or CI starts it: the installed
`alembic-lint` console script (this checkout's code, through PYTHONPATH), the `zdm` binary,
and `ScriptDirectory(...).get_heads()` in `python -c` for alembic (it imports every
migration: timed without its versions/__pycache__, as after a checkout, and with the one
that run leaves). A case runs its commands interleaved, round after round (A B C A B C ...),
so a change in the machine's speed hits every command alike; a figure is the median over
the rounds and its min-max spread, a ratio the median of the per-round ratios. Peak memory
(the largest single process, as GNU time reports it) comes from one more run per command.

With `--baseline DIR`, the alembic-lint of another checkout (DIR on PYTHONPATH, the same
console script and interpreter) runs cold and warm in the same rounds, with its own cache,
and a last table gives its times beside this checkout's and their per-round ratios: a
before/after that the machine's changing speed does not skew.

Before timing, each generated folder is checked: alembic and alembic-lint must agree on its
heads, and the cold, first and warm runs of alembic-lint must print the same report.
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
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from realworld import superset  # noqa: E402

GNU_TIME = Path("/usr/bin/time")
ALEMBIC_HEADS = (
    "import sys; from alembic.script import ScriptDirectory; "
    "print(' '.join(sorted(ScriptDirectory(sys.argv[1]).get_heads())))"
)

# Labels shared by the cases, the summary and the goals.
COLD, FIRST, WARM = "alembic-lint cold (--no-cache)", "alembic-lint first run (writes cache)", "alembic-lint warm"
BASE_COLD, BASE_WARM = "baseline cold (--no-cache)", "baseline warm"
EDITED = "alembic-lint warm, 1 file edited"
ZDM = "zdm"
ALEMBIC_FIRST, ALEMBIC_PYC = "alembic get_heads(), no __pycache__", "alembic get_heads(), its __pycache__"
VERSION, VERSION_M, PASS, ZDM_VERSION = (
    "alembic-lint --version",
    "python -m alembic_lint --version",
    "python -c pass",
    "zdm --version",
)


@dataclass
class Command:
    label: str
    argv: list[str]
    before: Callable[[], None] | None = None  # run before each timed run (clear a cache...)
    rounds: int | None = None  # fewer rounds than the case (slow peers)
    env: dict[str, str] | None = None  # instead of the case's (the baseline's PYTHONPATH)
    seconds: dict[int, float] = field(default_factory=dict)  # round -> wall seconds
    cpu: dict[int, float] = field(default_factory=dict)  # round -> user + system seconds
    peak_mb: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds.values())

    @property
    def spread(self) -> str:
        return f"{min(self.seconds.values()):.3f}-{max(self.seconds.values()):.3f}"


@dataclass
class Case:
    name: str
    files: int
    cwd: Path
    env: dict[str, str]
    commands: list[Command] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # label -> why it did not run
    load: tuple[str, str] = ("", "")

    def get(self, label: str) -> Command | None:
        return next((c for c in self.commands if c.label == label and c.seconds), None)

    def ratio(self, peer: str, ours: str, *, cpu: bool = False) -> float | None:
        """Median over the rounds where both ran of peer time / our time (above 1: we are faster);
        with `cpu`, of CPU times (steadier on a loaded machine; ours includes parsing workers)."""
        a, b = self.get(peer), self.get(ours)
        if a is None or b is None:
            return None
        x, y = (a.cpu, b.cpu) if cpu else (a.seconds, b.seconds)
        pairs = [x[r] / y[r] for r in x if r in y and y[r] > 0]
        return statistics.median(pairs) if pairs else None

    def difference(self, ours: str, floor: str) -> float | None:
        """Median over the rounds of our time minus the floor's (seconds)."""
        a, b = self.get(ours), self.get(floor)
        if a is None or b is None:
            return None
        return statistics.median(a.seconds[r] - b.seconds[r] for r in a.seconds if r in b.seconds)


@dataclass
class Run:
    wall: float
    cpu: float
    code: int
    stdout: bytes
    stderr: bytes


def run_once(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> Run:
    """One fresh process: wall seconds, CPU seconds (its own and the workers it waited for), output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, code, out.read(), err.read())


def checked(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> Run:
    """run_once, failing the benchmark unless the command exits 0 or 1 (1: findings)."""
    result = run_once(argv, cwd, env)
    if result.code not in (0, 1):
        raise SystemExit(
            f"benchmark command failed ({result.code}) in {cwd}: {' '.join(argv)}\n{result.stderr.decode()[-2000:]}"
        )
    return result


def peak_mb(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> float | None:
    """The largest single process's peak RSS, from GNU time (None without it). wait4's own
    ru_maxrss is no good here: Linux carries the high-water mark across fork and exec, so
    every child would report at least this benchmark process's peak."""
    if not GNU_TIME.exists():
        return None
    with tempfile.NamedTemporaryFile(suffix=".rss") as report:
        checked([str(GNU_TIME), "-f", "%M", "-o", report.name, *argv], cwd, env)
        lines = Path(report.name).read_text().split()
    return int(lines[-1]) / 1024 if lines else None


def run_case(case: Case, rounds: int) -> Case:
    print(f"\n{case.name} ({case.files:,} migrations), {rounds} rounds, load {load()}", flush=True)
    for label, why in case.skipped.items():
        print(f"  skipped {label}: {why}")
    before = load()
    for r in range(rounds):
        for command in case.commands:
            if command.rounds is not None and r >= command.rounds:
                continue
            if command.before is not None:
                command.before()
            result = checked(command.argv, case.cwd, command.env or case.env)
            command.seconds[r] = result.wall
            command.cpu[r] = result.cpu
    for command in case.commands:
        if command.before is not None:
            command.before()
        command.peak_mb = peak_mb(command.argv, case.cwd, command.env or case.env)
        peak = f"{command.peak_mb:6.1f} MB" if command.peak_mb is not None else "  n/a (no GNU time)"
        print(
            f"  {command.label:<40} median {command.median:7.3f} s  ({command.spread})"
            f"  cpu {statistics.median(command.cpu.values()):7.3f} s  peak {peak}",
            flush=True,
        )
    case.load = (before, load())
    return case


@dataclass
class Tools:
    lint: list[str]  # the console script
    python: str
    zdm: str | None
    zdm_missing: str  # why zdm is not there
    alembic: str | None  # its version
    alembic_missing: str
    baseline: Path | None = None  # another checkout, timed beside this one (--baseline)


def find_tools(env: dict[str, str]) -> Tools:
    bindir = Path(sys.executable).parent
    script = bindir / "alembic-lint"
    if not script.exists():
        found = shutil.which("alembic-lint")
        if found is None:
            raise SystemExit("the alembic-lint console script is not installed: pip install -e .")
        script = Path(found)
    if "alembic_lint.__main__ import main" not in script.read_text(errors="replace"):
        print(f"warning: {script} is an older console script (reinstall: pip install -e .); timing it as it is")
    zdm = shutil.which("zdm", path=os.pathsep.join([str(bindir), env.get("PATH", "")]))
    zdm_missing = "" if zdm else "not installed (pip install -r benchmarks/requirements.txt)"
    version = run_once([sys.executable, "-c", "import alembic; print(alembic.__version__)"], REPO, env)
    alembic = version.stdout.decode().strip() if version.code == 0 else None
    alembic_missing = "" if alembic else "alembic is not installed (pip install -r benchmarks/requirements.txt)"
    return Tools([str(script)], sys.executable, zdm, zdm_missing, alembic, alembic_missing)


def lint_commands(case: Case, tools: Tools, target: str, cache: Path) -> None:
    """alembic-lint cold, writing its cache, and warm, with the cache in `cache`."""

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    case.env = {**case.env, "ALEMBIC_LINT_CACHE_DIR": str(cache)}
    lint = [*tools.lint, target]
    case.commands += [
        Command(COLD, [*lint, "--no-cache"]),
        Command(FIRST, lint, clear_cache),
        Command(WARM, lint),
    ]
    # The same report however it was made: without the cache, writing it, reading it.
    clear_cache()
    reports = [checked(argv, case.cwd, case.env).stdout for argv in ([*lint, "--no-cache"], lint, lint)]
    if len(set(reports)) != 1:
        raise SystemExit(f"{case.name}: alembic-lint's report differs between the cold, first and warm runs")
    if tools.baseline is not None:
        base_cache = cache.with_name(f"{cache.name}-baseline")
        env = {
            **case.env,
            "ALEMBIC_LINT_CACHE_DIR": str(base_cache),
            "PYTHONPATH": os.pathsep.join([str(tools.baseline), *filter(None, [os.environ.get("PYTHONPATH")])]),
        }
        shutil.rmtree(base_cache, ignore_errors=True)

        def refresh() -> None:  # its cache up to date (another command may have edited a file since)
            checked(lint, case.cwd, env)

        case.commands += [
            Command(BASE_COLD, [*lint, "--no-cache"], env=env),
            Command(BASE_WARM, lint, refresh, env=env),
        ]


def zdm_command(case: Case, tools: Tools, target: str) -> None:
    if tools.zdm is None:
        case.skipped[ZDM] = tools.zdm_missing
        return
    # Sanity: zdm must have found the migrations (it recognises them by their folders' names).
    found = run_once([tools.zdm, "--output-format", "json", target], case.cwd, case.env)
    try:
        files = {d["path"] for d in json.loads(found.stdout)["diagnostics"]} if found.code in (0, 1) else set()
    except (ValueError, KeyError, TypeError):
        files = set()
    if not files:
        error = found.stderr.decode(errors="replace").strip().splitlines()
        case.skipped[ZDM] = f"zdm reported nothing on {target} (exit {found.code}{': ' + error[-1] if error else ''})"
        return
    case.commands.append(Command(ZDM, [tools.zdm, target]))


def superset_case(tools: Tools, env: dict[str, str], root: Path, download: bool) -> Case | str:
    corpus = superset(download)
    if isinstance(corpus, str):
        return corpus
    case = Case(corpus.name, corpus.files, corpus.root, env)
    zdm_command(case, tools, corpus.target)
    lint_commands(case, tools, corpus.target, root / "superset-cache")
    case.skipped["alembic get_heads()"] = "superset's migrations import superset (and Flask...), not installed here"
    return case


def generated_case(files: int, tools: Tools, env: dict[str, str], root: Path, quick: bool) -> Case:
    project = root / f"p{files}"
    generate(project, files, heads=3, seed=files)
    versions = project / "migrations" / "versions"
    case = Case(f"{files:,} generated", files, project, env)
    if tools.alembic:  # correctness first: both tools must agree on the heads of this folder
        heads = checked([tools.python, "-c", ALEMBIC_HEADS, "migrations"], project, env).stdout.decode().strip()
        graph = checked([*tools.lint, "graph", "migrations", "--format", "json", "--no-cache"], project, env)
        ours = " ".join(sorted(json.loads(graph.stdout)["heads"]))
        if heads != ours:
            raise SystemExit(f"heads differ on {project}: alembic {heads!r}, alembic-lint {ours!r}")
    zdm_command(case, tools, "migrations")
    lint_commands(case, tools, "migrations", root / f"cache{files}")

    edited = sorted(versions.glob("*.py"))[files // 2]
    original = edited.read_text()
    count = [0]

    def edit_one() -> None:
        count[0] += 1
        edited.write_text(original + f"# edit {count[0]}\n")

    case.commands.append(Command(EDITED, [*tools.lint, "migrations"], edit_one))
    if not tools.alembic:
        case.skipped["alembic get_heads()"] = tools.alembic_missing
        return case
    bytecode = versions / "__pycache__"

    def clear_bytecode() -> None:
        shutil.rmtree(bytecode, ignore_errors=True)

    alembic = [tools.python, "-c", ALEMBIC_HEADS, "migrations"]
    slow = 1 if quick else (3 if files >= 5000 else None)  # alembic's first run: 20 s at 10,000 here
    case.commands += [Command(ALEMBIC_FIRST, alembic, clear_bytecode, slow), Command(ALEMBIC_PYC, alembic)]
    return case


def startup_case(tools: Tools, env: dict[str, str], root: Path) -> Case:
    case = Case("start-up", 0, root, env)
    case.commands += [
        Command(VERSION, [*tools.lint, "--version"]),
        Command(PASS, [tools.python, "-c", "pass"]),
        Command(VERSION_M, [tools.python, "-m", "alembic_lint", "--version"]),
    ]
    if tools.zdm:
        case.commands.append(Command(ZDM_VERSION, [tools.zdm, "--version"]))
    else:
        case.skipped[ZDM_VERSION] = tools.zdm_missing
    for command in case.commands:  # write the bytecode before timing
        checked(command.argv, root, env)
    return case


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 and 300 generated files, 2 rounds (a smoke run)")
    parser.add_argument("--sizes", type=int, nargs="*", help="generated folder sizes (default 1000 10000)")
    parser.add_argument("--rounds", type=int, help="rounds per case (default 7; 5 at 10,000; quick 2)")
    parser.add_argument("--no-superset", action="store_true", help="skip the real folder")
    parser.add_argument("--data", type=Path, help="where to generate folders (default: a temporary folder)")
    parser.add_argument(
        "--baseline", type=Path, metavar="DIR", help="another checkout whose alembic-lint runs in the same rounds"
    )
    args = parser.parse_args()
    sizes = args.sizes if args.sizes is not None else ([50, 300] if args.quick else [1000, 10000])
    root = Path(tempfile.mkdtemp(prefix="alembic-lint-bench-", dir=args.data))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as users run: bytecode is written once, then loaded
    env.pop("ALEMBIC_LINT_NO_CACHE", None)
    tools = find_tools(env)
    tools.baseline = args.baseline.resolve() if args.baseline else None
    zdm_version = checked([tools.zdm, "--version"], root, env).stdout.decode().strip() if tools.zdm else "missing"
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, load {load()}; "
        f"alembic {tools.alembic or 'missing'}; {zdm_version}; GNU time {'yes' if GNU_TIME.exists() else 'missing'}"
    )
    cases: list[Case] = []
    skipped: dict[str, str] = {}
    try:
        if not args.no_superset:
            found = superset_case(tools, env, root, download=not args.quick)
            if isinstance(found, str):
                skipped["superset"] = found
                print(f"\nsuperset: skipped: {found}")
            else:
                cases.append(run_case(found, args.rounds or (2 if args.quick else 11)))
        for files in sizes:
            rounds = args.rounds or (2 if args.quick else (5 if files >= 5000 else 7))
            cases.append(run_case(generated_case(files, tools, env, root, args.quick), rounds))
        cases.append(run_case(startup_case(tools, env, root), args.rounds or (5 if args.quick else 21)))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\nload after: {load()}")
    report(cases, skipped)


def _s(command: Command | None) -> str:
    return f"{command.median:.3f} s" if command else "—"


def _x(value: float | None) -> str:
    return f"{value:.2f}x" if value is not None else "—"


def _xx(case: Case, peer: str) -> str:
    """The wall ratio of alembic-lint cold against a peer, and the CPU one."""
    wall, cpu = case.ratio(peer, COLD), case.ratio(peer, COLD, cpu=True)
    return f"{_x(wall)} (CPU {_x(cpu)})" if wall is not None else "—"


def report(cases: list[Case], skipped: dict[str, str]) -> None:
    print(
        "\nSummary (wall medians; CPU above wall: parsing workers ran; ratios: the peer's time / alembic-lint's, "
        "per round, median, of wall and of CPU times; above 1x alembic-lint is faster)\n"
    )
    print(
        "| case | alembic-lint cold (CPU) | warm | zdm | cold vs zdm | alembic get_heads(), no __pycache__ / its "
        "__pycache__ | cold vs alembic (__pycache__) | peak RSS, cold |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for case in cases:
        if case.files == 0:
            continue
        a, b, cold = case.get(ALEMBIC_FIRST), case.get(ALEMBIC_PYC), case.get(COLD)
        alembic = f"{_s(a)} / {_s(b)}" if a or b else "—"
        peak = f"{cold.peak_mb:.0f} MB" if cold and cold.peak_mb is not None else "—"
        cpu = f" ({statistics.median(cold.cpu.values()):.3f} s)" if cold else ""
        print(
            f"| {case.name} ({case.files:,}) | {_s(cold)}{cpu} | {_s(case.get(WARM))} | {_s(case.get(ZDM))} "
            f"| {_xx(case, ZDM)} | {alembic} | {_xx(case, ALEMBIC_PYC)} | {peak} |"
        )
    for name, why in skipped.items():
        print(f"| {name} | skipped: {why} |||||||")
    startup = next((c for c in cases if c.files == 0), None)
    if startup:
        print(
            f"\nStart-up: `alembic-lint --version` {_s(startup.get(VERSION))}, `python -m alembic_lint --version` "
            f"{_s(startup.get(VERSION_M))}, `python -c pass` {_s(startup.get(PASS))}, "
            f"`zdm --version` {_s(startup.get(ZDM_VERSION))}"
        )

    print("\nEvery command (wall: median and min-max over the rounds; CPU: median, with parsing workers)\n")
    print("| case | command | rounds | wall median (s) | min-max (s) | CPU (s) | peak RSS (MB) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for case in cases:
        for c in case.commands:
            peak = f"{c.peak_mb:.1f}" if c.peak_mb is not None else "n/a"
            cpu = statistics.median(c.cpu.values())
            print(f"| {case.name} | {c.label} | {len(c.seconds)} | {c.median:.3f} | {c.spread} | {cpu:.3f} | {peak} |")
        for label, why in case.skipped.items():
            print(f"| {case.name} | {label} | 0 | skipped: {why} ||||")
    baseline(cases)
    print(
        "\nLoad average (1, 5, 15 min) before / after each case: "
        + "; ".join(f"{case.name} {case.load[0]} / {case.load[1]}" for case in cases)
    )
    goals(cases)


def baseline(cases: list[Case]) -> None:
    """The baseline checkout's cold and warm runs beside this one's (with --baseline)."""
    timed = [case for case in cases if case.get(BASE_COLD)]
    if not timed:
        return
    print("\nAgainst the baseline checkout, in the same rounds (its time / this one's, per round: above 1x faster)\n")
    print("| case | baseline cold | cold | ratio (CPU) | baseline warm | warm | ratio (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for case in timed:
        cold = f"{_x(case.ratio(BASE_COLD, COLD))} ({_x(case.ratio(BASE_COLD, COLD, cpu=True))})"
        warm = f"{_x(case.ratio(BASE_WARM, WARM))} ({_x(case.ratio(BASE_WARM, WARM, cpu=True))})"
        print(
            f"| {case.name} | {_s(case.get(BASE_COLD))} | {_s(case.get(COLD))} | {cold} "
            f"| {_s(case.get(BASE_WARM))} | {_s(case.get(WARM))} | {warm} |"
        )


def goals(cases: list[Case]) -> None:
    """Issue 14's goals, each marked met or MISSED (or not run)."""
    by_files = {case.files: case for case in cases if case.files}
    few = next((case for case in cases if case.name.startswith("superset")), None)
    big = by_files.get(10000)
    startup = next((case for case in cases if case.files == 0), None)
    rows: list[tuple[str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "not run" if ok is None else ("met" if ok else "**MISSED**")

    ratio = few.ratio(ZDM, COLD) if few else None
    shown = f"{_s(few.get(COLD))} vs zdm {_s(few.get(ZDM))}: {_xx(few, ZDM)}" if few and ratio else "—"
    rows.append(
        (
            "a few hundred migrations (superset), cold: at or below zdm (>= 1.00x)",
            shown,
            verdict(ratio >= 1 if ratio else None),
        )
    )
    cold = big.get(COLD) if big else None
    rows.append(("10,000 cold: <= 0.8 s", _s(cold), verdict(cold.median <= 0.8 if cold else None)))
    ratio = big.ratio(ALEMBIC_PYC, COLD) if big else None
    rows.append(
        (
            "10,000 cold: >= 4x alembic get_heads() with its __pycache__",
            _x(ratio),
            verdict(ratio >= 4 if ratio else None),
        )
    )
    warm = big.get(WARM) if big else None
    rows.append(("10,000 warm (cache): <= 0.2 s", _s(warm), verdict(warm.median <= 0.2 if warm else None)))
    gap = startup.difference(VERSION, PASS) if startup else None
    shown = (
        f"{gap * 1000:+.1f} ms ({_s(startup.get(VERSION))} vs {_s(startup.get(PASS))})"
        if startup and gap is not None
        else "—"
    )
    rows.append(
        (
            "`alembic-lint --version` within 15 ms of `python -c pass`",
            shown,
            verdict(gap <= 0.015 if gap is not None else None),
        )
    )
    peaks = [c.peak_mb for c in big.commands if c.label.startswith("alembic-lint") and c.peak_mb] if big else []
    rows.append(
        (
            "peak RSS at 10,000, any alembic-lint run: <= 150 MB (issue 6)",
            f"{max(peaks):.0f} MB" if peaks else "—",
            verdict(max(peaks) <= 150 if peaks else None),
        )
    )
    print("\nGoals (issue 14)\n\n| goal | measured | result |\n|---|---|---|")
    for text, measured, result in rows:
        print(f"| {text} | {measured} | {result} |")


if __name__ == "__main__":
    main()
