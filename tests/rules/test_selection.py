"""Selection lives with the rules (alembic_lint/rules/selection.py); settings.py is plain data."""

from __future__ import annotations

import subprocess
import sys

from alembic_lint.rules import RULES_BY_CODE, selection
from alembic_lint.settings import Settings


def test_settings_are_plain_data_and_load_no_rule() -> None:
    code = "import sys, alembic_lint.settings; print(sorted(m for m in sys.modules if m.startswith('alembic_lint.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "alembic_lint.settings" in out
    assert [
        m for m in eval(out) if m.startswith(("alembic_lint.rules", "alembic_lint.graph", "alembic_lint.parse"))
    ] == []


def test_selection_by_code_prefix_name_and_ignore() -> None:
    chosen = selection.selected_rules(Settings(select=("ALM00", "model-import"), ignore=("ALM003",)))
    assert [rule.code for rule in chosen] == [
        "ALM000",
        "ALM001",
        "ALM002",
        "ALM004",
        "ALM005",
        "ALM006",
        "ALM007",
        "ALM008",
        "ALM009",
        "ALM201",
    ]
    assert selection.rule_for("ALM201") is RULES_BY_CODE["ALM201"]
