"""The cached verdict (a run's diagnostics), which a warm run loads and prints whole.

Each diagnostic is pickled as a flat row, its file as its position among the folder's
files and its span and its fix's edits as plain tuples:

    (file, line, col, end_line, end_col, code, name, message, severity, fix, related)
    fix: None, or (title, ((line, col, end_line, end_col, text, path), ...), applicability, creates, recipe)

Loading then builds no path (a pickled `Path` is the string it parses again) and the
diagnostics share the folder's own `Path` objects; and the records are made by filling
their `__dict__`, not by the unpickler's generic state-setting, which at 10,000 files with
6,600 findings (each with a fix of two edits) took three times as long. A path that is
not one of the folder's files, what a fix creates, its recipe and related locations
(all rare) stay records.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path

from alembic_lint.cache.unpickle import load_facts
from alembic_lint.diagnostics import Diagnostic, Edit, Fix, Span

_Row = tuple[object, ...]


def dump_verdict(found: Sequence[Diagnostic], files: Sequence[Path]) -> bytes:
    where = {path: index for index, path in enumerate(files)}
    rows: list[_Row] = []
    for d in found:
        span, fix = d.span, d.fix
        fix_row = None
        if fix is not None:
            edits = tuple((e.span.line, e.span.col, e.span.end_line, e.span.end_col, e.text, e.path) for e in fix.edits)
            fix_row = (fix.title, edits, fix.applicability, fix.creates, fix.recipe)
        file = where.get(d.path, d.path)
        rows.append(
            (
                file,
                span.line,
                span.col,
                span.end_line,
                span.end_col,
                d.code,
                d.name,
                d.message,
                d.severity,
                fix_row,
                d.related,
            )
        )
    return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


def load_verdict(blob: bytes, files: Sequence[Path], fixes: bool = True) -> list[Diagnostic] | None:
    """The diagnostics `dump_verdict` wrote for the same `files`; None when the blob holds
    anything else. `fixes=False`: without their fixes (`CacheOptions.fixes`: nothing reads them).
    The blob is authenticated (its MAC verified): its shape is checked, the types of its values
    only where a wrong one would reach beyond the report (paths)."""
    try:
        rows = load_facts(blob)
        if type(rows) is not list:
            return None
        return _diagnostics(rows, files, fixes)
    except Exception:  # not unpicklable here, or not rows: as if there were no verdict
        return None


def _diagnostics(rows: list[_Row], files: Sequence[Path], fixes: bool) -> list[Diagnostic]:
    new, count, out = object.__new__, len(files), []
    for file, line, col, end_line, end_col, code, name, message, severity, fix_row, related in rows:
        if type(file) is int and 0 <= file < count:
            path = files[file]
        elif isinstance(file, Path):
            path = file
        else:
            raise TypeError("not a file")
        fix = None
        if fix_row is not None and fixes:
            title, edit_rows, applicability, creates, recipe = fix_row
            edits = []
            for e_line, e_col, e_end_line, e_end_col, text, e_path in edit_rows:
                if not (e_path is None or isinstance(e_path, Path)):
                    raise TypeError("not a path")
                span = new(Span)
                span.__dict__.update(line=e_line, col=e_col, end_line=e_end_line, end_col=e_end_col)
                edit = new(Edit)
                edit.__dict__.update(span=span, text=text, path=e_path)
                edits.append(edit)
            fix = new(Fix)
            fix.__dict__.update(title=title, edits=tuple(edits), applicability=applicability, creates=creates)
            fix.__dict__["recipe"] = recipe
        span = new(Span)
        span.__dict__.update(line=line, col=col, end_line=end_line, end_col=end_col)
        diagnostic = new(Diagnostic)
        diagnostic.__dict__.update(path=path, span=span, code=code, name=name, message=message, severity=severity)
        diagnostic.__dict__.update(fix=fix, related=related)
        out.append(diagnostic)
    return out
