"""Formatters: a list of diagnostics in, text out. They never print.

Each output format is one module in this package with a `format_<name>(diagnostics,
cwd) -> str` function, registered once in `_FORMATTERS`; `formatter(name)` imports
just that module. Options that only some formats use (colour for `full`, the list
of checked files for `junit`, the boundary for the formats that read source lines)
are bound there, so every formatter has the same `Formatter` signature.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from importlib import import_module
from pathlib import Path, PurePosixPath

from alembic_lint.boundary import Boundary, boundary_for
from alembic_lint.diagnostics import Diagnostic
from alembic_lint.source import DecodeError, decode_source, split_lines
from alembic_lint.sourcefile import SourceTooLarge, read_source

Formatter = Callable[[Sequence[Diagnostic], Path], str]


def display_path(path: Path, cwd: Path) -> str:
    """The path relative to the current folder when it is below it, else absolute."""
    try:
        return str(path.absolute().relative_to(cwd))
    except ValueError:
        return str(path.absolute())


def path_display(cwd: Path) -> Callable[[Path], str]:
    """`display_path` against one `cwd`, for the many paths of a report.

    On POSIX, with `cwd` the process's current folder, it is string work on pathlib's own
    normalised strings: a relative path is shown as it is, an absolute one loses the `cwd/`
    prefix. It gives `display_path`'s answer (pathlib compares the same components) without
    building two paths per finding, which was a sixth of a warm run with 6,600 findings.
    """
    here = str(cwd)
    if os.name != "posix" or not isinstance(cwd, PurePosixPath) or here != os.getcwd():
        return partial(_display_path_of, cwd)
    prefix = here if here.endswith("/") else here + "/"

    def show(path: Path) -> str:
        text = str(path)
        if not text.startswith("/"):
            return text
        if text == here:
            return "."
        return text[len(prefix) :] if text.startswith(prefix) else text

    return show


def _display_path_of(cwd: Path, path: Path) -> str:
    return display_path(path, cwd)


def posix_path(path: Path, cwd: Path) -> str:
    """`display_path` with forward slashes, for formats read by other machines."""
    return Path(display_path(path, cwd)).as_posix()


class SourceLines:
    """The lines of the files diagnostics point into, read (once each) at format time.

    Files are decoded like the parser decodes them; a file that cannot be read or
    decoded has no lines, so formatters fall back to what the diagnostic says. A file
    that resolves outside `boundary` (the run's: what the linter read) has none either:
    a finding on a link that leads out of the repository never prints the line it
    leads to. Without a boundary, each file's own repository is its boundary.
    """

    def __init__(self, boundary: Boundary | None = None) -> None:
        self._files: dict[Path, list[str]] = {}
        self._boundary = boundary
        self._roots: dict[Path, Boundary] = {}  # a folder's repository, when no boundary was given

    def line(self, path: Path, lineno: int) -> str | None:
        lines = self._files.get(path)
        if lines is None:
            lines = self._files[path] = _read_lines(path) if self._admits(path) else []
        if 1 <= lineno <= len(lines):
            return lines[lineno - 1]
        return None

    def _admits(self, path: Path) -> bool:
        """True when `path` resolves inside the boundary (one `realpath` per file shown)."""
        boundary = self._boundary
        if boundary is None:
            folder = path.absolute().parent
            boundary = self._roots.get(folder)
            if boundary is None:
                boundary = self._roots[folder] = boundary_for([folder])
        return boundary.outside(path) is None


def _read_lines(path: Path) -> list[str]:
    try:
        data, _ = read_source(path)  # bounded: a report never reads what the linter would not
    except (OSError, SourceTooLarge):
        return []
    text = decode_source(data)
    return [] if isinstance(text, DecodeError) else split_lines(text)


# name -> (module in this package, function, the options it takes). The one registry.
_FORMATTERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "text": ("text", "format_text", ()),
    "full": ("full", "format_full", ("color", "boundary")),
    "grouped": ("grouped", "format_grouped", ()),
    "json": ("json", "format_json", ()),
    "json-lines": ("json", "format_json_lines", ()),
    "github": ("github", "format_github", ()),
    "gitlab": ("gitlab", "format_gitlab", ("boundary",)),
    "sarif": ("sarif", "format_sarif", ()),
    "junit": ("junit", "format_junit", ("files",)),
}
FORMAT_NAMES: tuple[str, ...] = tuple(_FORMATTERS)
# The formats that show the diagnostics' fixes (a fix's title, its edits). The others never read
# `Diagnostic.fix`: a warm run for them loads the cached findings without their fixes.
_SHOW_FIXES = frozenset({"full", "sarif"})


def shows_fixes(name: str) -> bool:
    """True when the output format `name` shows fixes (see `_SHOW_FIXES`)."""
    return name in _SHOW_FIXES


def formatter(
    name: str, *, color: bool = False, files: Sequence[Path] = (), boundary: Boundary | None = None
) -> Formatter:
    """One output format by name (KeyError if unknown), importing only its module.
    `color` is for `full`; `files` (every checked file, findings or not) is for
    `junit`, which reports clean files as passing tests; `boundary` (the run's) is for
    the formats that read source lines: they read none outside it."""
    module, function, takes = _FORMATTERS[name]
    format_function = getattr(import_module(f"alembic_lint.report.{module}"), function)
    options: dict[str, object] = {"color": color, "files": files, "boundary": boundary}
    return partial(format_function, **{key: options[key] for key in takes}) if takes else format_function


def formatters(
    *, color: bool = False, files: Sequence[Path] = (), boundary: Boundary | None = None
) -> dict[str, Formatter]:
    """Every output format by name."""
    return {name: formatter(name, color=color, files=files, boundary=boundary) for name in FORMAT_NAMES}


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """The one-line summary printed on stderr: how many problems, errors and warnings apart,
    each with its codes. `Found 3 problems in 5 files: 2 errors (1 ALM001, 1 ALM002),
    1 warning (1 ALM102).`"""
    noun = "file" if files == 1 else "files"
    if not diagnostics:
        return f"All checks passed ({files} {noun})."
    parts = []
    for severity in ("error", "warning"):
        counts: dict[str, int] = {}
        for diagnostic in diagnostics:
            if diagnostic.severity == severity:
                counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
        if counts:
            total = sum(counts.values())
            detail = ", ".join(f"{n} {code}" for code, n in sorted(counts.items()))
            parts.append(f"{total} {severity}{'' if total == 1 else 's'} ({detail})")
    problems = "problem" if len(diagnostics) == 1 else "problems"
    return f"Found {len(diagnostics)} {problems} in {files} {noun}: {', '.join(parts)}."


__all__ = [
    "FORMAT_NAMES",
    "Formatter",
    "SourceLines",
    "display_path",
    "formatter",
    "formatters",
    "path_display",
    "posix_path",
    "shows_fixes",
    "summary",
]
