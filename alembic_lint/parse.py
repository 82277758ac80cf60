"""Read one migration file as text and extract the facts the rules need.

The file is parsed with the stdlib `ast` and never imported or executed. The tree
is dropped as soon as the facts are extracted: everything returned here is small,
immutable and picklable, so it can cross process boundaries and live in a cache.
"""

from __future__ import annotations

import ast
import os
import re
import tokenize
import warnings
from functools import partial
from pathlib import Path
from typing import Literal

from alembic_lint.diagnostics import Span
from alembic_lint.noqa import NO_SUPPRESSIONS, Suppressions, scan
from alembic_lint.operations import Operation, OperationExtractor, node_span
from alembic_lint.records import record, replace
from alembic_lint.source import DecodeError, LineIndex, decode_source, split_lines
from alembic_lint.sourcefile import SourceTooLarge, read_source

REVISION_VARIABLES = ("revision", "down_revision", "branch_labels", "depends_on")

ValueKind = Literal["str", "dynamic", "other"]
Shape = Literal["none", "str", "tuple", "list", "set", "dynamic", "other"]


@record
class Value:
    """One element of a revision variable.

    `kind` is "str" for a string literal (`text` is its value), "dynamic" for an
    expression that cannot be evaluated statically (`text` is its source), and
    "other" for a literal of the wrong type such as an int (`text` is its source).
    """

    text: str
    span: Span
    kind: ValueKind = "str"


@record
class Binding:
    """The value a module-level revision variable ends up with (last binding wins)."""

    name: str
    span: Span  # the assigned name
    value_span: Span
    shape: Shape
    items: tuple[Value, ...]
    conditional: bool = False  # bound inside if/try/for/with at module level

    @property
    def is_static(self) -> bool:
        """True when the value is fully known: literal strings (or None) bound unconditionally."""
        return not self.conditional and all(item.kind == "str" for item in self.items)

    @property
    def strings(self) -> tuple[str, ...]:
        """The literal string items, in order (what alembic's `to_tuple` would give)."""
        return tuple(item.text for item in self.items if item.kind == "str")


@record
class HeaderField:
    value: str
    span: Span  # the value, after the "Revision ID:" label


@record
class Header:
    """The module docstring as alembic's template writes it."""

    message: str  # first paragraph, as `alembic history` shows it
    span: Span
    revision_id: HeaderField | None
    revises: HeaderField | None
    create_date: HeaderField | None


@record
class Function:
    """A module-level `upgrade`/`downgrade` definition."""

    name: str
    span: Span  # the function name in the `def` line
    body_span: Span
    trivial: bool  # only pass / ... / docstrings / constants
    raises: tuple[str, ...]  # exception names raised directly in the body
    conditional: bool = False  # defined inside if/try at module level
    operations: tuple[Operation, ...] = ()  # its op.* calls, in source order (operations.py)
    # A trivial function's own words (`function_notes`): the comments from its `def` line to its
    # last comment indented under it, as written; its docstring. Empty for any other function.
    comments: tuple[str, ...] = ()
    docstring: str | None = None


@record
class Import:
    module: str  # "app.models"; "" for `from . import x`
    names: tuple[str, ...]  # names imported by `from ... import`; () for `import`
    level: int  # number of leading dots
    span: Span
    in_function: bool = False
    type_checking: bool = False


@record
class Recovery:
    """What is known of a file with a syntax error. The migration's facts come from the
    statements before `line`; from `line` on, nothing was read. ALM000 reports the error."""

    span: Span  # the syntax error
    message: str  # "syntax error: ..."
    line: int  # the first line not read
    mentions: frozenset[str] | None  # the words (`\w+`) of the unread part; None: too many to keep
    kind: Literal["decode", "syntax"] = "syntax"

    def could_name(self, identifier: str) -> bool:
        """False when the unread part cannot hold `identifier` (some word of it is missing)."""
        return could_name(self.mentions, identifier)


