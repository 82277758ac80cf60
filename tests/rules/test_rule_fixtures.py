"""One folder per content rule (and for suppressions) under tests/fixtures/rules, with the
exact transcript beside it (tests/transcripts.py runs them; see there for the format and
how to rewrite them). The command runs from the fixture folder, whose `alembic-lint.toml`
usually selects the rule; the folder is also the project root (first-party code for ALM201).
"""

from __future__ import annotations

import pytest
from transcripts import FIXTURES, cases, run_case

CASES = cases("rules")


@pytest.mark.parametrize("case", CASES)
def test_fixture_transcript(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)  # restored afterwards; run_case moves into the case folder
    want, actual = run_case("rules", case)
    assert actual == want


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
