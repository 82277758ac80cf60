"""Helpers shared by the output tests: run the command line, compare with golden files."""

from __future__ import annotations

import io
import os
from pathlib import Path

from alembic_lint.cli import main

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"


def run_cli(*argv: str) -> tuple[int, str, str]:
    """`alembic-lint ARGV...` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; ALEMBIC_LINT_UPDATE_GOLDEN=1 rewrites it first (see its README)."""
    path = GOLDEN / name
    if os.environ.get("ALEMBIC_LINT_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8", newline="")
    expected = path.read_text(encoding="utf-8") if path.exists() else f"<{path} does not exist>"
    assert actual == expected, f"{name} differs from its golden file; see tests/golden/README.md to regenerate"


def write_project(root: Path, revisions: dict[str, str | None]) -> Path:
    """A project: alembic.ini, migrations/env.py, and one migration per `name: down_revision`."""
    from conftest import migration_source

    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    (root / "migrations" / "env.py").write_text("")
    for name, down in revisions.items():
        (versions / f"{name}.py").write_text(migration_source(name, down))
    return root
