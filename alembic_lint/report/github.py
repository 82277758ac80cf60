"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

`::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE::MESSAGE`, escaped as
the workflow-command spec requires (actions/toolkit `command.ts`): `%`, CR and LF in
the message; additionally `:` and `,` in property values.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.report import posix_path


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic], cwd: Path) -> str:
    out = []
    for d in diagnostics:
        properties = {
            "file": posix_path(d.path, cwd),
            "line": str(d.span.line),
            "col": str(d.span.col + 1),
            "endLine": str(d.span.end_line),
            "endColumn": str(d.span.end_col + 1),
            "title": d.code,
        }
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
        out.append(f"::{d.severity} {joined}::{escape_data(d.message)}\n")
    return "".join(out)
