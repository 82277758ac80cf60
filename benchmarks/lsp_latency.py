"""Language-server latency: didChange -> publishDiagnostics, over stdio, on generated folders.

    python benchmarks/lsp_latency.py                      # 1,000 and 10,000 migrations, 50 edits each
    python benchmarks/lsp_latency.py --sizes 1000 --edits 20
    python benchmarks/lsp_latency.py --profile 10000      # cProfile of the server's work for one edit

For each size it generates a script directory (deterministic: a chain of N migrations in
alembic's template, every 100th revision carrying a second child that a later merge joins),
starts `python -m alembic_lint_lsp`, opens the newest migration, then makes the edits one
after the other, each awaiting the publishDiagnostics for its document version. Two kinds
of edit are measured separately: typing in upgrade() (no revision variable changes: the
server keeps its graph), and editing down_revision (it creates, then removes, a second
head: the graph changes and two files' diagnostics change).

Opening the first file is timed in fresh servers, round after round, with and without the
cache the command line leaves (`alembic-lint FOLDER` run first): a server publishes the
diagnostics that cache holds for the unchanged folder, then reads the folder (through the
cache) before it answers the next edit, timed too ("then the first edit"). Each open figure
is the median of the rounds.

Goals (issue 14), at 10,000 migrations: editing down_revision p95 <= 20 ms, typing p95 <= 5 ms,
opening the first file <= 0.4 s when the CLI's cache is there.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "lsp")]

TEMPLATE = '''"""{message}

