"""Suppression comments as text edits: `# noqa: ALM001` on a line, and
`# alembic-lint: noqa: ALM001` for a whole file. Pure: lines in, edits out."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from alembic_lint.diagnostics import Edit, Span
from alembic_lint.noqa import DIRECTIVE  # the grammar the suppression stage reads

_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
_PREAMBLE = re.compile(r"^(#!|[ \t\f]*#.*?coding[:=])")


@dataclass(frozen=True)
class CodeAt:
    """A rule code written in a suppression comment."""

    code: str
    line: int
    col: int
    end_col: int


class Comments:
    """Where a file's comments are and which lines end inside a string."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.comment: dict[int, int] = {}  # line -> column where its comment starts
        self.in_string: set[int] = set()  # lines whose end is inside a (multi-line) string
        self.continued: set[int] = set()  # lines ending with a backslash continuation
        text = "\n".join(lines) + "\n"
        try:
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                if token.type == tokenize.COMMENT:
                    self.comment[token.start[0]] = token.start[1]
                elif token.type == tokenize.STRING and token.end[0] > token.start[0]:
                    self.in_string.update(range(token.start[0], token.end[0]))
        except (tokenize.TokenError, SyntaxError, IndentationError):
            # A file that does not tokenize: fall back to the first `#` of each line.
            for number, line in enumerate(lines, 1):
                if "#" in line:
                    self.comment.setdefault(number, line.index("#"))
        for number, line in enumerate(lines, 1):
            if line.rstrip().endswith("\\"):
                self.continued.add(number)

    def noqa(self, line: int, file_level: bool) -> re.Match[str] | None:
        """The first line-level (or file-level) directive in the line's comment."""
        start = self.comment.get(line)
        if start is None or not 1 <= line <= len(self.lines):
            return None
        return _directive(self.lines[line - 1], file_level, start)


def _directive(text: str, file_level: bool, start: int = 0) -> re.Match[str] | None:
    return next((m for m in DIRECTIVE.finditer(text, start) if bool(m.group("file")) == file_level), None)


def _add(match: re.Match[str], line: int, code: str) -> Edit | None:
    """Add `code` to an existing suppression comment; None when it already covers it."""
    codes = match.group("codes")
    if codes is None:
        return None  # a bare noqa already silences every code
    if code.upper() in (c.upper() for c in _CODE.findall(codes)):
        return None
    end = match.end("codes")
    return Edit(Span(line, end, line, end), f", {code}")


def line_edit(comments: Comments, line: int, code: str) -> Edit | None:
    """The edit that silences `code` on `line`, or None when a comment cannot go there."""
    if not 1 <= line <= len(comments.lines) or line in comments.in_string or line in comments.continued:
        return None
    match = comments.noqa(line, file_level=False)
    if match is not None:
        return _add(match, line, code)
    text = comments.lines[line - 1]
    end = len(text.rstrip())
    return Edit(Span(line, end, line, len(text)), f"  # noqa: {code}")


def file_edit(comments: Comments, code: str, newline: str = "\n") -> Edit | None:
    """The edit that silences `code` in the whole file, or None when it already is."""
    for number in sorted(comments.comment):
        match = comments.noqa(number, file_level=True)
        if match is not None:
            return _add(match, number, code)
    after = 0
    while after < min(2, len(comments.lines)) and _PREAMBLE.match(comments.lines[after]):
        after += 1  # keep a shebang and the coding cookie on the first two lines
    return Edit(Span(after + 1, 0, after + 1, 0), f"# alembic-lint: noqa: {code}{newline}")


def codes_at(line_text: str, line: int) -> list[CodeAt]:
    """The rule codes written in a suppression comment on a line."""
    found: list[CodeAt] = []
    for file_level in (True, False):
        match = _directive(line_text, file_level)
        if match is None or match.group("codes") is None:
            continue
        base = match.start("codes")
        for code in _CODE.finditer(match.group("codes")):
            found.append(CodeAt(code.group().upper(), line, base + code.start(), base + code.end()))
        break
    return found
