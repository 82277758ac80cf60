"""Suppression comments: find `# noqa` directives in a file's text, without tokenize.

Pure and picklable. `scan(text)` runs at parse time and returns the few facts the
suppression stage needs: each directive (its codes and their positions) and the
line ranges of multi-line strings, since a diagnostic inside a multi-line string
is silenced by a `# noqa` after the string ends (as in ruff and flake8).
`Comments(text)` is the same lexer's map of every comment, for the edits that add a
directive (`line_edit`, `file_edit`: the editor's "Disable ALMxxx" quick fixes).

Grammar (flake8's, with ruff's spacing tolerance; `noqa` in any case):
- `# noqa` silences every finding on the line (and is never reported unused: it
  may be meant for flake8 or ruff);
- `# noqa: ALM201,ALM1` silences findings whose code starts with a listed code;
- `# alembic-lint: noqa` / `# alembic-lint: noqa: ALM101` anywhere in a comment
  applies to the whole file.
"""

from __future__ import annotations

import bisect
import re

from alembic_lint.diagnostics import Edit, Span
from alembic_lint.records import record

_CODE = r"[A-Z]+[0-9]+"
DIRECTIVE = re.compile(  # groups: `file` (set for file-level directives), `codes`
    r"#\s*(?P<file>alembic-lint\s*:\s*)?noqa(?![\w-])"
    r"(?:\s*:\s*(?P<codes>" + _CODE + r"(?:[,\s]+" + _CODE + r")*))?",
    re.IGNORECASE,
)
_ONE_CODE = re.compile(_CODE, re.IGNORECASE)


@record
class NoqaCode:
    code: str  # upper-cased, e.g. "ALM201" or the prefix "ALM1"
    span: Span

    def matches(self, code: str) -> bool:
        return code.startswith(self.code)


@record
class Directive:
    """One `# noqa` or `# alembic-lint: noqa` directive."""

    span: Span  # from its `#` to the end of its last code
    codes: tuple[NoqaCode, ...]  # () means every code
    file_level: bool
    removal: Span | None = None  # what to delete to remove it entirely, when that is safe

    def matching(self, code: str) -> NoqaCode | None:
        """The listed code that silences `code` (the first one), or None."""
        return next((c for c in self.codes if c.matches(code)), None)

    def silences(self, code: str) -> bool:
        return not self.codes or self.matching(code) is not None


