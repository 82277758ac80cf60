"""Where a lint's time goes, stage by stage: superset's folder and 10,000 generated migrations, cold and warm.

    python benchmarks/profile_stages.py                   # the table of docs/performance.md (~3 min)
    python benchmarks/profile_stages.py --sizes 1000      # other generated sizes (no superset: --no-superset)
    python benchmarks/profile_stages.py --quick           # a smoke run: 50 generated files, 1 repetition
    python benchmarks/profile_stages.py --cprofile 10000  # the functions of one in-process run, by own time

Start-up is measured in fresh processes: the interpreter (`python -c pass`) and the imports
a lint adds to it (`-X importtime` of the console script linting the folder, minus what
`python -c pass` imports: alembic_lint's own modules, and the standard library they pull in).

The pipeline is timed in this process, stage by stage, the way the command line runs it
(collector paused, settings resolved, one script directory): each stage is a loop over every
file (read, decode, ast.parse, extraction from the parsed tree, noqa scan, and the whole
parse_migration, whose rest is what the parts do not cover) or one call (discovery, graph,
each rule, suppressions, report, cache). The per-file stages run in turn, repetition after
repetition, so a change in the machine's speed hits them alike. Times are CPU milliseconds of
this process (`time.process_time`), which other processes on a shared machine disturb less
than wall time; the parallel parse is also shown as wall time and as CPU with its workers'.
Each figure is the median of several repetitions.

Finally the whole command, cold and warm, as fresh processes, so that the stages can be
checked against what a user waits for (the rest is interpreter start-up, imports and exit).
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import io
import json
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

from generate import generate  # noqa: E402
from realworld import superset  # noqa: E402

from alembic_lint.cache import CacheOptions, FolderCache  # noqa: E402
from alembic_lint.cli import main as cli_main  # noqa: E402
from alembic_lint.config import resolve_settings  # noqa: E402
from alembic_lint.diagnostics import Diagnostic  # noqa: E402
from alembic_lint.discover import VersionFolder  # noqa: E402
from alembic_lint.graph import RevisionGraph  # noqa: E402
from alembic_lint.lint import parse_files  # noqa: E402
from alembic_lint.noqa import scan  # noqa: E402
from alembic_lint.parallel import gc_paused, plan_jobs  # noqa: E402
from alembic_lint.parse import Migration, parse_migration  # noqa: E402
from alembic_lint.plan import plan  # noqa: E402
from alembic_lint.report import formatter, summary  # noqa: E402
from alembic_lint.rules import RULES, Context, FileRule, GraphRule  # noqa: E402
from alembic_lint.rules.selection import selected_rules  # noqa: E402
from alembic_lint.settings import Settings  # noqa: E402
from alembic_lint.source import LineIndex, decode_source  # noqa: E402

try:  # the extractor is private: without it, extraction is measured as the rest of parse_migration
    from alembic_lint.parse import _Extractor
except ImportError:  # pragma: no cover
    _Extractor = None
from alembic_lint.suppress import apply_suppressions  # noqa: E402

# Run in a fresh process: import the given modules, timing the two costs of import that are
# work rather than loading code: creating dataclasses and compiling regular expressions.
_ANATOMY = """
import dataclasses, json, re, sys, time
spent = {"dataclass": [0.0, 0], "re.compile": [0.0, 0]}
def timing(kind, function):
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[kind][0] += time.process_time() - start
            spent[kind][1] += 1
    return timed
dataclasses._process_class = timing("dataclass", dataclasses._process_class)
re.compile = timing("re.compile", re.compile)
start = time.process_time()
for name in sys.argv[1:]:
    __import__(name)
total = time.process_time() - start
print(json.dumps({"total": total * 1000, **{k: [v[0] * 1000, v[1]] for k, v in spent.items()}}))
"""

_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


@dataclass
class Table:
    """Rows of one corpus: stage -> {"cold"/"warm" -> milliseconds}, in insertion order."""

    name: str
    files: int
    rows: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, stage: str, column: str, ms: float) -> None:
        self.rows.setdefault(stage, {})[column] = ms


def cpu_ms(work: Callable[[], object], reps: int) -> float:
    """Median CPU milliseconds of `work()` over `reps` runs, collector paused as in the CLI."""
    samples = []
    with gc_paused():
        for _ in range(reps):
            start = time.process_time()
            work()
            samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def interleaved(works: dict[str, Callable[[], object]], reps: int) -> dict[str, float]:
    """Median CPU milliseconds of each work, run in turn (A B C A B C ...) so that a change in the
    machine's speed hits every stage alike. A work that returns a float reports its own time."""
    samples: dict[str, list[float]] = {name: [] for name in works}
    with gc_paused():
        for _ in range(reps):
            for name, work in works.items():
                start = time.process_time()
                own = work()
                elapsed = (time.process_time() - start) * 1000
                samples[name].append(own if isinstance(own, float) else elapsed)
    return {name: statistics.median(values) for name, values in samples.items()}


