"""Formatters: a list of diagnostics in, text out. They never print."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic

Formatter = Callable[[Sequence[Diagnostic], Path], str]


def display_path(path: Path, cwd: Path) -> str:
    """The path relative to the current folder when it is below it, else absolute."""
    try:
        return str(path.absolute().relative_to(cwd))
    except ValueError:
        return str(path.absolute())


def formatters() -> dict[str, Formatter]:
    from alembic_lint.report.json import format_json
    from alembic_lint.report.text import format_text

    return {"text": format_text, "json": format_json}


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """The one-line summary printed on stderr."""
    noun = "file" if files == 1 else "files"
    if not diagnostics:
        return f"All checks passed ({files} {noun})."
    counts: dict[str, int] = {}
    for diagnostic in diagnostics:
        counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
    detail = ", ".join(f"{n} {code}" for code, n in sorted(counts.items()))
    problems = "problem" if len(diagnostics) == 1 else "problems"
    return f"Found {len(diagnostics)} {problems} ({detail}) in {files} {noun}."


__all__ = ["display_path", "formatters", "summary"]