def could_name(mentions: frozenset[str] | None, identifier: str) -> bool:
    r"""Could a text whose words are `mentions` (None: unknown) say `identifier`? Not when
    some word (`\w+`) of the identifier is not among them."""
    if mentions is None:
        return True
    words = _WORD.findall(identifier)
    return not words or all(word in mentions for word in words)


@record
class Migration:
    """The facts of one migration file. `recovered` is set when the file has a syntax error
    and these facts are what the statements before the error say (the graph uses them;
    the file rules skip such a file)."""

    path: Path
    revision: Binding | None
    down_revision: Binding | None
    branch_labels: Binding | None
    depends_on: Binding | None
    header: Header | None
    upgrade: Function | None
    downgrade: Function | None
    imports: tuple[Import, ...]
    lines: int
    noqa: Suppressions = NO_SUPPRESSIONS  # suppression comments, found without tokenize
    recovered: Recovery | None = None

    def binding(self, name: str) -> Binding | None:
        return getattr(self, name)  # type: ignore[no-any-return]


@record
class ParseFailure:
    """A file that could not be read, decoded or parsed."""

    path: Path
    span: Span
    message: str
    kind: Literal["read", "decode", "syntax", "limit"] = "syntax"
    noqa: Suppressions = NO_SUPPRESSIONS
    # Bytes that do not decode: the words they hold read as Latin-1 (None: too many to keep, or
    # a file not read at all). The graph takes such a file for a migration it cannot read only
    # when `revision` is among them.
    words: frozenset[str] | None = None

    @property
    def may_be_migration(self) -> bool:
        """Could this file, whose content is unknown, be a migration? Not when it was read
        and says no `revision` (random bytes, an image); yes when it was not read at all."""
        if self.kind in ("read", "limit"):
            return True
        return self.kind == "decode" and (self.words is None or "revision" in self.words)


Parsed = Migration | ParseFailure  # what parsing one file gives, for every stage after it


def failure_of(parsed: Parsed) -> ParseFailure | None:
    """Why a file does not parse, or None when it does: its ParseFailure, or the error a
    recovered Migration was read around. What must never be rewritten (fixes) or judged
    by the file rules."""
    if isinstance(parsed, ParseFailure):
        return parsed
    recovered = parsed.recovered
    if recovered is None:
        return None
    return ParseFailure(parsed.path, recovered.span, recovered.message, recovered.kind, parsed.noqa)


def read_migration(path: Path) -> Parsed:
    """Read a file from disk and parse it; an unreadable or oversized file becomes a ParseFailure."""
    read = read_file(path)
    return read if isinstance(read, ParseFailure) else parse_migration(path, read[0])


def read_file(path: Path) -> tuple[bytes, os.stat_result] | ParseFailure:
    """A file's bytes and status, within `sourcefile`'s bounds; else the failure to report."""
    try:
        return read_source(path)
    except OSError as exc:
        return unreadable(path, exc)
    except SourceTooLarge as exc:
        return ParseFailure(path, Span.point(1), exc.message, "limit")


def unreadable(path: Path, exc: OSError) -> ParseFailure:
    """The failure for a file that cannot be read (never cached: it may be readable next time)."""
    return ParseFailure(path, Span.point(1), f"cannot read file: {exc.strerror or exc}", "read")


def parse_migration(path: Path, source: bytes | str) -> Parsed:
    """Extract a migration's facts from its source. Pure: never raises on bad input.

    A file with a syntax error gives a `Migration` recovered from the statements before the
    error when they declare `revision` (see `Recovery`), else a `ParseFailure`."""
    if isinstance(source, bytes):
        text = decode_source(source)
        if isinstance(text, DecodeError):
            return _undecodable(path, source, text)
    else:
        text = source
    if "\0" in text:
        # Python refuses these without a position (ValueError on 3.10): point at the first one.
        before = split_lines(text[: text.index("\0")])
        span = Span.point(len(before), len(before[-1]))
        return _broken(path, text, span, "syntax error: source code string cannot contain null bytes", span.line)
    try:
        with warnings.catch_warnings():
            # Invalid escapes like "\ " warn at compile time; a linter must not print them.
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        lines = split_lines(text)
        line = min(max(exc.lineno or 1, 1), len(lines))
        # After a multi-line token the parser counts the offset from the token's first line;
        # keep the point on the reported line.
        col = min(max((exc.offset or 1) - 1, 0), len(lines[line - 1]))
        return _broken(path, text, Span.point(line, col), f"syntax error: {exc.msg}", line)
    except (ValueError, RecursionError, MemoryError) as exc:
        return ParseFailure(path, Span.point(1), f"cannot parse: {exc}")
    migration = _Extractor(path, LineIndex(text)).extract(tree)
    noqa = scan(text)
    return replace(migration, noqa=noqa) if noqa else migration


