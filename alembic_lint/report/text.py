"""flake8's format: `path:line:col: CODE message`, 1-based line and column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.report import display_path


def format_text(diagnostics: Sequence[Diagnostic], cwd: Path) -> str:
    return "".join(
        f"{display_path(d.path, cwd)}:{d.span.line}:{d.span.col + 1}: {d.code} {d.message}\n" for d in diagnostics
    )
