"""Linting imports only the stdlib and alembic_lint: the heavy optional packages stay out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
FIXTURES = Path(__file__).parent.parent / "fixtures" / "graph"
HEAVY = ("alembic", "sqlalchemy", "libcst", "pygls", "lsprotocol", "mako")

PROGRAM = f"""
import io, json, sys
from alembic_lint.cli import main
code = main(sys.argv[1:], io.StringIO(), io.StringIO())
print(json.dumps([code, sorted({{name.split(".")[0] for name in sys.modules}} & {set(HEAVY)!r})]))
"""


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        ([str(FIXTURES / "alm001_two_heads")], 1),
        # two heads carry a re-chain recipe, shown as a help line: still nothing heavy (git, libcst,
        # alembic run only when a fix is applied or shown)
        ([str(FIXTURES / "alm001_two_heads"), "--format", "full", "--no-cache"], 1),
        # plain fixes (no recipe) are applied without them too
        ([str(FIXTURES / "alm002_typo_suggestion"), "--diff", "--unsafe-fixes"], 1),
        ([str(FIXTURES / "clean_expand_contract"), "--format", "json"], 0),
        (["graph", str(FIXTURES / "clean_flask_merges")], 0),
        (["--version"], 0),
    ],
)
def test_linting_does_not_import_heavy_packages(argv: list[str], code: int) -> None:
    # A fresh interpreter: this test process has imported alembic for the oracle tests.
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, *argv],
        cwd=ROOT,  # `python -c` puts the current folder first on sys.path: this worktree's alembic_lint
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stderr == ""
    assert json.loads(result.stdout) == [code, []]


# What a lint builds its facts and findings with: records (alembic_lint/records.py), not
# dataclasses, whose code generation (and its `inspect`) was half of a lint's import time.
CODE_GENERATION = ("dataclasses", "inspect")

STARTUP_PROGRAM = f"""
import io, json, sys
from alembic_lint.cli import main
code = main(sys.argv[1:], io.StringIO(), io.StringIO())
print(json.dumps([code, sorted(set(sys.modules) & {set(CODE_GENERATION)!r})]))
"""


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        ([str(FIXTURES / "alm001_two_heads"), "--no-cache"], 1),
        ([str(FIXTURES / "clean_expand_contract"), "--format", "json", "--no-cache"], 0),
        ([str(FIXTURES / "alm002_typo_suggestion"), "--format", "full", "--no-cache"], 1),
        # `downgrade()` with only a docstring: ast.get_docstring would import inspect for it
        ([str(FIXTURES / "alm010_airflow_none_label"), "--no-cache"], 1),
    ],
)
def test_linting_does_not_generate_dataclass_code(argv: list[str], code: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", STARTUP_PROGRAM, *argv], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.stderr == ""
    assert json.loads(result.stdout) == [code, []]
