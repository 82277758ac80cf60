"""The data every stage hands to the next: spans, fixes and diagnostics."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from alembic_lint.fix.recipes import JoinHeads, WriteDowngrade  # what `Fix.recipe` may hold (cache.py reads it)
from alembic_lint.records import field, record

Severity = Literal["error", "warning"]
# ruff's applicability: `--fix` applies safe fixes, `--unsafe-fixes` also unsafe ones;
# a display-only fix is shown (an editor's quick fix, `--show-fixes`) but never applied by the CLI.
Applicability = Literal["safe", "unsafe", "display"]


@record(order=True)
class Span:
    """A range in a file: 1-based lines, 0-based code-point columns, end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, line: int, col: int = 0) -> Span:
        return cls(line, col, line, col)


@record
class Edit:
    """Replace the text under `span` with `text` ("" deletes), in `path` (None: the
    diagnostic's own file)."""

    span: Span
    text: str
    path: Path | None = None


@record
class NewFile:
    """A file a fix creates (a merge revision): it must not exist yet."""

    path: Path
    text: str


@record
class Fix:
    """What resolves a diagnostic, as data: edits in one or several files, files to create.

    A fix that is expensive to compute (it asks git, renders a template, rewrites a
    function) carries a `recipe` instead: plain picklable data that the fix engine turns
    into edits only when the fix is applied or shown, never while linting.
    """

    title: str
    edits: tuple[Edit, ...] = ()
    applicability: Applicability = "unsafe"
    creates: tuple[NewFile, ...] = ()
    recipe: JoinHeads | WriteDowngrade | None = None  # the recipes of alembic_lint/fix/recipes.py

    @property
    def safe(self) -> bool:
        return self.applicability == "safe"


@record
class Related:
    """Another place that explains a diagnostic (the other head, the other file)."""

    path: Path
    span: Span
    message: str


@record
class Diagnostic:
    path: Path
    span: Span
    code: str
    name: str
    message: str
    severity: Severity = "error"
    fix: Fix | None = None
    related: tuple[Related, ...] = field(default=())

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (str(self.path), self.span.line, self.span.col, self.code, self.message)
