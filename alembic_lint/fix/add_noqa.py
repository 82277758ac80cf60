"""`--add-noqa` (ruff's): a `# noqa: CODE` on the line of every current finding, merged into
the line's directive when it has one, so a project can adopt the linter before fixing its past.

The comment goes where the suppression stage looks for it: the finding's line, or the line
a multi-line string around it ends on. A line continued with a backslash cannot take one.
"""

from __future__ import annotations

from collections.abc import Iterable

from alembic_lint.diagnostics import Diagnostic, Span
from alembic_lint.fix.text import apply
from alembic_lint.noqa import scan
from alembic_lint.source import split_lines


def noqa_edits(text: str, codes_by_line: dict[int, set[str]]) -> list[tuple[Span, str]]:
    """The edits that silence each line's codes (the line as the finding reports it)."""
    layout = scan(text, strings=True)
    lines = split_lines(text)
    wanted: dict[int, set[str]] = {}
    for line, codes in codes_by_line.items():
        wanted.setdefault(layout.comment_line(line), set()).update(codes)
    edits: list[tuple[Span, str]] = []
    for line, codes in sorted(wanted.items()):
        if not 1 <= line <= len(lines):
            continue
        directive = next((d for d in layout.directives if not d.file_level and d.span.line == line), None)
        if directive is not None:
            if not directive.codes:
                continue  # a directive without codes already silences everything
            new = sorted(code for code in codes if directive.matching(code) is None)
            if new:
                end = directive.span.end_col
                edits.append((Span(line, end, line, end), "".join(f", {code}" for code in new)))
            continue
        text_of_line = lines[line - 1]
        body = text_of_line.rstrip()
        if body.endswith("\\") and "#" not in body:
            continue  # a backslash continuation: no comment may follow it
        spacing = "  " if body else ""
        edits.append((Span(line, len(body), line, len(text_of_line)), f"{spacing}# noqa: {', '.join(sorted(codes))}"))
    return edits


def add_noqa(text: str, diagnostics: Iterable[Diagnostic]) -> tuple[str, int]:
    """The text with the directives added, and how many lines got one (or more codes)."""
    by_line: dict[int, set[str]] = {}
    for diagnostic in diagnostics:
        by_line.setdefault(diagnostic.span.line, set()).add(diagnostic.code)
    edits = noqa_edits(text, by_line)
    return (apply(text, edits) if edits else text), len(edits)