# -- recovering what a broken file still says ---------------------------------------------
_WORD = re.compile(r"\w+")
MAX_MENTIONS = 20_000  # more distinct words than this in the unread part: keep none (it could say anything)
_RECOVERY_ATTEMPTS = 4  # texts parsed, at most, before giving up
_REPLACED = "\ufffd"
_VARIABLE = re.compile(r"(?:revision|down_revision|branch_labels|depends_on)\b")


def _undecodable(path: Path, data: bytes, error: DecodeError) -> Parsed:
    """A file whose bytes do not decode: recovered from its text with the bad bytes
    replaced (U+FFFD) when the encoding is known, else a ParseFailure."""
    span = Span.point(error.line, error.col)
    if error.encoding is not None:
        text = data.decode(error.encoding, errors="replace")
        if "\0" not in text:
            recovered = _recover(path, text, span, error.message, None)
            if recovered is not None and recovered.recovered is not None:
                return replace(recovered, noqa=scan(text), recovered=replace(recovered.recovered, kind="decode"))
    words = frozenset(_WORD.findall(data.decode("latin-1")))  # every byte is a Latin-1 character
    return ParseFailure(path, span, error.message, "decode", words=words if len(words) <= MAX_MENTIONS else None)


def _broken(path: Path, text: str, error: Span, message: str, cut: int) -> Parsed:
    """The result for a file with a syntax error at `error`: recovered from the lines
    before `cut`, or a ParseFailure."""
    noqa = scan(text)
    recovered = _recover(path, text, error, message, cut)
    if recovered is None:
        return ParseFailure(path, error, message, noqa=noqa)
    return replace(recovered, noqa=noqa)


def _recover(path: Path, text: str, error: Span, message: str, cut: int | None) -> Migration | None:
    """The facts of the statements before line `cut` (None: the whole text may be read).

    Only the top of the file is parsed again: up to the statement after the last revision
    variable written at column 0 before `cut` (a file without one recovers nothing, at the
    cost of a scan). When that prefix does not parse, the search moves up to where it
    broke, a few times at most. None when no prefix declares `revision`, or a revision
    variable holds a replaced byte."""
    index = LineIndex(text)
    lines = index.lines
    limit = len(lines) + 1 if cut is None else cut  # the first line that may not be read
    last = _last_variable_line(lines, limit)
    if last is None:
        return None
    cut = _next_statement_start(lines, last + 1, limit)
    for _ in range(_RECOVERY_ATTEMPTS):
        if cut <= len(lines):
            cut = _statement_start(lines, cut)
        if cut <= 1:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse("\n".join(lines[: cut - 1]), filename=str(path))
        except SyntaxError as exc:
            cut = min(max(exc.lineno or 1, 1), cut - 1)
            continue
        except (ValueError, RecursionError, MemoryError):
            return None
        migration = _Extractor(path, index).extract(tree)
        bindings = [migration.binding(name) for name in REVISION_VARIABLES]
        if migration.revision is None or any(
            _REPLACED in value.text for binding in bindings if binding for value in binding.items
        ):
            return None
        words = frozenset(_WORD.findall("\n".join(lines[cut - 1 :])))
        mentions = words if len(words) <= MAX_MENTIONS else None
        return replace(migration, recovered=Recovery(error, message, cut, mentions))
    return None


