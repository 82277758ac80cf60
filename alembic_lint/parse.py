"""Read one migration file as text and extract the facts the rules need.

The file is parsed with the stdlib `ast` and never imported or executed. The tree
is dropped as soon as the facts are extracted: everything returned here is small,
immutable and picklable, so it can cross process boundaries and live in a cache.
"""

from __future__ import annotations

import ast
import os
import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from alembic_lint.diagnostics import Span
from alembic_lint.noqa import NO_SUPPRESSIONS, Suppressions, scan
from alembic_lint.operations import Operation, OperationExtractor
from alembic_lint.source import DecodeError, LineIndex, decode_source, split_lines
from alembic_lint.sourcefile import SourceTooLarge, read_source

REVISION_VARIABLES = ("revision", "down_revision", "branch_labels", "depends_on")

ValueKind = Literal["str", "dynamic", "other"]
Shape = Literal["none", "str", "tuple", "list", "set", "dynamic", "other"]


@dataclass(frozen=True)
class Value:
    """One element of a revision variable.

    `kind` is "str" for a string literal (`text` is its value), "dynamic" for an
    expression that cannot be evaluated statically (`text` is its source), and
    "other" for a literal of the wrong type such as an int (`text` is its source).
    """

    text: str
    span: Span
    kind: ValueKind = "str"


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class HeaderField:
    value: str
    span: Span  # the value, after the "Revision ID:" label


@dataclass(frozen=True)
class Header:
    """The module docstring as alembic's template writes it."""

    message: str  # first paragraph, as `alembic history` shows it
    span: Span
    revision_id: HeaderField | None
    revises: HeaderField | None
    create_date: HeaderField | None


@dataclass(frozen=True)
class Function:
    """A module-level `upgrade`/`downgrade` definition."""

    name: str
    span: Span  # the function name in the `def` line
    body_span: Span
    trivial: bool  # only pass / ... / docstrings / constants
    raises: tuple[str, ...]  # exception names raised directly in the body
    conditional: bool = False  # defined inside if/try at module level
    operations: tuple[Operation, ...] = ()  # its op.* calls, in source order (operations.py)


@dataclass(frozen=True)
class Import:
    module: str  # "app.models"; "" for `from . import x`
    names: tuple[str, ...]  # names imported by `from ... import`; () for `import`
    level: int  # number of leading dots
    span: Span
    in_function: bool = False
    type_checking: bool = False


@dataclass(frozen=True)
class Migration:
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

    def binding(self, name: str) -> Binding | None:
        return getattr(self, name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ParseFailure:
    """A file that could not be read, decoded or parsed."""

    path: Path
    span: Span
    message: str
    kind: Literal["read", "decode", "syntax", "limit"] = "syntax"
    noqa: Suppressions = NO_SUPPRESSIONS


def read_migration(path: Path) -> Migration | ParseFailure:
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


def parse_migration(path: Path, source: bytes | str) -> Migration | ParseFailure:
    """Extract a migration's facts from its source. Pure: never raises on bad input."""
    if isinstance(source, bytes):
        text = decode_source(source)
        if isinstance(text, DecodeError):
            return ParseFailure(path, Span.point(text.line, text.col), text.message, "decode")
    else:
        text = source
    if "\0" in text:
        # Python refuses these without a position (ValueError on 3.10): point at the first one.
        before = split_lines(text[: text.index("\0")])
        return ParseFailure(
            path, Span.point(len(before), len(before[-1])), "syntax error: source code string cannot contain null bytes"
        )
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
        return ParseFailure(path, Span.point(line, col), f"syntax error: {exc.msg}", noqa=scan(text))
    except (ValueError, RecursionError, MemoryError) as exc:
        return ParseFailure(path, Span.point(1), f"cannot parse: {exc}")
    migration = _Extractor(path, LineIndex(text)).extract(tree)
    noqa = scan(text)
    return replace(migration, noqa=noqa) if noqa else migration


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
                self.operations = OperationExtractor(self.tree, self.span, self.index)
            operations = self.operations.extract(node)
        return Function(node.name, name_span, body_span, trivial, tuple(raises), conditional, operations)

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
