"""A JSON list of findings: path, line, column, end_line, end_column (1-based), code,
name, message, severity; and `json-lines`, the same objects one per line.

The schema is public API (documented in the README): fields may be added, never
renamed or removed."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.report import path_display


def diagnostic_to_dict(d: Diagnostic, cwd: Path, show: Callable[[Path], str] | None = None) -> dict[str, object]:
    """`show`: `path_display(cwd)`, made once for many diagnostics."""
    return {
        "path": (show or path_display(cwd))(d.path),
        "line": d.span.line,
        "column": d.span.col + 1,
        "end_line": d.span.end_line,
        "end_column": d.span.end_col + 1,
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "severity": d.severity,
    }


def format_json(diagnostics: Sequence[Diagnostic], cwd: Path) -> str:
    show = path_display(cwd)
    return json.dumps([diagnostic_to_dict(d, cwd, show) for d in diagnostics], indent=2) + "\n"


def format_json_lines(diagnostics: Sequence[Diagnostic], cwd: Path) -> str:
    """One JSON object per line, with the same fields as `format_json`."""
    show = path_display(cwd)
    return "".join(json.dumps(diagnostic_to_dict(d, cwd, show)) + "\n" for d in diagnostics)
