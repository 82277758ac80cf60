"""Formatters: a list of diagnostics in, text out. They never print.

Each output format is one module in this package with a `format_<name>(diagnostics,
cwd) -> str` function; `formatters()` is the one registry. Options that only some
formats use (colour for `full`, the list of checked files for `junit`) are bound
when the registry is built, so every entry has the same `Formatter` signature.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.source import DecodeError, decode_source, split_lines

Formatter = Callable[[Sequence[Diagnostic], Path], str]


def display_path(path: Path, cwd: Path) -> str:
    """The path relative to the current folder when it is below it, else absolute."""
    try:
        return str(path.absolute().relative_to(cwd))
    except ValueError:
        return str(path.absolute())


def posix_path(path: Path, cwd: Path) -> str:
    """`display_path` with forward slashes, for formats read by other machines."""
    return Path(display_path(path, cwd)).as_posix()


class SourceLines:
    """The lines of the files diagnostics point into, read (once each) at format time.

    Files are decoded like the parser decodes them; a file that cannot be read or
    decoded has no lines, so formatters fall back to what the diagnostic says.
    """

    def __init__(self) -> None:
        self._files: dict[Path, list[str]] = {}

    def line(self, path: Path, lineno: int) -> str | None:
        lines = self._files.get(path)
        if lines is None:
            lines = self._files[path] = _read_lines(path)
        if 1 <= lineno <= len(lines):
            return lines[lineno - 1]
        return None


def _read_lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError:
        return []
    text = decode_source(data)
    return [] if isinstance(text, DecodeError) else split_lines(text)


def formatters(*, color: bool = False, files: Sequence[Path] = ()) -> dict[str, Formatter]:
    """Every output format by name. `color` is for `full`; `files` (every checked file,
    findings or not) is for `junit`, which reports clean files as passing tests."""
    from alembic_lint.report.full import format_full
    from alembic_lint.report.github import format_github
    from alembic_lint.report.gitlab import format_gitlab
    from alembic_lint.report.grouped import format_grouped
    from alembic_lint.report.json import format_json, format_json_lines
    from alembic_lint.report.junit import format_junit
    from alembic_lint.report.sarif import format_sarif
    from alembic_lint.report.text import format_text

    return {
        "text": format_text,
        "full": partial(format_full, color=color),
        "grouped": format_grouped,
        "json": format_json,
        "json-lines": format_json_lines,
        "github": format_github,
        "gitlab": format_gitlab,
        "sarif": format_sarif,
        "junit": partial(format_junit, files=files),
    }


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


__all__ = ["Formatter", "SourceLines", "display_path", "formatters", "posix_path", "summary"]
