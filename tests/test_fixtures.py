"""One folder per rule under tests/fixtures, with the exact expected output beside it.

Each folder holds migrations in `versions/`, usually an `alembic-lint.toml` that
selects the rule, an optional `args` file (one argument per line, default
`versions`) and `expected.txt`: stdout, then stderr and the exit code. The
command runs from the fixture folder. To rewrite the expected files after a
deliberate change, run with ALEMBIC_LINT_UPDATE_FIXTURES=1 and review the diff.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from alembic_lint.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "versions").is_dir())


def run(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    args_file = folder / "args"
    args = args_file.read_text().split("\n") if args_file.exists() else ["versions"]
    monkeypatch.chdir(folder)
    out, err = io.StringIO(), io.StringIO()
    code = main([a for a in args if a], out, err)
    return f"{out.getvalue()}--- stderr\n{err.getvalue()}--- exit {code}\n"


@pytest.mark.parametrize("case", CASES)
def test_fixture_output(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = FIXTURES / case
    actual = run(folder, monkeypatch)
    expected_file = folder / "expected.txt"
    if os.environ.get("ALEMBIC_LINT_UPDATE_FIXTURES"):
        expected_file.write_text(actual)
    assert actual == expected_file.read_text()


def test_every_content_rule_has_a_fixture() -> None:
    for code in ("ALM101", "ALM102", "ALM103", "ALM104", "ALM105", "ALM201", "ALM900"):
        assert code in CASES
