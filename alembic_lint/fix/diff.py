"""`--diff`: what the fixes would change, as ruff prints it: per file a unified diff
(`--- path` / `+++ path`, a created file from /dev/null) and a blank line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

from alembic_lint.fix.workspace import Document

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(text: str) -> list[str]:
    return _LINES.findall(text)


def unified_diff(document: Document, shown: str) -> str:
    """One file's diff; a created file is diffed against /dev/null."""
    old = _lines(document.start) if document.original is not None else []
    new = _lines(document.text)
    before = shown if document.original is not None else "/dev/null"
    out: list[str] = []
    for line in difflib.unified_diff(old, new, before, shown):
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\r\n") + "\n")
        elif line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    return "".join(out) + "\n" if out else ""


def diffs(documents: Iterable[Document], shown: dict[Path, str]) -> str:
    return "".join(unified_diff(document, shown.get(document.path, str(document.path))) for document in documents)
