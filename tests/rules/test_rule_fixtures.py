"""One folder per content rule (and for suppressions) under tests/fixtures/rules, with
the exact transcript beside it, in the format of the graph rules' fixtures:

    $ alembic-lint [ARGS]
    <stdout>
    --- stderr
    <stderr>
    --- exit <code>

The command runs from the fixture folder, whose `alembic-lint.toml` usually selects
the rule; the folder is also the project root (first-party code for ALM201). To
rewrite the transcripts after a deliberate change, run with
ALEMBIC_LINT_UPDATE_FIXTURES=1 and review the diff.
"""

from __future__ import annotations

import io
import os
import shlex
from pathlib import Path

import pytest

from alembic_lint.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
PROMPT = "$ alembic-lint"


@pytest.mark.parametrize("case", CASES)
def test_fixture_transcript(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected_file = FIXTURES / case / "expected.txt"
    expected = expected_file.read_text(encoding="utf-8")
    command = expected.split("\n", 1)[0]
    assert command.startswith(PROMPT), command
    monkeypatch.chdir(FIXTURES / case)
    out, err = io.StringIO(), io.StringIO()
    code = main(shlex.split(command[len(PROMPT) :]), out, err)
    actual = f"{command}\n{out.getvalue()}--- stderr\n{err.getvalue()}--- exit {code}\n"
    if os.environ.get("ALEMBIC_LINT_UPDATE_FIXTURES"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected


def test_every_content_rule_has_a_fixture() -> None:
    assert {"ALM101", "ALM102", "ALM103", "ALM104", "ALM105", "ALM201", "ALM900", "noqa"} <= set(CASES)
    operation_rules = {f"ALM3{n:02d}" for n in range(1, 16)}  # then their gating, and noqa beside other tools
    assert operation_rules | {
        "ALM3-noqa",
        "ALM3-no-config",
        "ALM3-postgres-url",
        "ALM3-dialect",
        "ALM3-autogenerate",
    } <= set(CASES)
