"""A file's bytes as the text spans point into, edits applied to that text, and back to bytes.

Spans count lines as Python does (`\\r\\n`, `\\r`, `\\n`) and columns in code points of the
decoded text (a UTF-8 BOM is not part of it). Everything outside an edited span is kept
exactly: the encoding (and BOM) the file was read with is the one it is written with.
"""

from __future__ import annotations

import bisect
import codecs
import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

from alembic_lint.diagnostics import Span

_LINE_END = re.compile(r"\r\n|\r|\n")


class EditError(ValueError):
    """Edits that cannot be applied (overlapping, or text the file's encoding cannot hold)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # what `encode` uses: "utf-8-sig" keeps a BOM


def decode(data: bytes) -> Decoded | None:
    """The text as the parser sees it, or None when Python could not decode it either."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:
            return None
        if encoding == "utf-8-sig":  # a cookie naming utf-8-sig without a BOM
            encoding = "utf-8"
    try:
        return Decoded(data.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise EditError(f"the new text cannot be written as {encoding}: {exc.reason}") from None


def newline_of(text: str) -> str:
    """The file's line ending (its first one; `\\n` when it has none)."""
    found = _LINE_END.search(text)
    return found.group() if found else "\n"


class Offsets:
    """Span positions to offsets into one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _LINE_END.finditer(text))]
        ends = [m.start() for m in _LINE_END.finditer(text)]
        self.ends = [*ends, len(text)]  # where each line's text stops (before its line end)

    def offset(self, line: int, col: int) -> int:
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        start = self.starts[line - 1]
        return min(start + col, self.ends[line - 1]) if col >= 0 else start

    def span(self, span: Span) -> tuple[int, int]:
        start, end = self.offset(span.line, span.col), self.offset(span.end_line, span.end_col)
        return start, max(start, end)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two replaced ranges conflict when they share text, or insert at the same place."""
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] <= b[1] and b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]


def apply(text: str, edits: Iterable[tuple[Span, str]]) -> str:
    """The text with every (span, replacement) applied; raises EditError when two overlap."""
    offsets = Offsets(text)
    ranges = sorted(((*offsets.span(span), replacement) for span, replacement in edits), key=lambda r: (r[0], r[1]))
    out: list[str] = []
    position = 0
    previous: tuple[int, int] | None = None
    for start, end, replacement in ranges:
        if previous is not None and overlaps(previous, (start, end)):
            raise EditError("overlapping edits")
        out.append(text[position:start])
        out.append(replacement)
        position = end
        previous = (start, end)
    out.append(text[position:])
    return "".join(out)


def replacement_span(old: str, new: str) -> tuple[Span, str]:
    """One edit that turns `old` into `new`: the changed middle, widened to whole lines (so
    it never starts or ends inside a `\\r\\n`)."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    same_end = 0
    while same_end < limit - start and old[len(old) - 1 - same_end] == new[len(new) - 1 - same_end]:
        same_end += 1
    offsets = Offsets(old)
    line = bisect.bisect_right(offsets.starts, start)
    end_line = bisect.bisect_right(offsets.starts, len(old) - same_end)
    old_start, old_end = offsets.starts[line - 1], offsets.ends[end_line - 1]
    if old_end < len(old) - same_end:  # the change reaches into a line end: take all of it
        old_end, span = offsets.starts[end_line], Span(line, 0, end_line + 1, 0)
    else:
        span = Span(line, 0, end_line, old_end - offsets.starts[end_line - 1])
    new_end = len(new) - (len(old) - old_end)
    return span, new[old_start:new_end]