def console_script() -> list[str]:
    script = Path(sys.executable).with_name("alembic-lint")
    found = str(script) if script.exists() else shutil.which("alembic-lint")
    if found is None:
        raise SystemExit("the alembic-lint console script is not installed: pip install -e .")
    return [found]


def child_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def importtime(argv: list[str], cwd: Path) -> dict[str, tuple[int, int, int]]:
    """module -> (own µs, cumulative µs, depth) of one `python -X importtime` run."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], cwd=cwd, env=child_env(), capture_output=True, text=True
    )
    modules: dict[str, tuple[int, int, int]] = {}
    for line in result.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            modules[match[4]] = (int(match[1]), int(match[2]), len(match[3]) // 2)
    return modules


def startup(table: Table, cwd: Path, target: str, reps: int, column: str, extra: list[str]) -> None:
    """The imports a lint adds to the interpreter's start-up: measured as the CPU time of a fresh
    process importing just those modules, minus `python -c pass`'s; split by `-X importtime`
    (which inflates every figure, so it only gives the shares)."""
    floor = importtime(["-c", "pass"], cwd)
    script = console_script()
    own: dict[str, list[float]] = {}
    for _ in range(reps):
        for name, values in importtime([*script, target, *extra], cwd).items():
            if name not in floor:
                own.setdefault(name, []).append(values[0] / 1000)
    ours = [name for name in own if name.split(".")[0] == "alembic_lint"]
    share = sum(statistics.median(own[name]) for name in ours) / sum(statistics.median(v) for v in own.values())
    program = "import re, " + ", ".join(ours)  # re: the console script's own import
    imports = (
        process([sys.executable, "-c", program], cwd, reps * 2)[1]
        - process([sys.executable, "-c", "pass"], cwd, reps * 2)[1]
    )
    table.add("imports (a process importing them, minus `python -c pass`)", column, imports)
    table.add("  of which alembic_lint's own modules (share from -X importtime)", column, imports * share)
    if column == "cold":
        anatomy = [
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", _ANATOMY, *ours], cwd=cwd, env=child_env(), capture_output=True, text=True
                ).stdout
            )
            for _ in range(reps)
        ]
        kinds = (("dataclass", "dataclasses created"), ("re.compile", "regular expressions compiled"))
        for kind, what in kinds:
            ms = statistics.median(a[kind][0] for a in anatomy)
            table.add(f"  of which {anatomy[0][kind][1]} {what} at import", column, ms)
    top = sorted(((statistics.median(v), k) for k, v in own.items()), reverse=True)[:8]
    table.notes.append(
        f"{column}: {len(own)} modules imported ({len(ours)} of alembic_lint); the largest by own time under "
        "-X importtime (ms): " + ", ".join(f"{k} {ms:.1f}" for ms, k in top)
    )


def process(argv: list[str], cwd: Path, reps: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of a fresh process (CPU includes parsing workers)."""
    walls, cpus = [], []
    for _ in range(reps):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((usage.ru_utime + usage.ru_stime) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def parse_stages(table: Table, folder: VersionFolder, reps: int) -> list[bytes]:
    paths = list(folder.files)
    datas = [p.read_bytes() for p in paths]
    texts = [t if isinstance(t := decode_source(d), str) else "" for d in datas]

    def read() -> None:
        for path in paths:
            with open(path, "rb") as handle:
                os.fstat(handle.fileno())
                handle.read()

    def decode() -> None:
        for data in datas:
            decode_source(data)

    def parse() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for path, text in zip(paths, texts, strict=True):
                try:
                    ast.parse(text, filename=str(path))
                except SyntaxError:
                    pass

    def noqa() -> None:
        for text in texts:
            scan(text)

    def extraction() -> float:
        """Extracting the facts from each parsed tree (only that is timed)."""
        spent = 0.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for path, text in zip(paths, texts, strict=True):
                try:
                    tree = ast.parse(text, filename=str(path))
                except SyntaxError:
                    continue
                start = time.process_time()
                _Extractor(path, LineIndex(text)).extract(tree)
                spent += time.process_time() - start
                del tree  # freed outside the timed part
        return spent * 1000

    def whole() -> None:
        for path, data in zip(paths, datas, strict=True):
            parse_migration(path, data)

    rows: dict[str, Callable[[], object]] = {
        "read (open, fstat, read)": read,
        "decode": decode,
        "ast.parse (and freeing the tree)": parse,
    }
    if _Extractor is not None:
        rows["extraction (facts from the tree)"] = extraction
    rows["noqa scan"] = noqa
    rows["parse_migration (all of the above but read)"] = whole
    measured = interleaved(rows, reps)
    total = measured.pop("parse_migration (all of the above but read)")
    for stage, ms in measured.items():
        table.add(stage, "cold", ms)
    parts = sum(ms for stage, ms in measured.items() if not stage.startswith("read"))
    rest = "the rest of parse_migration (its total - the above)"
    table.add(rest if _Extractor is not None else "extraction and the rest of parse_migration", "cold", total - parts)
    lexed = sum(1 for text in texts if "noqa" in text.lower())
    table.notes.append(f"the noqa lexer ran on {lexed} of {len(texts)} files (their text mentions noqa)")
    walls, cpus, jobs = [], [], []
    for _ in range(reps):
        jobs.append(plan_jobs(len(paths)))
        before = _cpu_with_children()
        start = time.perf_counter()
        parse_files(paths)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append(_cpu_with_children() - before)
    table.add("parse, as the CLI runs it: wall (in parallel when a CPU is idle)", "cold", statistics.median(walls))
    table.add("parse, as the CLI runs it: CPU of this process and its workers", "cold", statistics.median(cpus))
    table.notes.append(f"processes parsing, as planned from the idle CPUs in each repetition: {jobs}")
    return datas


def _cpu_with_children() -> float:
    """CPU milliseconds of this process and the children it has waited for (parsing workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime) * 1000


def check_stages(table: Table, folder: VersionFolder, settings: Settings, reps: int) -> list[Diagnostic]:
    with gc_paused():
        parsed = parse_files(folder.files, jobs=1)
    active = selected_rules(settings, RULES)
    ctx = Context(settings=settings, root=folder.root)
    table.add("graph build", "cold", cpu_ms(lambda: RevisionGraph.build(parsed), reps))
    graph = RevisionGraph.build(parsed)
    migrations = [p for p in parsed if isinstance(p, Migration)]
    found: list[Diagnostic] = []
    per_rule: dict[str, float] = {}
    for rule in active:
        if isinstance(rule, GraphRule):
            per_rule[rule.code] = cpu_ms(lambda rule=rule: list(rule.check(graph, ctx)), reps)
            found.extend(rule.check(graph, ctx))
        elif isinstance(rule, FileRule):
            per_rule[rule.code] = cpu_ms(lambda rule=rule: [d for m in migrations for d in rule.check(m, ctx)], reps)
            found.extend(d for m in migrations for d in rule.check(m, ctx))
    table.add(f"rules ({len(per_rule)} selected)", "cold", sum(per_rule.values()))
    top = sorted(per_rule.items(), key=lambda item: -item[1])[:5]
    table.notes.append("costliest rules (ms): " + ", ".join(f"{code} {ms:.1f}" for code, ms in top))
    table.add(
        "suppressions (noqa, per-file-ignores)",
        "cold",
        cpu_ms(lambda: apply_suppressions(found, parsed, ctx, active), reps),
    )
    shown = sorted(apply_suppressions(found, parsed, ctx, active), key=Diagnostic.sort_key)
    cwd = Path.cwd()

    def report() -> None:
        formatter("text", files=folder.files)(shown, cwd)
        summary(shown, len(folder.files))

    ms = cpu_ms(report, reps)
    table.add(f"report ({len(shown)} findings, text)", "cold", ms)
    table.add(f"report ({len(shown)} findings, text)", "warm", ms)
    return shown


def cache_stages(
    table: Table, folder: VersionFolder, settings: Settings, reps: int, diagnostics: list[Diagnostic]
) -> None:
    """The cache's part: writing it on a cold run, reading it on a warm one."""
    with tempfile.TemporaryDirectory(prefix="alembic-lint-profile-") as tmp:
        options = CacheOptions(directory=Path(tmp))
        key = repr(settings)

        def first() -> FolderCache:
            shutil.rmtree(tmp, ignore_errors=True)
            return FolderCache(folder, options, key, jobs=1)

        def timed(work: Callable[[], object]) -> float:
            start = time.process_time()
            work()
            return (time.process_time() - start) * 1000

        saves, opens, verdicts, loads = [], [], [], []
        with gc_paused():
            for _ in range(reps):
                store = first()
                store.parsed()
                saves.append(timed(lambda store=store: store.save(diagnostics)))
            for _ in range(reps):
                start = time.process_time()
                store = FolderCache(folder, options, key)
                opens.append((time.process_time() - start) * 1000)
                verdicts.append(timed(store.cached_diagnostics))
                if store.cached_diagnostics() is None:
                    table.notes.append("warning: the cached verdict was not used (a file changed?)")
                store = FolderCache(folder, options, key)
                loads.append(timed(store.parsed))
        table.add("cache: write (pickle every file's facts, the verdict)", "cold", statistics.median(saves))
        table.add("cache: open (read the index, stat every file)", "warm", statistics.median(opens))
        table.add("cache: check and unpickle the verdict", "warm", statistics.median(verdicts))
        table.add("(cache: unpickle every file's facts: the run after one edit)", "warm", statistics.median(loads))


def profile_corpus(table: Table, cwd: Path, target: str, reps: int, cache_dir: Path) -> None:
    os.chdir(cwd)
    path = Path(target)
    table.add("config (resolve settings)", "cold", cpu_ms(lambda: resolve_settings(path), reps))
    settings = resolve_settings(path)
    table.add("discovery and listing", "cold", cpu_ms(lambda: plan([path], settings).folders, reps))
    table.add("discovery and listing", "warm", table.rows["discovery and listing"]["cold"])
    (folder,) = plan([path], settings).folders
    table.add("config (resolve settings)", "warm", table.rows["config (resolve settings)"]["cold"])
    parse_stages(table, folder, reps)
    diagnostics = check_stages(table, folder, settings, reps)
    cache_stages(table, folder, settings, reps, diagnostics)
    lint = console_script()
    env_dir = ["--cache-dir", str(cache_dir)]
    floor = process([sys.executable, "-c", "pass"], cwd, reps * 2)[1]
    table.add("interpreter start-up (`python -c pass`)", "cold", floor)
    table.add("interpreter start-up (`python -c pass`)", "warm", floor)
    startup(table, cwd, target, reps, "cold", ["--no-cache"])
    subprocess.run([*lint, target, *env_dir], cwd=cwd, env=child_env(), capture_output=True)
    startup(table, cwd, target, reps, "warm", env_dir)
    cold = process([*lint, target, "--no-cache"], cwd, reps)
    warm = process([*lint, target, *env_dir], cwd, reps)
    table.add("whole command, fresh process: wall", "cold", cold[0])
    table.add("whole command, fresh process: wall", "warm", warm[0])
    table.add("whole command, fresh process: CPU (with workers)", "cold", cold[1])
    table.add("whole command, fresh process: CPU (with workers)", "warm", warm[1])


def print_table(table: Table) -> None:
    print(f"\n{table.name} ({table.files:,} migrations), milliseconds\n")
    print("| stage | cold | warm |\n|---|---:|---:|")
    for stage, values in table.rows.items():
        cells = [f"{values[c]:.1f}" if c in values else "" for c in ("cold", "warm")]
        print(f"| {stage} | {cells[0]} | {cells[1]} |")
    for note in table.notes:
        print(f"- {note}")


def cprofile(size: int) -> None:
    """cProfile of one cold and one warm in-process run of the CLI on a generated folder."""
    with tempfile.TemporaryDirectory(prefix="alembic-lint-profile-") as tmp:
        generate(Path(tmp) / "p", size, heads=3, seed=size)
        os.chdir(Path(tmp) / "p")
        for label, argv in (("cold", ["migrations", "--no-cache"]), ("warm", ["migrations"]), ("warm", ["migrations"])):
            profiler = cProfile.Profile()
            profiler.enable()
            cli_main(argv, io.StringIO(), io.StringIO())
            profiler.disable()
            print(f"\n== {label}: alembic-lint {' '.join(argv)} ({size:,} files)")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        os.chdir(REPO)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", help="generated folder sizes (default 10000)")
    parser.add_argument("--reps", type=int, help="repetitions per figure (default 5; 3 at 10,000)")
    parser.add_argument("--no-superset", action="store_true")
    parser.add_argument("--quick", action="store_true", help="50 generated files, 1 repetition, no superset")
    parser.add_argument("--cprofile", type=int, metavar="SIZE", help="cProfile the CLI in-process instead")
    args = parser.parse_args()
    if args.cprofile:
        cprofile(args.cprofile)
        return
    sizes = args.sizes if args.sizes is not None else ([50] if args.quick else [10000])
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {load}")
    with tempfile.TemporaryDirectory(prefix="alembic-lint-profile-") as tmp:
        corpora: list[tuple[str, int, Path, str]] = []
        if not (args.no_superset or args.quick):
            found = superset()
            if isinstance(found, str):
                print(f"superset: skipped: {found}")
            else:
                corpora.append((found.name, found.files, found.root, found.target))
        for size in sizes:
            generate(Path(tmp) / f"p{size}", size, heads=3, seed=size)
            corpora.append((f"{size:,} generated", size, Path(tmp) / f"p{size}", "migrations"))
        for name, files, cwd, target in corpora:
            reps = args.reps or (1 if args.quick else (3 if files >= 5000 else 5))
            table = Table(name, files)
            profile_corpus(table, cwd, target, reps, Path(tmp) / f"cache-{files}")
            os.chdir(REPO)
            print_table(table)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"\nload after: {load}")


if __name__ == "__main__":
    main()
