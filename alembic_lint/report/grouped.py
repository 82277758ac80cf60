"""Findings grouped by file, like ruff's `grouped` format:

```
path/to/file.py:
  15:17 ALM001 message
  16:50 ALM002 message
```
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.report import path_display


def format_grouped(diagnostics: Sequence[Diagnostic], cwd: Path) -> str:
    blocks = []
    show = path_display(cwd)
    for path, group in groupby(diagnostics, key=lambda d: d.path):
        items = list(group)
        where = [f"{d.span.line}:{d.span.col + 1}" for d in items]
        width = max(len(w) for w in where)
        lines = [f"{show(path)}:"]
        lines.extend(f"  {w.ljust(width)} {d.code} {d.message}" for w, d in zip(where, items, strict=True))
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
