"""Columns: alembic_lint counts code points; LSP clients count UTF-8 bytes, UTF-16 units or code points.

Lines are split the way Python and the LSP specification both split them
(`\\r\\n`, `\\r`, `\\n`), so line numbers agree with the parser's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alembic_lint.diagnostics import Span
from alembic_lint.source import split_lines

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", errors="surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass(frozen=True)
class Position:
    """0-based line and client-unit column, as the protocol sends them."""

    line: int
    character: int


class Lines:
    """The lines of one text, converting columns between code points and an encoding's units."""

    __slots__ = ("_lines", "encoding")

    def __init__(self, text: str | None, encoding: str) -> None:
        self._lines: Sequence[str] = split_lines(text) if text is not None else ()
        self.encoding = encoding

    def line(self, lineno: int) -> str:
        """The text of a 1-based line ("" past the end)."""
        if 1 <= lineno <= len(self._lines):
            return self._lines[lineno - 1]
        return ""

    def __len__(self) -> int:
        return len(self._lines)

    def to_client(self, lineno: int, col: int) -> Position:
        """A 1-based line and code-point column as a protocol position."""
        if not self._lines:  # text unknown (undecodable file): keep the column as it is
            return Position(max(lineno - 1, 0), col)
        return Position(max(lineno - 1, 0), _units(self.line(lineno)[:col], self.encoding))

    def span_to_client(self, span: Span) -> tuple[Position, Position]:
        return self.to_client(span.line, span.col), self.to_client(span.end_line, span.end_col)

    def from_client(self, position: Position) -> tuple[int, int]:
        """A protocol position as a 1-based line and code-point column (clamped into the line)."""
        lineno = position.line + 1
        line = self.line(lineno)
        wanted = max(position.character, 0)
        if self.encoding == UTF32 or line.isascii():
            return lineno, min(wanted, len(line))
        count = 0
        for index, char in enumerate(line):
            if count >= wanted:
                return lineno, index
            count += _units(char, self.encoding)
        return lineno, len(line)
