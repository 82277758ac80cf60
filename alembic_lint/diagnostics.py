"""The data every stage hands to the next: spans, fixes and diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Span:
    """A range in a file: 1-based lines, 0-based code-point columns, end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, line: int, col: int = 0) -> Span:
        return cls(line, col, line, col)


@dataclass(frozen=True)
class Edit:
    """Replace the text under `span` with `text` ("" deletes)."""

    span: Span
    text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    safe: bool = False


@dataclass(frozen=True)
class Related:
    """Another place that explains a diagnostic (the other head, the other file)."""

    path: Path
    span: Span
    message: str


@dataclass(frozen=True)
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