@record
class Suppressions:
    """The suppression facts of one file."""

    directives: tuple[Directive, ...] = ()
    # (first line, last line) of each, up to the last directive (`scan(strings=True)`: all of them)
    multiline_strings: tuple[tuple[int, int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.directives)

    def comment_line(self, line: int) -> int:
        """Where a line's `# noqa` goes: the line itself, or where its multi-line string ends."""
        for first, last in self.multiline_strings:
            if first <= line < last:
                return last
        return line

    def codes_on(self, line: int) -> list[NoqaCode]:
        """The codes written in the directives on one line (file-level ones included)."""
        return [code for directive in self.directives if directive.span.line == line for code in directive.codes]


NO_SUPPRESSIONS = Suppressions()


def scan(text: str, *, strings: bool = False) -> Suppressions:
    """The directives in a file's comments (never inside string literals); with `strings`,
    the multi-line strings even when there is no directive (where `--add-noqa` writes one).

    A directive is rare: one search of the text finds where one may start (`DIRECTIVE`'s
    `#`), and a file without such a place is not lexed at all. Otherwise the lexer runs to
    tell comments from strings, and reads only the comments holding such a place."""
    wanted = [match.start() for match in DIRECTIVE.finditer(text)]
    if not wanted and not strings:
        return NO_SUPPRESSIONS
    lexer = _Lexer(text, wanted)
    try:
        lexer.run(until=None if strings else wanted[-1])
    except RecursionError:  # f-strings nested deeper than any Python accepts: nothing is silenced
        return NO_SUPPRESSIONS
    directives: list[Directive] = []
    for comment in lexer.comments:
        directives.extend(_directives(comment))
    if not directives and not strings:
        return NO_SUPPRESSIONS
    return Suppressions(tuple(directives), tuple(lexer.strings))


class Comments:
    """Where a file's comments are, and where one cannot go: the facts the edits that add
    a suppression need (found by the lexer `scan` uses, whether or not `noqa` occurs)."""

    def __init__(self, text: str) -> None:
        lexer = _Lexer(text)
        lexer.run()
        self.lines = lexer.lines()
        self.directives: dict[int, list[Directive]] = {}  # line -> its directives, in order
        self.in_string: set[int] = set()  # lines whose end is inside a (multi-line) string
        for comment in lexer.comments:
            found = _directives(comment)
            if found:
                self.directives[comment.line] = found
        for first, last in lexer.strings:
            self.in_string.update(range(first, last))
        commented = {comment.line for comment in lexer.comments}
        self.continued = {  # lines ending with a backslash continuation
            number
            for number, line in enumerate(self.lines, 1)
            if line.rstrip().endswith("\\") and number not in commented and number not in self.in_string
        }

    def directive(self, line: int, file_level: bool) -> Directive | None:
        """The first line-level (or file-level) directive on a line."""
        return next((d for d in self.directives.get(line, ()) if d.file_level == file_level), None)


def line_edit(comments: Comments, line: int, code: str) -> Edit | None:
    """The edit that silences `code` on `line`, or None when a comment cannot go there."""
    if not 1 <= line <= len(comments.lines) or line in comments.in_string or line in comments.continued:
        return None
    directive = comments.directive(line, file_level=False)
    if directive is not None:
        return _add(directive, code)
    text = comments.lines[line - 1]
    end = len(text.rstrip())
    return Edit(Span(line, end, line, len(text)), f"  # noqa: {code}")


def file_edit(comments: Comments, code: str, newline: str = "\n") -> Edit | None:
    """The edit that silences `code` in the whole file, or None when it already is."""
    for line in sorted(comments.directives):
        directive = comments.directive(line, file_level=True)
        if directive is not None:
            return _add(directive, code)
    after = 0
    while after < min(2, len(comments.lines)) and _PREAMBLE.match(comments.lines[after]):
        after += 1  # keep a shebang and the coding cookie on the first two lines
    return Edit(Span(after + 1, 0, after + 1, 0), f"# alembic-lint: noqa: {code}{newline}")


def _add(directive: Directive, code: str) -> Edit | None:
    """Add `code` to a directive; None when it already lists it, or silences everything."""
    if not directive.codes or code.upper() in (c.code for c in directive.codes):
        return None
    end = directive.codes[-1].span
    return Edit(Span(end.end_line, end.end_col, end.end_line, end.end_col), f", {code}")


_PREAMBLE = re.compile(r"^(#!|[ \t\f]*#.*?coding[:=])")


def _directives(comment: _Comment) -> list[Directive]:
    found: list[Directive] = []
    line, col = comment.line, comment.col
    for match in DIRECTIVE.finditer(comment.text):
        codes: list[NoqaCode] = []
        if match.group("codes"):
            start = col + match.start("codes")
            for code in _ONE_CODE.finditer(match.group("codes")):
                codes.append(NoqaCode(code.group().upper(), Span(line, start + code.start(), line, start + code.end())))
        end = match.end("codes") if match.group("codes") else match.end()
        span = Span(line, col + match.start(), line, col + end)
        found.append(Directive(span, tuple(codes), bool(match.group("file")), _removal(span, comment)))
    return found


def _removal(span: Span, comment: _Comment) -> Span | None:
    """The span whose deletion removes a directive and leaves valid code, or None."""
    col = comment.col
    if comment.text[span.end_col - col :].strip():
        return None  # an explanation follows the directive: leave it to the user
    end = col + len(comment.text)
    if span.col > col:  # another comment comes first (`type: ignore`, say): keep it
        before = comment.text[: span.col - col]
        return Span(span.line, span.col - (len(before) - len(before.rstrip())), span.line, end)
    if comment.alone:
        if comment.line_end:
            return Span(span.line, 0, span.line + 1, 0)
        return Span(span.line, 0, span.line, end)
    return Span(span.line, col - comment.space_before, span.line, end)


@record
class _Comment:
    line: int
    col: int
    text: str  # from "#", trailing whitespace removed
    space_before: int  # whitespace between the code before it and "#"
    alone: bool  # nothing but whitespace before it on its line
    line_end: bool  # a line end follows


# What the lexer stops at: in code, a comment or a quote; in an f-string field, also brackets
# and the `:` that starts a format spec; in an f-string's text, escapes, braces and quotes.
_CODE_STOP = re.compile(r"[#'\"]")
_FIELD_STOP = re.compile(r"[#'\"()\[\]{}:]")
_LINE_END = re.compile(r"\r\n|\r|\n")
_REST_OF_LINE = re.compile(r"[^\r\n]*")
# The body of a plain (not formatted) string up to its closing quote; group 1 is the quote,
# empty for an unterminated string.
_PLAIN_BODY = {
    "'": re.compile(r"(?:[^'\\\r\n]|\\(?:\r\n|[\s\S]))*('|)"),
    '"': re.compile(r'(?:[^"\\\r\n]|\\(?:\r\n|[\s\S]))*("|)'),
    "'''": re.compile(r"(?:[^'\\]|\\[\s\S]|'(?!''))*('''|)"),
    '"""': re.compile(r'(?:[^"\\]|\\[\s\S]|"(?!""))*("""|)'),
}
_FORMAT_STOP = {quote: re.compile(r"[\\{}\r\n]|" + re.escape(quote)) for quote in _PLAIN_BODY}
_PREFIX_CHARS = frozenset("rRbBuUfFtT")
# At the top level of the code: a comment, or a whole plain string (_PLAIN_BODY's, quote
# included), found by one search. A string whose prefix makes it formatted is read again.
_WHOLE_STRINGS = [re.escape(quote) + _PLAIN_BODY[quote].pattern for quote in ("'''", '"""', "'", '"')]
_TOP_LEVEL = re.compile("|".join([r"#[^\r\n]*", *_WHOLE_STRINGS]))  # triple quotes tried first


def _prefix(text: str, start: int) -> str:
    """The prefix of the string whose quote is at `start`: up to two prefix letters just before
    it, unless they end a name or keyword (`if"x"`)."""
    prefix_start = start
    while prefix_start > start - 2 and prefix_start > 0 and text[prefix_start - 1] in _PREFIX_CHARS:
        prefix_start -= 1
    if prefix_start > 0 and (text[prefix_start - 1].isalnum() or text[prefix_start - 1] == "_"):
        return ""
    return text[prefix_start:start]


class _Lexer:
    """Finds comments and multi-line strings, following Python's string-literal rules
    (prefixes, triple quotes, escapes, f-string replacement fields with nested strings).
    Regular expressions skip everything else, so a file costs little more than one pass."""

    def __init__(self, text: str, wanted: list[int] | None = None) -> None:
        self.text = text
        self.i = 0
        self._line_starts: list[int] | None = None  # made on first use
        self.comments: list[_Comment] = []
        self.strings: list[tuple[int, int]] = []
        # Offsets (ascending) inside the comments to keep; None: keep every comment.
        self.wanted = wanted
        self._next_wanted = 0
        self._plain = "\r" not in text
        self._at, self._line = 0, 1  # line_of's cursor, for a text whose lines end in \n only

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in _LINE_END.finditer(self.text))]
        return self._line_starts

    def line_of(self, offset: int) -> int:
        if self._plain:  # only \n ends lines: count them from the last offset asked about
            text, at, line = self.text, self._at, self._line
            line += text.count("\n", at, offset) if offset >= at else -text.count("\n", offset, at)
            self._at, self._line = offset, line
            return line
        return bisect.bisect_right(self.line_starts, offset)

    def line_start(self, offset: int) -> int:
        """Where the line holding `offset` starts."""
        if self._plain:
            return self.text.rfind("\n", 0, offset) + 1
        return self.line_starts[self.line_of(offset) - 1]

    def lines(self) -> list[str]:
        """The text's lines, without their line ends."""
        text, starts = self.text, self.line_starts
        ends = [m.start() for m in _LINE_END.finditer(text)] + [len(text)]
        return [text[start:end] for start, end in zip(starts, ends, strict=True)]

    def run(self, until: int | None = None) -> None:
        """Scan the module's code: one search finds each comment or plain string whole; an
        f-string (whose fields hold code) goes through `string`. With `until`, stop after the
        comment or string holding that offset: what follows holds no directive, and no
        directive follows a multi-line string that starts there."""
        text = self.text
        search = _TOP_LEVEL.search
        end_of_text = len(text)
        while True:
            found = search(text, self.i)
            if found is None or (until is not None and self.i > until):
                self.i = end_of_text
                return
            start, end = found.span()
            if text[start] == "#":
                self.i = start
                self.comment(end)
                continue
            if start > 0 and text[start - 1] in _PREFIX_CHARS and _prefix(text, start).strip("rRbBuU"):
                self.i = start
                self.string()  # formatted
                continue
            self.i = end
            self.note_string(start)

    def comment(self, end: int | None = None) -> None:
        """The comment at self.i (its `#`), ending at `end` (found here when None)."""
        text, start = self.text, self.i
        if end is None:
            end = _REST_OF_LINE.match(text, start).end()  # type: ignore[union-attr]
        wanted = self.wanted
        if wanted is not None:
            index = self._next_wanted
            while index < len(wanted) and wanted[index] < start:
                index += 1
            self._next_wanted = index
            if index == len(wanted) or wanted[index] >= end:
                self.i = end  # no directive can start in this comment
                return
        line = self.line_of(start)
        line_start = self.line_start(start)
        before = text[line_start:start]
        self.comments.append(
            _Comment(
                line,
                start - line_start,
                text[start:end].rstrip(),
                len(before) - len(before.rstrip()),
                not before.strip(),
                end < len(text),
            )
        )
        self.i = end

    def code(self, field: bool) -> str:
        """Scan code until the end of the text or, in an f-string field, its closing
        `}` or format-spec `:` at bracket depth 0 (returned)."""
        text = self.text
        stop = _FIELD_STOP if field else _CODE_STOP
        depth = 0
        while True:
            found = stop.search(text, self.i)
            if found is None:
                self.i = len(text)
                return ""
            self.i = found.start()
            ch = text[self.i]
            if ch == "#":
                self.comment()
            elif ch in "'\"":
                self.string()
            elif ch in "([{":
                depth += 1
                self.i += 1
            elif ch in ")]}":
                if depth == 0 and ch == "}":
                    return "}"
                depth = max(depth - 1, 0)
                self.i += 1
            elif depth == 0:  # ":" ends the expression, a format spec follows
                return ":"
            else:
                self.i += 1

    def string(self) -> None:
        """A string literal starting at self.i (its quote); its prefix is just before it."""
        text = self.text
        start = self.i
        prefix = _prefix(text, start).lower()
        quote = text[start] * 3 if text.startswith(text[start] * 3, start) else text[start]
        self.i = start + len(quote)
        if "f" in prefix or "t" in prefix:
            self.formatted(quote, "r" in prefix, in_spec=False)
        else:
            self.i = _PLAIN_BODY[quote].match(text, self.i).end()  # type: ignore[union-attr]
        self.note_string(start)

    def note_string(self, start: int) -> None:
        """Record the string from `start` (its quote) to self.i when it spans lines (triple-quoted,
        or continued with a backslash)."""
        last = max(self.i - 1, start)
        if _LINE_END.search(self.text, start, last) is not None:
            first, last = self.line_of(start), self.line_of(last)
            if last > first:
                self.strings.append((first, last))

    def formatted(self, quote: str, raw: bool, in_spec: bool) -> None:
        """The text of an f-string up to its closing quote (or, for a format spec, its `}`)."""
        text = self.text
        stop = _FORMAT_STOP[quote]
        while True:
            found = stop.search(text, self.i)
            if found is None:
                self.i = len(text)
                return
            self.i = found.start()
            ch = text[self.i]
            if ch == "\\":
                if not raw and text.startswith("N{", self.i + 1):
                    close = text.find("}", self.i)
                    self.i = close + 1 if close != -1 else len(text)
                else:
                    self.i += 3 if text.startswith("\r\n", self.i + 1) else 2
            elif ch in "\r\n":
                if len(quote) == 1 and not in_spec:
                    return  # unterminated: the file does not parse anyway
                self.i += 1
            elif ch == "{":
                if text.startswith("{{", self.i) and not in_spec:
                    self.i += 2
                    continue
                self.i += 1
                self.field(quote, raw)
            elif ch == "}":
                if in_spec:
                    return
                self.i += 2 if text.startswith("}}", self.i) else 1
            else:  # the quote
                if not in_spec:
                    self.i += len(quote)
                return

    def field(self, quote: str, raw: bool) -> None:
        """An f-string replacement field, after its `{`: code, then an optional format spec."""
        stop = self.code(field=True)
        if stop == ":":
            self.i += 1
            self.formatted(quote, raw, in_spec=True)
            stop = "}" if self.text.startswith("}", self.i) else ""
        if stop == "}":
            self.i += 1