Revision ID: {revision}
Revises: {revises}
Create Date: 2026-01-01 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = {revision!r}
down_revision: Union[str, Sequence[str], None] = {down!r}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("table_{n}", sa.Column("column_{n}", sa.String(length=50), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("table_{n}", "column_{n}")
'''


def rev(n: int) -> str:
    return hashlib.sha1(f"revision {n}".encode()).hexdigest()[:12]


def generate(root: Path, size: int) -> Path:
    """A script directory with `size` migrations; returns the newest migration's path."""
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text("")
    (root / "migrations" / "script.py.mako").write_text("")
    last = versions
    down: str | tuple[str, ...] | None = None
    n = 0
    side: str | None = None
    while n < size:
        revision = rev(n)
        if side is not None and n % 100 == 50:
            down = (rev(n - 1), side)  # merge the side branch back
            side = None
        last = versions / f"{revision}_step_{n}.py"
        revises = ", ".join(down) if isinstance(down, tuple) else (down or "")
        last.write_text(TEMPLATE.format(message=f"step {n}", revision=revision, revises=revises, down=down, n=n))
        if n % 100 == 10 and n + 1 < size:
            n += 1  # a side branch off this revision, merged 40 revisions later
            side = rev(n)
            path = versions / f"{side}_side_{n}.py"
            path.write_text(TEMPLATE.format(message=f"side {n}", revision=side, revises=revision, down=revision, n=n))
        down = revision
        n += 1
    return last


def edit_texts(text: str, edits: int) -> list[tuple[str, str]]:
    """(kind, new text): `edits` keystrokes in upgrade(), then `edits` changes of down_revision
    that create and remove a second head by turns."""
    parent = next(line for line in text.splitlines() if line.startswith("down_revision")).split("= ")[1]
    fork = repr(rev(0))
    body = [("body", text.replace("nullable=True", f"nullable=True, comment={'x' * (i + 1)!r}")) for i in range(edits)]
    revision = [("revision", text.replace(f"= {parent}", f"= {fork}") if i % 2 == 0 else text) for i in range(edits)]
    return body + revision


def summary(latencies: dict[str, list[float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for kind, values in latencies.items():
        out[f"{kind} p50"] = statistics.median(values)
        out[f"{kind} p95"] = percentile(values, 0.95)
    return out


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def server_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "lsp")])}
    env.pop("ALEMBIC_LINT_NO_CACHE", None)
    env.pop("ALEMBIC_LINT_CACHE_DIR", None)
    return env


def write_cli_cache(folder: Path) -> None:
    """Run the command line on the folder, leaving its cache where it puts it by default."""
    subprocess.run([sys.executable, "-m", "alembic_lint", str(folder)], env=server_env(), capture_output=True)
    if not any(folder.rglob(".alembic_lint_cache")):
        raise SystemExit(f"alembic-lint left no cache in {folder}")


def remove_cli_cache(folder: Path) -> None:
    for found in list(folder.rglob(".alembic_lint_cache")):
        shutil.rmtree(found)


async def measure(root: Path, newest: Path, edits: int) -> dict[str, float]:
    """Open `newest` in a fresh server started in `root` (ms until its diagnostics arrive),
    then make `edits` edits of each kind: their latencies' p50 and p95. With no edits, one
    keystroke right after the open is timed instead ("first edit": a server that published
    from the CLI's cache reads the folder before it answers it)."""
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    text = newest.read_text()
    uri = newest.as_uri()
    client = LanguageClient("bench", "1")
    arrivals: asyncio.Queue[tuple[float, types.PublishDiagnosticsParams]] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        arrivals.put_nowait((time.perf_counter(), params))

    await client.start_io(sys.executable, "-m", "alembic_lint_lsp", env=server_env(), cwd=str(root))
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())

    async def until_version(version: int) -> float:
        while True:
            when, params = await asyncio.wait_for(arrivals.get(), 600)
            if params.uri == uri and params.version == version:
                return when

    start = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text)))
    opened = await until_version(1) - start

    latencies: dict[str, list[float]] = {"body": [], "revision": []}
    sequence = edit_texts(text, edits) if edits else [("first", edit_texts(text, 1)[0][1])]
    for version, (kind, new) in enumerate(sequence, start=2):
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(text=new)],
            )
        )
        latencies.setdefault(kind, []).append((await until_version(version) - sent) * 1000)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    if not edits:
        return {"open": opened * 1000, "first edit": latencies["first"][0]}
    return {"open": opened * 1000, **summary(latencies)}


def in_process(root: Path, newest: Path, edits: int, profile: bool) -> dict[str, float]:
    """The server's own work per edit (parse the buffer, lint the folder), measured as CPU time in
    this process, so that other processes on the machine count less; or profiled with cProfile."""
    from alembic_lint.settings import Settings
    from alembic_lint_lsp.session import Session

    text = newest.read_text()
    session = Session(lambda folder: Settings())
    state = session.open(newest, text)
    assert state is not None
    session.lint(state)
    profiler = cProfile.Profile()
    latencies: dict[str, list[float]] = {"body": [], "revision": []}
    for kind, new in edit_texts(text, edits):
        start = time.process_time()
        if profile:
            profiler.enable()
        session.change(newest, new)
        session.lint(state)
        if profile:
            profiler.disable()
        latencies[kind].append((time.process_time() - start) * 1000)
    if profile:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return summary(latencies)


@dataclass
class Size:
    size: int
    open_cold: list[float] = field(default_factory=list)  # ms, one per round, no CLI cache
    open_cached: list[float] = field(default_factory=list)  # ms, the CLI's cache present
    first_cached: list[float] = field(default_factory=list)  # ms, the keystroke right after that open
    wall: dict[str, float] = field(default_factory=dict)  # edit latencies over stdio
    cpu: dict[str, float] = field(default_factory=dict)  # the server's CPU per edit, in-process


def measure_size(size: int, edits: int, rounds: int) -> Size:
    result = Size(size)
    with tempfile.TemporaryDirectory(prefix="alembic-lint-bench-") as tmp:
        root = Path(tmp)
        newest = generate(root, size)
        for _ in range(rounds):  # interleaved: without, then with the CLI's cache
            remove_cli_cache(root)
            result.open_cold.append(asyncio.run(measure(root, newest, 0))["open"])
            write_cli_cache(root)
            cached = asyncio.run(measure(root, newest, 0))
            result.open_cached.append(cached["open"])
            result.first_cached.append(cached["first edit"])
        remove_cli_cache(root)
        result.wall = asyncio.run(measure(root, newest, edits))
        result.cpu = in_process(root, newest, edits, profile=False)
    med_cold, med_cached = statistics.median(result.open_cold), statistics.median(result.open_cached)
    wall, cpu = result.wall, result.cpu
    print(
        f"{size:>6} migrations: open {med_cold:6.0f} ms (CLI cache present: {med_cached:6.0f} ms,"
        f" then the first edit {statistics.median(result.first_cached):6.0f} ms)"
        f" | typing in upgrade(): p50 {wall['body p50']:5.1f} ms p95 {wall['body p95']:5.1f} ms"
        f" | editing down_revision: p50 {wall['revision p50']:5.1f} ms p95 {wall['revision p95']:5.1f} ms",
        flush=True,
    )
    print(
        f"{'':>6}  server CPU per edit: typing p50 {cpu['body p50']:5.1f} ms p95 {cpu['body p95']:5.1f} ms"
        f" | down_revision p50 {cpu['revision p50']:5.1f} ms p95 {cpu['revision p95']:5.1f} ms",
        flush=True,
    )
    return result


def report(sizes: list[Size]) -> None:
    print(
        "\n| migrations | open the first file | ... with the CLI's cache | ... then the first edit "
        "| typing in `upgrade()`: p50 / p95 "
        "| editing `down_revision`: p50 / p95 | server CPU per edit, p95 (typing / `down_revision`) |"
    )
    print("|---|---:|---:|---:|---|---|---|")
    for s in sizes:
        print(
            f"| {s.size:,} | {statistics.median(s.open_cold):.0f} ms | {statistics.median(s.open_cached):.0f} ms "
            f"| {statistics.median(s.first_cached):.0f} ms "
            f"| {s.wall['body p50']:.1f} ms / {s.wall['body p95']:.1f} ms "
            f"| {s.wall['revision p50']:.1f} ms / {s.wall['revision p95']:.1f} ms "
            f"| {s.cpu['body p95']:.1f} ms / {s.cpu['revision p95']:.1f} ms |"
        )
    big = next((s for s in sizes if s.size == 10000), None)
    rows = [
        ("10,000: editing `down_revision`, p95 <= 20 ms", "revision p95", 20.0),
        ("10,000: typing in `upgrade()`, p95 <= 5 ms", "body p95", 5.0),
    ]
    print("\nGoals (issue 14)\n\n| goal | measured | result |\n|---|---|---|")
    for text, key, limit in rows:
        if big is None:
            print(f"| {text} | — | not run |")
            continue
        value = big.wall[key]
        print(f"| {text} | {value:.1f} ms | {'met' if value <= limit else '**MISSED**'} |")
    if big is None:
        print("| 10,000: opening the first file <= 0.4 s with the CLI's cache | — | not run |")
    else:
        value = statistics.median(big.open_cached) / 1000
        verdict = "met" if value <= 0.4 else "**MISSED**"
        print(f"| 10,000: opening the first file <= 0.4 s with the CLI's cache | {value:.2f} s | {verdict} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="fresh servers per open figure (median)")
    parser.add_argument("--profile", type=int, metavar="SIZE", help="profile the server's work instead")
    args = parser.parse_args()
    if args.profile:
        with tempfile.TemporaryDirectory(prefix="alembic-lint-bench-") as tmp:
            in_process(Path(tmp), generate(Path(tmp), args.profile), args.edits, profile=True)
        return
    print(
        f"didChange -> publishDiagnostics over stdio, {args.edits} edits of each kind, open: median of "
        f"{args.rounds} fresh servers; {os.cpu_count()} CPUs, load average {load()}"
    )
    sizes = [measure_size(size, args.edits, args.rounds) for size in args.sizes]
    print(f"load average after: {load()}")
    report(sizes)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


if __name__ == "__main__":
    main()
