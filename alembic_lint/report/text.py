"""flake8's format: `path:line:col: CODE message`, 1-based line and column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.report import path_display


def format_text(diagnostics: Sequence[Diagnostic], cwd: Path) -> str:
    show = path_display(cwd)
    return "".join(f"{show(d.path)}:{d.span.line}:{d.span.col + 1}: {d.code} {d.message}\n" for d in diagnostics)