def _last_variable_line(lines: list[str], limit: int) -> int | None:
    """The last line before `limit` that starts with a revision variable's name (column 0)."""
    for line in range(min(limit, len(lines) + 1) - 1, 0, -1):
        text = lines[line - 1]
        if text.startswith(REVISION_VARIABLES) and _VARIABLE.match(text):
            return line
    return None


def _next_statement_start(lines: list[str], line: int, limit: int) -> int:
    """The first line from `line` on (before `limit`) that can start a top-level statement, else `limit`."""
    while line < limit and line <= len(lines):
        if _starts_statement(lines[line - 1]):
            return line
        line += 1
    return limit


def _statement_start(lines: list[str], line: int) -> int:
    """The last line at or before `line` that can start a top-level statement: code at
    column 0 (a line inside a string may look like one; the parse then fails and the
    search moves up)."""
    while line > 1:
        if line <= len(lines) and _starts_statement(lines[line - 1]):
            return line
        line -= 1
    return line


def _starts_statement(text: str) -> bool:
    return bool(text) and not text[0].isspace() and text[0] not in "#)]}"


# "Revision ID: x", "Revises: y", "Create Date: z" lines of the docstring (first of each wins).
# The value is stripped in code: `(.*?)\s*$` would backtrack quadratically over a long run of spaces.
_HEADER_LINE = re.compile(r"^(\s*(Revision ID|Revises|Create Date):[ \t]*)(.*)")
_HEADER_KEYS = {"Revision ID": "revision_id", "Revises": "revises", "Create Date": "create_date"}

# Statements that hold no import and no nested block.
_SIMPLE_STATEMENTS = frozenset(
    {ast.Expr, ast.Pass, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return, ast.Raise, ast.Delete}
    | {ast.Global, ast.Nonlocal, ast.Break, ast.Continue, ast.Assert}
)
_DEF_NAME = re.compile(r"\bdef\s+(\w+)")

_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith)
if hasattr(ast, "TryStar"):
    _COMPOUND += (ast.TryStar,)  # type: ignore[attr-defined]
if hasattr(ast, "Match"):
    _COMPOUND += (ast.Match,)


def _child_blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists nested directly in a compound statement."""
    blocks: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        block = getattr(stmt, name, None)
        if block:
            blocks.append(block)
    for handler in getattr(stmt, "handlers", ()):
        blocks.append(handler.body)
    for case in getattr(stmt, "cases", ()):
        blocks.append(case.body)
    return blocks


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def function_notes(
    index: LineIndex, node: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[tuple[str, ...], str | None]:
    """The comments and the docstring of a function that does nothing: what its author says
    about why (ALM102, ALM104). The comments are read from the `def` line to the body's last
    line, and on the comment lines after it that are indented under the `def` (alembic's
    `# ### end Alembic commands ###` follows the `pass`). Tokenized: a `#` in a string is no comment."""
    lines = index.lines
    first = node.lineno
    last = node.body[-1].end_lineno or node.body[-1].lineno
    indent = node.col_offset  # the def's (module level: 0); a comment under it is indented further
    while last < len(lines):
        text = lines[last]  # the line after `last`
        stripped = text.lstrip()
        if stripped and not (stripped.startswith("#") and len(text) - len(stripped) > indent):
            break
        last += 1
    comments: list[str] = []
    readline = iter([line + "\n" for line in lines[first - 1 : last]]).__next__
    try:
        for token in tokenize.generate_tokens(readline):
            if token.type == tokenize.COMMENT:
                comments.append(token.string.rstrip())
    except (tokenize.TokenError, SyntaxError, StopIteration):
        pass  # a line cut inside the signature: the comments found so far
    return tuple(comments), docstring_of(node)


def docstring_of(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """`ast.get_docstring(node, clean=True)`, without the `inspect` module it imports for
    `cleandoc` (3 ms, more than the rest of a small folder's extraction)."""
    if not (node.body and isinstance(node.body[0], ast.Expr)):
        return None
    value = node.body[0].value
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return None
    lines = value.value.expandtabs().split("\n")  # inspect.cleandoc's rules
    margin = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()), default=None)
    lines[0] = lines[0].lstrip()
    if margin is not None:
        lines[1:] = [line[margin:] for line in lines[1:]]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


