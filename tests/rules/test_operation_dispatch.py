"""The operation-safety rules see only the calls they declare (`OperationRule.calls`, besides
`execute` with literal SQL): on every ALM3 fixture, a rule finds exactly what it finds when
it is shown every call."""

from __future__ import annotations

from pathlib import Path

import pytest

from alembic_lint.lint import parse_files
from alembic_lint.parse import Migration
from alembic_lint.rules import RULES, Context
from alembic_lint.rules.postgres.base import OperationRule
from alembic_lint.settings import Settings

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
MIGRATIONS = sorted(path for case in FIXTURES.glob("ALM3*") for path in case.rglob("*.py"))
OPERATION_RULES = [rule for rule in RULES if isinstance(rule, OperationRule)]


def test_the_fixtures_call_what_the_rules_declare() -> None:
    parsed = [m for m in parse_files(MIGRATIONS) if isinstance(m, Migration)]
    called = {op.name for m in parsed for f in (m.upgrade, m.downgrade) if f for op in f.operations}
    declared = {name for rule in OPERATION_RULES for name in rule.calls or ()}
    assert declared <= called
    assert len(MIGRATIONS) > 15


@pytest.mark.parametrize("rule", OPERATION_RULES, ids=lambda rule: rule.code)
def test_a_rule_finds_the_same_when_shown_every_call(rule: OperationRule, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = Context(settings=Settings(check_downgrade=True))
    parsed = [m for m in parse_files(MIGRATIONS) if isinstance(m, Migration)]
    declared = [d for m in parsed for d in rule.check(m, ctx)]
    monkeypatch.setattr(type(rule), "calls", None)
    assert declared == [d for m in parsed for d in rule.check(m, ctx)]
    assert declared or rule.code in ("ALM308", "ALM315")  # these two walk the functions themselves
