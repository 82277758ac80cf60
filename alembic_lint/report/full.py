"""Each finding with its source line, a caret under the span and the fix hint.

```
path:15:17: ALM002 [missing-down-revision] down_revision 'x' names no revision ...
   |
15 | down_revision = 'x'
   |                 ^^^
   = help: Replace 'x' with 'y'
```

Colour (ANSI) only when asked for: the command line asks on a terminal, never with
`NO_COLOR` set, when piped or when writing to a file (`use_color`).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from alembic_lint.boundary import Boundary
from alembic_lint.diagnostics import Diagnostic
from alembic_lint.report import SourceLines, path_display

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_RED = "\x1b[1;31m"
_YELLOW = "\x1b[1;33m"
_BLUE = "\x1b[1;34m"
_CYAN = "\x1b[1;36m"


def use_color(stream: TextIO) -> bool:
    """True for a terminal, unless NO_COLOR is set to anything (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _padding(prefix: str) -> str:
    """Blank text as wide as `prefix` on screen (tabs kept, so the caret lines up)."""
    return "".join("\t" if char == "\t" else " " * _width(char) for char in prefix)


def _underline(text: str, col: int, end_col: int | None) -> tuple[str, str]:
    """(padding, carets) under `text[col:end_col]`; at least one caret."""
    col = min(col, len(text))
    end = len(text) if end_col is None else min(max(end_col, col), len(text))
    carets = sum(_width(char) for char in text[col:end])
    return _padding(text[:col]), "^" * max(carets, 1)


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if self.enabled and text else text


def format_full(
    diagnostics: Sequence[Diagnostic], cwd: Path, *, color: bool = False, boundary: Boundary | None = None
) -> str:
    paint = _Paint(color)
    sources = SourceLines(boundary)
    blocks = []
    show = path_display(cwd)
    for d in diagnostics:
        style = _RED if d.severity == "error" else _YELLOW
        location = f"{show(d.path)}:{d.span.line}:{d.span.col + 1}:"
        lines = [f"{paint(_BOLD, location)} {paint(style, d.code)} [{d.name}] {d.message}"]
        text = sources.line(d.path, d.span.line)
        if text is not None:
            number = str(d.span.line)
            gutter = " " * len(number)
            end_col = d.span.end_col if d.span.end_line == d.span.line else None
            padding, carets = _underline(text, d.span.col, end_col)
            lines.append(paint(_BLUE, f"{gutter} |"))
            lines.append(f"{paint(_BLUE, f'{number} |')} {text}".rstrip())
            lines.append(f"{paint(_BLUE, f'{gutter} |')} {padding}{paint(style, carets)}")
        else:
            gutter = ""
        if d.fix is not None:
            lines.append(f"{gutter} {paint(_CYAN, '= help:')} {d.fix.title}")
        for related in d.related:
            where = f"{show(related.path)}:{related.span.line}:{related.span.col + 1}"
            lines.append(f"{gutter} {paint(_CYAN, '= note:')} {where}: {related.message}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