class _Extractor:
    def __init__(self, path: Path, index: LineIndex) -> None:
        self.path = path
        self.index = index
        self.ascii = index.ascii
        self.bindings: dict[str, Binding] = {}
        self.functions: dict[str, Function] = {}
        self.imports: list[Import] = []

    # -- positions ---------------------------------------------------------
    def span(self, node: ast.AST) -> Span:
        line: int = node.lineno  # type: ignore[attr-defined]
        end_line: int = node.end_lineno or line  # type: ignore[attr-defined]
        end_col: int = node.end_col_offset if node.end_col_offset is not None else 0  # type: ignore[attr-defined]
        if self.ascii:  # byte columns are code-point columns
            return Span(line, node.col_offset, end_line, end_col)  # type: ignore[attr-defined]
        return Span(
            line,
            self.index.column(line, node.col_offset),  # type: ignore[attr-defined]
            end_line,
            self.index.column(end_line, end_col),
        )

    def source(self, span: Span) -> str:
        if span.line == span.end_line:
            return self.index.line(span.line)[span.col : span.end_col]
        parts = [self.index.line(span.line)[span.col :]]
        parts.extend(self.index.line(n) for n in range(span.line + 1, span.end_line))
        parts.append(self.index.line(span.end_line)[: span.end_col])
        return "\n".join(parts)

    # -- the walk ------------------------------------------------------------
    def extract(self, tree: ast.Module) -> Migration:
        self.tree = tree
        self.operations: OperationExtractor | None = None  # made for the first function with a body
        self.module_block(tree.body, conditional=False)
        self.collect_imports(tree.body, in_function=False, type_checking=False)
        return Migration(
            path=self.path,
            revision=self.bindings.get("revision"),
            down_revision=self.bindings.get("down_revision"),
            branch_labels=self.bindings.get("branch_labels"),
            depends_on=self.bindings.get("depends_on"),
            header=self.header(tree),
            upgrade=self.functions.get("upgrade"),
            downgrade=self.functions.get("downgrade"),
            imports=tuple(self.imports),
            lines=len(self.index.lines),
        )

    def module_block(self, body: list[ast.stmt], conditional: bool) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    self.assign(target, stmt.value, conditional)
            elif isinstance(stmt, ast.AnnAssign):
                if stmt.value is not None:
                    self.assign(stmt.target, stmt.value, conditional)
            elif isinstance(stmt, ast.AugAssign):
                self.assign(stmt.target, None, conditional)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if stmt.name in ("upgrade", "downgrade"):
                    self.functions[stmt.name] = self.function(stmt, conditional)
            elif isinstance(stmt, _COMPOUND):
                for block in _child_blocks(stmt):
                    self.module_block(block, conditional=True)

    def assign(self, target: ast.expr, value: ast.expr | None, conditional: bool) -> None:
        if isinstance(target, ast.Name):
            if target.id in REVISION_VARIABLES:
                self.bindings[target.id] = self.binding(target, value, conditional)
        elif isinstance(target, (ast.Tuple, ast.List)):
            # `revision, down_revision = ...`: bound, but not something we evaluate.
            for element in target.elts:
                inner = element.value if isinstance(element, ast.Starred) else element
                self.assign(inner, None, conditional)

    def binding(self, target: ast.Name, value: ast.expr | None, conditional: bool) -> Binding:
        name_span = self.span(target)
        if value is None:
            return Binding(
                target.id, name_span, name_span, "dynamic", (Value(target.id, name_span, "dynamic"),), conditional
            )
        value_span = self.span(value)
        shape: Shape
        if isinstance(value, ast.Constant):
            if value.value is None:
                shape, items = "none", ()
            elif isinstance(value.value, str):
                shape, items = "str", (Value(value.value, value_span),)
            else:
                shape, items = "other", (Value(self.source(value_span), value_span, "other"),)
        elif isinstance(value, (ast.Tuple, ast.List, ast.Set)):
            shape = {ast.Tuple: "tuple", ast.List: "list", ast.Set: "set"}[type(value)]  # type: ignore[assignment]
            items = tuple(self.element(element) for element in value.elts)
        else:
            shape, items = "dynamic", (Value(self.source(value_span), value_span, "dynamic"),)
        return Binding(target.id, name_span, value_span, shape, items, conditional)

    def element(self, node: ast.expr) -> Value:
        span = self.span(node)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return Value(node.value, span)
            return Value(self.source(span), span, "other")
        return Value(self.source(span), span, "dynamic")

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, conditional: bool) -> Function:
        line = node.lineno
        text = self.index.line(line)
        # `def` may be preceded by `async` and decorators live on earlier lines.
        match = _DEF_NAME.search(text)
        if match and match.group(1) == node.name:
            name_span = Span(line, match.start(1), line, match.end(1))
        else:
            name_span = Span(line, 0, line, len(text))
        first, last = node.body[0], node.body[-1]
        body_span = Span(
            first.lineno,
            self.index.column(first.lineno, first.col_offset),
            last.end_lineno or last.lineno,
            self.index.column(last.end_lineno or last.lineno, last.end_col_offset or 0),
        )
        trivial = all(
            isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
            for stmt in node.body
        )
        raises: list[str] = []
        for stmt in node.body:
            if isinstance(stmt, ast.Raise) and stmt.exc is not None:
                exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
                name = _dotted(exc)
                if name:
                    raises.append(name)
        operations: tuple[Operation, ...] = ()
        if not trivial:
            if self.operations is None:
                # Not `self.span`: a bound method would make a reference cycle (extractor ->
                # operations -> extractor) that keeps the whole tree alive while the collector is paused.
                self.operations = OperationExtractor(self.tree, partial(node_span, index=self.index), self.index)
            operations = self.operations.extract(node)
        comments, docstring = function_notes(self.index, node) if trivial else ((), None)
        return Function(
            node.name, name_span, body_span, trivial, tuple(raises), conditional, operations, comments, docstring
        )

    def collect_imports(self, body: list[ast.stmt], in_function: bool, type_checking: bool) -> None:
        for stmt in body:
            if type(stmt) in _SIMPLE_STATEMENTS:  # most of a migration: op calls, docstrings, assignments
                continue
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    self.imports.append(Import(alias.name, (), 0, self.span(stmt), in_function, type_checking))
            elif isinstance(stmt, ast.ImportFrom):
                self.imports.append(
                    Import(
                        stmt.module or "",
                        tuple(alias.name for alias in stmt.names),
                        stmt.level or 0,
                        self.span(stmt),
                        in_function,
                        type_checking,
                    )
                )
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.collect_imports(stmt.body, True, type_checking)
            elif isinstance(stmt, ast.ClassDef):
                self.collect_imports(stmt.body, in_function, type_checking)
            elif isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
                self.collect_imports(stmt.body, in_function, True)
                self.collect_imports(stmt.orelse, in_function, type_checking)
            elif isinstance(stmt, _COMPOUND):
                for block in _child_blocks(stmt):
                    self.collect_imports(block, in_function, type_checking)

    def header(self, tree: ast.Module) -> Header | None:
        if not tree.body:
            return None
        first = tree.body[0]
        if not (
            isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
        ):
            return None
        doc = first.value.value.strip()
        message = doc.split("\n\n", 1)[0]
        fields: dict[str, HeaderField | None] = dict.fromkeys(_HEADER_KEYS.values())
        lines = self.index.lines
        for lineno in range(first.lineno, (first.end_lineno or first.lineno) + 1):
            text = lines[lineno - 1] if lineno <= len(lines) else ""
            if ":" not in text:
                continue
            match = _HEADER_LINE.match(text)
            if match:
                key = _HEADER_KEYS[match.group(2)]
                if fields[key] is None:
                    start = len(match.group(1))
                    value = match.group(3).rstrip()
                    fields[key] = HeaderField(value, Span(lineno, start, lineno, start + len(value)))
        return Header(message, self.span(first), fields["revision_id"], fields["revises"], fields["create_date"])
