"""The benchmark scripts keep working while the pipeline changes under them (no timing is asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.run import COLD, PASS, VERSION, WARM, ZDM, Case, Command, goals

ROOT = Path(__file__).parent.parent.parent

STAGES = [
    "config (resolve settings)",
    "discovery and listing",
    "read (open, fstat, read)",
    "decode",
    "ast.parse (and freeing the tree)",
    "extraction (facts from the tree)",
    "noqa scan",
    "the rest of parse_migration (its total - the above)",
    "parse, as the CLI runs it: wall (in parallel when a CPU is idle)",
    "parse, as the CLI runs it: CPU of this process and its workers",
    "graph build",
    "rules (N selected)",
    "suppressions (noqa, per-file-ignores)",
    "report (N findings, text)",
    "cache: write (pickle every file's facts, the verdict)",
    "cache: open (read the index, stat every file)",
    "cache: check and unpickle the verdict",
    "(cache: unpickle every file's facts: the run after one edit)",
    "interpreter start-up (`python -c pass`)",
    "imports (a process importing them, minus `python -c pass`)",
    "of which alembic_lint's own modules (share from -X importtime)",
    "of which N dataclasses created at import",
    "of which N regular expressions compiled at import",
    "whole command, fresh process: wall",
    "whole command, fresh process: CPU (with workers)",
]


def test_the_profile_measures_every_stage() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "profile_stages.py"), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert (result.returncode, result.stderr) == (0, "")
    rows = [line.split("|")[1:4] for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    stages = [re.sub(r"\d+", "N", stage.strip()) for stage, _, _ in rows[1:]]  # rows[0]: the header
    assert stages == STAGES
    cells = [cell.strip() for _, cold, warm in rows[1:] for cell in (cold, warm)]
    assert all(re.fullmatch(r"-?\d+\.\d|", cell) for cell in cells)
    assert "the noqa lexer ran on 0 of 50 files" in result.stdout
    assert "warning" not in result.stdout


def case(name: str, files: int, **medians: list[float]) -> Case:
    """A case whose commands took these seconds, round by round."""
    out = Case(name, files, ROOT, {})
    for label, seconds in medians.items():
        command = Command(LABELS[label], [])
        command.seconds = dict(enumerate(seconds))
        command.cpu = dict(enumerate(seconds))
        command.peak_mb = 100.0
        out.commands.append(command)
    return out


LABELS = {"cold": COLD, "warm": WARM, "zdm": ZDM, "version": VERSION, "floor": PASS}
LABELS["pycache"] = "alembic get_heads(), its __pycache__"


def test_ratios_are_per_round() -> None:
    # Round 2 ran with the machine three times slower for both: the ratio stays 2x.
    c = case("superset 6.1.0", 344, cold=[0.1, 0.1, 0.3], zdm=[0.2, 0.2, 0.6])
    assert c.ratio(ZDM, COLD) == pytest.approx(2.0)
    assert c.ratio("missing", COLD) is None


def test_goals_are_marked_met_missed_or_not_run(capsys: pytest.CaptureFixture[str]) -> None:
    goals(
        [
            case("superset 6.1.0", 344, cold=[0.12, 0.11, 0.13], zdm=[0.085, 0.08, 0.09]),
            case("10,000 generated", 10000, cold=[0.75, 0.7, 0.9], warm=[0.25, 0.3, 0.2], pycache=[2.8, 2.9, 3.6]),
            case("start-up", 0, version=[0.019, 0.018, 0.030], floor=[0.007, 0.006, 0.009]),
        ]
    )
    assert capsys.readouterr().out.splitlines()[5:] == [
        "| a few hundred migrations (superset), cold: at or below zdm (>= 1.00x) "
        "| 0.120 s vs zdm 0.085 s: 0.71x (CPU 0.71x) | **MISSED** |",
        "| 10,000 cold: <= 0.8 s | 0.750 s | met |",
        "| 10,000 cold: >= 4x alembic get_heads() with its __pycache__ | 4.00x | met |",
        "| 10,000 warm (cache): <= 0.2 s | 0.250 s | **MISSED** |",
        "| `alembic-lint --version` within 15 ms of `python -c pass` | +12.0 ms (0.019 s vs 0.007 s) | met |",
        "| peak RSS at 10,000, any alembic-lint run: <= 150 MB (issue 6) | 100 MB | met |",
    ]


def test_goals_without_the_big_cases_are_not_run(capsys: pytest.CaptureFixture[str]) -> None:
    goals([case("300 generated", 300, cold=[0.2], warm=[0.08])])
    assert [line.rsplit("|", 2)[1].strip() for line in capsys.readouterr().out.splitlines()[5:]] == ["not run"] * 6


def test_superset_missing_without_download_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import realworld

    monkeypatch.setattr(realworld, "CACHE", tmp_path)
    dest = tmp_path / f"superset-{realworld.SUPERSET}"
    assert realworld.superset(download=False) == (
        f"not downloaded yet ({dest}): run without --quick, or `python benchmarks/realworld.py`"
    )


def test_superset_already_extracted_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import realworld

    monkeypatch.setattr(realworld, "CACHE", tmp_path)
    dest = tmp_path / f"superset-{realworld.SUPERSET}"
    versions = dest / "superset" / "migrations" / "versions"
    versions.mkdir(parents=True)
    for name in ("__init__.py", "a_1.py", "b_2.py", "notes.txt"):
        (versions / name).write_text("")
    (dest / ".complete").write_text("")
    assert realworld.superset(download=False) == realworld.Corpus(
        f"superset {realworld.SUPERSET}", dest, "superset/migrations", 2
    )


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("echo 'error: no such path' >&2; exit 2", "zdm reported nothing on migrations (exit 2: error: no such path)"),
        ('echo \'{"diagnostics": [], "summary": {}}\'', "zdm reported nothing on migrations (exit 0)"),
        ("echo 'not json'; exit 1", "zdm reported nothing on migrations (exit 1)"),
    ],
)
def test_a_zdm_that_checks_nothing_is_skipped_with_the_reason(tmp_path: Path, script: str, reason: str) -> None:
    from benchmarks.run import Tools, zdm_command

    fake = tmp_path / "zdm"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    c = Case("300 generated", 300, tmp_path, {"PATH": "/usr/bin:/bin"})
    zdm_command(c, Tools([], sys.executable, str(fake), "", None, ""), "migrations")
    assert (c.commands, c.skipped) == ([], {ZDM: reason})


def test_a_zdm_that_reports_is_timed(tmp_path: Path) -> None:
    from benchmarks.run import Tools, zdm_command

    fake = tmp_path / "zdm"
    fake.write_text('#!/bin/sh\necho \'{"diagnostics": [{"path": "migrations/versions/a.py"}]}\'\nexit 1\n')
    fake.chmod(0o755)
    c = Case("300 generated", 300, tmp_path, {"PATH": "/usr/bin:/bin"})
    zdm_command(c, Tools([], sys.executable, str(fake), "", None, ""), "migrations")
    assert ([(command.label, command.argv) for command in c.commands], c.skipped) == (
        [(ZDM, [str(fake), "migrations"])],
        {},
    )
