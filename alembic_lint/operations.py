"""Operation facts: the `op.*` calls of a migration's `upgrade()`/`downgrade()`, as data.

Called once per function by parse.py's extractor, on the function's ast; only the
two function bodies are walked, and only calls are looked at. Each call becomes
a small frozen `Operation`: the `op` function it calls (the name resolved through
`from alembic import op as o`, `import alembic.op`, and the alias of
`with op.batch_alter_table("t") as batch_op:`, whose table it records), its
text, from which `Operation.args`/`keywords` decode the arguments the rules read
on first use (`Arg`: literals kept, calls and sequences kept as their parts,
anything else as its source text; parsing never builds them), its span,
whether it sits inside `with op.get_context().autocommit_block():`, the literal
SQL of `op.execute(...)` (a string, `sa.text(...)`, an f-string with `{...}`
placeholders, a local constant), the tables the function created before it, and
the dialects an `if ... dialect.name == "..."` around it limits it to.
`conn.execute(...)` on `conn = op.get_bind()` counts as an `execute` too.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

from alembic_lint.diagnostics import Span
from alembic_lint.records import record
from alembic_lint.source import LineIndex

# Calls that only mark a name as final: `op.f("ix_a")`, naming convention's `conv("...")`.
_NAMING = re.compile(r"(?:^|\.)(?:f|conv)$")

ArgKind = Literal["literal", "call", "sequence", "name", "unknown"]
Via = Literal["op", "batch", "bind"]

MAX_DEPTH = 4  # deeper calls and sequences are kept as source text
MAX_TEXT = 120  # longer source text is cut (it is only shown in messages)
_LITERALS = (str, int, float, bool, bytes, type(None))


@record
class Arg:
    """One argument as written.

    `kind`/`value`: "literal" (the constant: str, int, float, bool, bytes or None),
    "call" (the called name as written, `sa.Column`; `args`/`keywords` are its
    arguments), "sequence" (a list, tuple or set: `args` are its items), "name" (a
    dotted name such as `table_name` or `sa.Integer`), "unknown" (its source text).
    """

    kind: ArgKind
    value: object
    args: tuple[Arg, ...] = ()
    keywords: tuple[tuple[str, Arg], ...] = ()  # "**" for `**kw`

    def keyword(self, name: str) -> Arg | None:
        for key, value in self.keywords:
            if key == name:
                return value
        return None

    @property
    def string(self) -> str | None:
        """The value of a string literal, else None."""
        return self.value if self.kind == "literal" and isinstance(self.value, str) else None

    @property
    def text(self) -> str:
        """How to show it in a message: a string's value, else (roughly) its source."""
        if self.kind == "literal":
            return self.value if isinstance(self.value, str) else repr(self.value)
        if self.kind == "call":
            if _NAMING.search(str(self.value)) and len(self.args) == 1 and self.args[0].string is not None:
                return self.args[0].string  # op.f("ix_users_email"), conv("..."): the name it gives
            return f"{self.value}(...)" if self.args or self.keywords else f"{self.value}()"
        if self.kind == "sequence":
            return "[" + ", ".join(item.text for item in self.args) + "]"
        return str(self.value)

    @property
    def name_text(self) -> str:
        """How a message shows a table or column name: a literal as it is, anything computed as
        `{expression}` (the variable `table` in a loop is not a table called "table")."""
        text = self.text
        if self.kind == "literal" or (self.kind == "call" and not text.endswith(")")):  # op.f("ix_a")
            return text
        return f"{{{text}}}"

    def is_literal(self, value: object) -> bool:
        return self.kind == "literal" and type(self.value) is type(value) and self.value == value


# Positional parameters of the `op` functions the rules read, and of their batch forms
# (which take no table: it comes from the `with`).
_POSITIONAL: dict[tuple[str, bool], tuple[str, ...]] = {
    ("create_index", False): ("index_name", "table_name", "columns", "schema", "unique"),
    ("create_index", True): ("index_name", "columns"),
    ("drop_index", False): ("index_name", "table_name", "schema"),
    ("drop_index", True): ("index_name",),
    ("add_column", False): ("table_name", "column", "schema"),
    ("add_column", True): ("column",),
    ("drop_column", False): ("table_name", "column_name", "schema"),
    ("drop_column", True): ("column_name",),
    ("alter_column", False): ("table_name", "column_name"),
    ("alter_column", True): ("column_name",),
    ("rename_table", False): ("old_table_name", "new_table_name", "schema"),
    ("drop_table", False): ("table_name",),
    ("create_table", False): ("table_name",),
    ("create_foreign_key", False): ("constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"),
    ("create_foreign_key", True): ("constraint_name", "referent_table", "local_cols", "remote_cols"),
    ("create_check_constraint", False): ("constraint_name", "table_name", "condition"),
    ("create_check_constraint", True): ("constraint_name", "condition"),
    ("create_unique_constraint", False): ("constraint_name", "table_name", "columns"),
    ("create_unique_constraint", True): ("constraint_name", "columns"),
    ("create_primary_key", False): ("constraint_name", "table_name", "columns"),
    ("create_primary_key", True): ("constraint_name", "columns"),
    ("drop_constraint", False): ("constraint_name", "table_name", "type_"),
    ("drop_constraint", True): ("constraint_name", "type_"),
    ("execute", False): ("sqltext",),
    ("execute", True): ("sqltext",),
    ("batch_alter_table", False): ("table_name", "schema", "recreate"),
}
_TABLE_PARAMETER = {
    "create_foreign_key": "source_table",
    "rename_table": "old_table_name",
}
# What the rules read of each call: its first N positional arguments and these keywords, besides
# every `postgresql_*` dialect keyword and `**kw`; the rest (create_table's columns, bulk_insert's
# rows, alter_column's `existing_*`) is not kept. Calls not listed keep their first argument.
_KEPT: dict[str, tuple[int, frozenset[str]]] = {
    "create_index": (2, frozenset({"index_name", "table_name", "schema", "unique"})),
    "drop_index": (2, frozenset({"index_name", "table_name", "schema"})),
    "add_column": (2, frozenset({"table_name", "column", "schema"})),
    "drop_column": (2, frozenset({"table_name", "column_name", "schema"})),
    "alter_column": (
        2,
        frozenset(
            {"table_name", "column_name", "nullable", "type_", "new_column_name", "server_default", "schema"}
            | {"existing_type", "existing_nullable"}  # a widened varchar, an unchanged NOT NULL
        ),
    ),
    "rename_table": (2, frozenset({"old_table_name", "new_table_name", "schema"})),
    "drop_table": (1, frozenset({"table_name", "schema"})),
    "create_table": (1, frozenset()),
    "create_foreign_key": (3, frozenset({"constraint_name", "source_table", "referent_table", "source_schema"})),
    "create_check_constraint": (2, frozenset({"constraint_name", "table_name", "schema"})),
    "create_unique_constraint": (2, frozenset({"constraint_name", "table_name", "schema"})),
    "create_primary_key": (2, frozenset({"constraint_name", "table_name", "schema"})),
    "drop_constraint": (2, frozenset({"constraint_name", "table_name", "type_", "schema"})),
    "execute": (0, frozenset()),  # its SQL is kept as `Operation.sql`
    "batch_alter_table": (1, frozenset()),
}
_OTHER: tuple[int, frozenset[str]] = (1, frozenset())
_FIRST_ONLY = frozenset({"create_table", "bulk_insert", "batch_alter_table"})  # only their first argument is read
# Keyword values are kept flat (a call becomes its source text) except these, kept one level deep
# (`type_=sa.String(length=500)`: the length is read).
_KEYWORD_DEPTH = {"type_": MAX_DEPTH - 2, "existing_type": MAX_DEPTH - 2, "server_default": MAX_DEPTH - 2}
# `op` functions that are helpers, not operations.
_HELPERS = frozenset({"f", "get_bind", "get_context", "inline_literal", "invoke", "run_async"})
# Calls whose statement a fix may wrap in `autocommit_block()` or follow with another; `execute`
# only when its SQL may need that (a concurrent index, an enum value).
FIXABLE = frozenset({"create_index", "drop_index", "create_foreign_key", "create_check_constraint"})
_FIXABLE_SQL = re.compile(r"concurrently|add\s+value", re.IGNORECASE)


@record
class Guard:
    """What an `if` on the dialect name (`if bind.dialect.name == "mysql":`) lets a call run on."""

    only: tuple[str, ...] | None = None  # only these dialects (None: any)
    never: tuple[str, ...] = ()

    def allows(self, dialect: str) -> bool:
        return dialect not in self.never and (self.only is None or dialect in self.only)


@record
class FixSite:
    """Where a fix may edit a FIXABLE call."""

    statement: Span | None  # the statement, when it is the call alone on its lines
    arguments_end: Span | None  # just after the last argument (a keyword goes there)
    multiline_string: bool  # a string inside spans lines: its lines must not be re-indented
    indent: str = ""  # the statement's indentation, as written


@record
class Operation:
    """One `op.*` call (or `batch_op.*`, or `conn.execute` on `op.get_bind()`)."""

    name: str  # the op function: "create_index", "execute", ...
    span: Span  # the call
    receiver: str  # as written before the name: "op", "o", "alembic.op", "batch_op", "conn"
    via: Via = "op"
    # The call as written; `args`/`keywords` read its arguments on first use (only the selected
    # rules ask), so parsing pays one slice of text per call, not a record per argument.
    text: str = ""
    batch_table: Arg | None = None  # batch_alter_table's table, for via="batch"
    autocommit: bool = False  # inside `with ...autocommit_block():`
    sql: str | None = None  # execute: the literal SQL
    created: tuple[str, ...] = ()  # tables this function created before the call (their `table_key`s)
    guard: Guard | None = None  # an `if` on the dialect name around it
    site: FixSite | None = None  # FIXABLE calls only

    @property
    def args(self) -> tuple[Arg, ...]:
        """The positional arguments the rules read (`_KEPT`)."""
        return decode_arguments(self.name, self.text)[0]

    @property
    def keywords(self) -> tuple[tuple[str, Arg], ...]:
        """The keyword arguments the rules read (`_KEPT`, `postgresql_*`), `**kw` as "**"."""
        return decode_arguments(self.name, self.text)[1]

    def argument(self, parameter: str) -> Arg | None:
        """An argument by parameter name, passed by keyword or by position."""
        for key, value in self.keywords:
            if key == parameter:
                return value
        names = _POSITIONAL.get((self.name, self.via == "batch"), ())
        if parameter in names:
            position = names.index(parameter)
            if position < len(self.args):
                return self.args[position]
        return None

    @property
    def table(self) -> Arg | None:
        """The table the call works on: the batch's, or its table argument."""
        if self.via == "batch":
            return self.batch_table
        return self.argument(_TABLE_PARAMETER.get(self.name, "table_name"))

    @property
    def table_name(self) -> str | None:
        table = self.table
        return table.string if table is not None else None

    @property
    def table_text(self) -> str:
        table = self.table
        return table.name_text if table is not None else "?"

    @property
    def table_key(self) -> str | None:
        """What identifies the table within the function: its literal name, or the name of
        the variable or attribute holding it (`SqlSpan.__tablename__`)."""
        return _key(self.table)

    @property
    def on_new_table(self) -> bool:
        """True when the table was created earlier in the same function."""
        key = self.table_key
        return key is not None and is_created(key, self.created)

    def flag(self, name: str) -> bool | None:
        """A keyword's literal truth (`postgresql_concurrently=True`): None when unknown (not a
        literal, or not passed while `**kw` might hold it)."""
        value = self.argument(name)
        if value is None:
            return None if any(key == "**" for key, _ in self.keywords) else False
        if value.kind == "literal":
            return bool(value.value)
        return None

    def runs_on(self, dialect: str) -> bool:
        """False when an `if` on the dialect name keeps the call from running on `dialect`."""
        return self.guard is None or self.guard.allows(dialect)

    @property
    def call(self) -> str:
        """The call as a message shows it: `op.create_index`."""
        return f"{self.receiver}.{self.name}"


def _key(arg: Arg | None) -> str | None:
    if arg is None:
        return None
    return arg.string if arg.kind == "literal" else str(arg.value) if arg.kind == "name" else None


def is_created(table: str, created: tuple[str, ...]) -> bool:
    """Whether a table name is among the created ones (PostgreSQL folds unquoted names)."""
    lowered = table.lower()
    return any(name == table or name.lower() == lowered for name in created)


SpanOf = Callable[[ast.AST], Span]


@lru_cache(maxsize=16384)
def decode_arguments(name: str, text: str) -> tuple[tuple[Arg, ...], tuple[tuple[str, Arg], ...]]:
    """The arguments of an `op.<name>` call the rules read, from the call's text (memoised: every
    rule asks, and equal calls recur across files)."""
    if not text:
        return (), ()
    source = f"(\n{text}\n)"  # a call spanning lines, as written inside its function
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes warn at compile time
            tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return (), ()
    call = tree.body
    if not isinstance(call, ast.Call):
        return (), ()
    index = LineIndex(source)
    reader = ArgReader(lambda node: node_span(node, index), index)
    count, names = _KEPT.get(name, _OTHER)
    depth = 0 if name == "add_column" else MAX_DEPTH - 2  # add_column: its sa.Column(...) is read
    args = tuple([reader.arg(argument, depth) for argument in call.args[:count]])
    keywords = tuple(
        [
            (keyword.arg or "**", reader.arg(keyword.value, _KEYWORD_DEPTH.get(keyword.arg or "", MAX_DEPTH)))
            for keyword in call.keywords
            if keyword.arg is None or keyword.arg in names or keyword.arg.startswith("postgresql_")
        ]
    )
    return args, keywords


def node_span(node: ast.AST, index: LineIndex) -> Span:
    """A node's span in code-point columns (ast counts UTF-8 bytes)."""
    line: int = node.lineno  # type: ignore[attr-defined]
    end_line: int = node.end_lineno or line  # type: ignore[attr-defined]
    col: int = node.col_offset  # type: ignore[attr-defined]
    end_col: int = node.end_col_offset or 0  # type: ignore[attr-defined]
    if index.ascii:
        return Span(line, col, end_line, end_col)
    return Span(line, index.column(line, col), end_line, index.column(end_line, end_col))


class ArgReader:
    """Turns argument nodes into `Arg` records, reading source text through `index`."""

    def __init__(self, span: SpanOf, index: LineIndex) -> None:
        self.span = span
        self.index = index
        self.literals: dict[tuple[type, object], Arg] = {}  # one record per literal value

    def arg(self, node: ast.expr, depth: int) -> Arg:
        kind = type(node)
        if kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            if isinstance(value, _LITERALS):
                key = (type(value), value)
                found = self.literals.get(key)  # table and column names repeat: share their records
                if found is None:
                    found = self.literals[key] = Arg("literal", value)
                return found
        elif kind is ast.Name:
            return Arg("name", node.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            dotted = _dotted(node)
            if dotted is not None:
                return Arg("name", dotted)
        elif kind is ast.Call and depth < MAX_DEPTH:
            func = node.func  # type: ignore[attr-defined]
            return Arg(
                "call",
                _dotted(func) or self.text(func),
                tuple([self.arg(a, depth + 1) for a in node.args]),  # type: ignore[attr-defined]
                tuple([(k.arg or "**", self.arg(k.value, depth + 1)) for k in node.keywords]),  # type: ignore[attr-defined]
            )
        elif (kind is ast.List or kind is ast.Tuple or kind is ast.Set) and depth < MAX_DEPTH:
            return Arg("sequence", None, tuple([self.arg(e, depth + 1) for e in node.elts]))  # type: ignore[attr-defined]
        elif kind is ast.UnaryOp and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):  # type: ignore[attr-defined]
            value = node.operand.value  # type: ignore[attr-defined]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return Arg("literal", -value)
        return Arg("unknown", self.text(node))

    def text(self, node: ast.AST) -> str:
        """A node's source text, cut at MAX_TEXT characters or the end of its first line."""
        span = self.span(node)
        line = self.index.line(span.line)
        text = line[span.col : span.end_col] if span.line == span.end_line else line[span.col :] + " ..."
        return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 4] + " ..."


# -- extraction -------------------------------------------------------------------------
# Statements that hold neither a call worth recording nor a nested block.
_SKIPPED = frozenset({ast.Pass, ast.Raise, ast.Delete, ast.Global, ast.Nonlocal, ast.Break, ast.Continue, ast.Assert})
_SKIPPED |= {ast.ClassDef}  # a model declared inside the function: no op calls there
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)


class _State:
    """Where the walk is: inside autocommit_block(), which batch blocks, which dialect guard."""

    __slots__ = ("autocommit", "batch", "guard")

    def __init__(
        self,
        autocommit: bool = False,
        batch: tuple[tuple[str, Arg], ...] = (),  # alias -> table of the enclosing batch_alter_table blocks
        guard: Guard | None = None,
    ) -> None:
        self.autocommit, self.batch, self.guard = autocommit, batch, guard

    def autocommitting(self) -> _State:
        return _State(True, self.batch, self.guard)

    def in_batch(self, alias: str, table: Arg) -> _State:
        return _State(self.autocommit, ((alias, table), *self.batch), self.guard)

    def guarded(self, guard: Guard) -> _State:
        return _State(self.autocommit, self.batch, guard)


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _multiline_string(node: ast.expr, depth: int) -> bool:
    """Whether a string spanning lines is inside an argument list (a few levels deep)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.lineno != node.end_lineno
    if depth > 3:
        return True  # do not look further: assume there may be one
    if isinstance(node, ast.Call):
        return any(_multiline_string(a, depth + 1) for a in (*node.args, *(k.value for k in node.keywords)))
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return any(_multiline_string(e, depth + 1) for e in node.elts)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return False
    return node.lineno != node.end_lineno  # something else over several lines: it may hold one


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    """A call's argument node, by keyword or by position."""
    for passed in call.keywords:
        if passed.arg == keyword:
            return passed.value
    return call.args[position] if position < len(call.args) else None


def _node_key(node: ast.expr | None) -> str | None:
    """A table argument's `Operation.table_key`, from its node: the literal, or the dotted name."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    return _dotted(node) if node is not None else None


def _end(node: ast.AST) -> tuple[int, int]:
    return (node.end_lineno or 0, node.end_col_offset or 0)  # type: ignore[attr-defined]


def _normal_dialect(name: str) -> str:
    lowered = name.lower()
    return "postgresql" if lowered in ("postgres", "psql", "pg") else lowered


_DIALECT_WORDS = ("postgresql", "postgres", "mysql", "mariadb", "sqlite", "mssql", "oracle")


class OperationExtractor:
    """Finds the op calls of one module's functions. Built once per file (it reads the
    module's imports and string constants), then `extract(function)` per function."""

    def __init__(self, tree: ast.Module, span: SpanOf, index: LineIndex) -> None:
        self.span = span
        self.index = index
        self.op_names: set[str] = set()  # names bound to alembic.op
        self.alembic_names: set[str] = set()  # names bound to the alembic package
        self.functions: dict[str, str] = {}  # `from alembic.op import create_index as ci`: ci -> create_index
        self.constants: dict[str, str] = {}  # module-level NAME = "literal string"
        self.reader = ArgReader(span, index)
        # per function (reset by extract):
        self.found: list[Operation] = []
        self.created: tuple[str, ...] = ()  # tables created so far
        self.binds: set[str] = set()  # names bound to op.get_bind()
        self.strings: dict[str, str] = {}  # local NAME = "literal SQL"
        for stmt in tree.body:
            kind = type(stmt)
            if kind is ast.ImportFrom or kind is ast.Import:
                self._import(stmt)
            elif kind is ast.Assign:
                target = stmt.targets[0]  # type: ignore[attr-defined]
                if type(target) is ast.Name and len(stmt.targets) == 1:  # type: ignore[attr-defined]
                    text = self._literal_sql(stmt.value, {})  # type: ignore[attr-defined]
                    if text is not None:
                        self.constants[target.id] = text
            elif kind is ast.If or kind is ast.Try:
                for inner in stmt.body:  # type: ignore[attr-defined]
                    self._import(inner)
        if not self.op_names and not self.alembic_names and not self.functions:
            self.op_names.add("op")  # the conventional name, when no import says otherwise

    def _import(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.ImportFrom) and not stmt.level:
            if stmt.module == "alembic":
                for alias in stmt.names:
                    if alias.name == "op":
                        self.op_names.add(alias.asname or "op")
            elif stmt.module == "alembic.op":
                for alias in stmt.names:
                    self.functions[alias.asname or alias.name] = alias.name
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name == "alembic.op" and alias.asname:
                    self.op_names.add(alias.asname)
                elif alias.name == "alembic" or alias.name.startswith("alembic."):
                    self.alembic_names.add(alias.asname if alias.name == "alembic" and alias.asname else "alembic")

    # -- per function --------------------------------------------------------------------
    def extract(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[Operation, ...]:
        self.found, self.created, self.binds, self.strings = [], (), set(), {}
        self.block(node.body, _State())
        return tuple(self.found)

    def block(self, body: list[ast.stmt], state: _State) -> None:
        for stmt in body:
            kind = type(stmt)
            if kind is ast.Expr:
                value = stmt.value  # type: ignore[attr-defined]
                if type(value) is ast.Call:
                    self.record(value, state, stmt)
                elif type(value) is ast.Await and type(value.value) is ast.Call:
                    self.record(value.value, state, None)
            elif kind is ast.Assign:
                value = stmt.value  # type: ignore[attr-defined]
                if type(value) is ast.Call:
                    self.record(value, state, None)
                targets = stmt.targets  # type: ignore[attr-defined]
                if len(targets) == 1 and type(targets[0]) is ast.Name:
                    self.bind_name(targets[0].id, value)
            elif kind in _SKIPPED:
                continue
            elif kind is ast.If:
                inside, outside = self.guards(stmt.test, state)  # type: ignore[attr-defined]
                self.block(stmt.body, inside)  # type: ignore[attr-defined]
                if stmt.orelse:  # type: ignore[attr-defined]
                    self.block(stmt.orelse, outside)  # type: ignore[attr-defined]
            elif kind is ast.With or kind is ast.AsyncWith:
                self.with_block(stmt, state)  # type: ignore[arg-type]
            elif kind is ast.AnnAssign or kind is ast.AugAssign or kind is ast.Return:
                value = stmt.value  # type: ignore[attr-defined]
                if type(value) is ast.Call:
                    self.record(value, state, None)
                if kind is ast.AnnAssign and value is not None and type(stmt.target) is ast.Name:  # type: ignore[attr-defined]
                    self.bind_name(stmt.target.id, value)  # type: ignore[attr-defined]
            elif kind is ast.ImportFrom or kind is ast.Import:
                self._import(stmt)
            elif kind in _LOOPS:
                self.block(stmt.body, state)  # type: ignore[attr-defined]
                if stmt.orelse:  # type: ignore[attr-defined]
                    self.block(stmt.orelse, state)  # type: ignore[attr-defined]
            elif kind in _TRIES:
                self.block(stmt.body, state)  # type: ignore[attr-defined]
                for handler in stmt.handlers:  # type: ignore[attr-defined]
                    self.block(handler.body, state)
                self.block(stmt.orelse, state)  # type: ignore[attr-defined]
                self.block(stmt.finalbody, state)  # type: ignore[attr-defined]
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                self.block(stmt.body, state)  # type: ignore[attr-defined]
            else:
                for case in getattr(stmt, "cases", ()):  # match
                    self.block(case.body, state)

    def bind_name(self, name: str, value: ast.expr) -> None:
        """Remember `conn = op.get_bind()` and `sql = "..."` (forget a rebound name)."""
        self.binds.discard(name)
        self.strings.pop(name, None)
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            if value.func.attr == "get_bind" and self.op_receiver(value.func.value) is not None:
                self.binds.add(name)
                return
        text = self._literal_sql(value, self.strings)
        if text is not None:
            self.strings[name] = text

    def with_block(self, stmt: ast.With | ast.AsyncWith, state: _State) -> None:
        inner = state
        for item in stmt.items:
            context = item.context_expr
            if isinstance(context, ast.Call) and isinstance(context.func, ast.Attribute):
                if context.func.attr == "autocommit_block":
                    inner = inner.autocommitting()
                    continue
                if context.func.attr == "batch_alter_table":
                    operation = self.record(context, inner, None)
                    table = _argument(context, 0, "table_name")
                    if operation is not None and isinstance(item.optional_vars, ast.Name) and table is not None:
                        inner = inner.in_batch(item.optional_vars.id, self.reader.arg(table, MAX_DEPTH))
                    continue
            self.expression(context, inner, None)
        self.block(stmt.body, inner)

    def guards(self, test: ast.expr, state: _State) -> tuple[_State, _State]:
        """The states inside an `if` on the dialect and in its `else`."""
        only, never = self.dialect_test(test)
        if only is None and not never:
            return state, state
        inside = self.narrow(state, only, never)
        if isinstance(test, ast.BoolOp):  # `if a and b:` -- its else says nothing about either
            return inside, state
        if only is not None:
            return inside, self.narrow(state, None, only)
        return inside, self.narrow(state, never, frozenset())

    @staticmethod
    def narrow(state: _State, only: frozenset[str] | None, never: frozenset[str]) -> _State:
        guard = state.guard or Guard()
        dialects = guard.only
        if only is not None:
            dialects = tuple(sorted(only if dialects is None else only & set(dialects)))
        return state.guarded(Guard(dialects, tuple(sorted(set(guard.never) | never))))

    def dialect_test(self, test: ast.expr) -> tuple[frozenset[str] | None, frozenset[str]]:
        """(the dialects the body is limited to or None, the dialects it never runs on)."""
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            only: frozenset[str] | None = None
            never: frozenset[str] = frozenset()
            for value in test.values:
                part_only, part_never = self.dialect_test(value)
                if part_only is not None:
                    only = part_only if only is None else only & part_only
                never |= part_never
            return only, never
        if isinstance(test, ast.Name):
            lowered = test.id.lower()
            for word in _DIALECT_WORDS:
                if word in lowered and ("is_" in lowered or "using_" in lowered):
                    return frozenset({_normal_dialect(word)}), frozenset()
            return None, frozenset()
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            only, never = self.dialect_test(test.operand)
            if only is not None and not never:
                return None, only
            if only is None and never:
                return never, frozenset()
            return None, frozenset()
        if (
            isinstance(test, ast.Call)
            and isinstance(test.func, ast.Name)
            and test.func.id == "isinstance"
            and len(test.args) == 2
            and self._is_dialect(test.args[0])
        ):  # isinstance(bind.dialect, MySQLDialect)
            classes = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
            found = set()
            for cls in classes:
                name = (_dotted(cls) or "").lower()
                word = next((w for w in (*_DIALECT_WORDS, "pg", "mssql", "msdialect") if w in name), None)
                if word is None:
                    return None, frozenset()
                found.add(_normal_dialect("mssql" if word == "msdialect" else word))
            return frozenset(found), frozenset()
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            left, right = test.left, test.comparators[0]
            names = self._dialect_names(right) if self._is_dialect(left) else None
            if names is None and self._is_dialect(right):
                names = self._dialect_names(left)
            if names:
                operator = test.ops[0]
                if isinstance(operator, (ast.Eq, ast.In, ast.Is)):
                    return names, frozenset()
                if isinstance(operator, (ast.NotEq, ast.NotIn, ast.IsNot)):
                    return None, names
        return None, frozenset()

    @staticmethod
    def _is_dialect(node: ast.expr) -> bool:
        parts = []
        while True:
            if isinstance(node, ast.Attribute):
                parts.append(node.attr)
                node = node.value
            elif isinstance(node, ast.Call):
                node = node.func
            elif isinstance(node, ast.Name):
                parts.append(node.id)
                break
            else:
                return False
        text = ".".join(reversed(parts)).lower()
        if "dialect" in text:
            return True
        return text.endswith(".name") and any(word in text for word in ("bind", "conn", "engine"))

    @staticmethod
    def _dialect_names(node: ast.expr) -> frozenset[str] | None:
        items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
        names = set()
        for item in items:
            if not (isinstance(item, ast.Constant) and isinstance(item.value, str)):
                return None
            names.add(_normal_dialect(item.value))
        return frozenset(names)

    # -- calls ---------------------------------------------------------------------------
    def expression(self, node: ast.expr, state: _State, stmt: ast.stmt | None) -> None:
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Call):
            self.record(node, state, stmt)

    def op_receiver(self, node: ast.expr) -> str | None:
        """The receiver's text when `node` is alembic's `op` module."""
        if isinstance(node, ast.Name):
            return node.id if node.id in self.op_names else None
        if isinstance(node, ast.Attribute) and node.attr == "op":
            base = _dotted(node.value)
            if base in self.alembic_names:
                return f"{base}.op"
        return None

    def record(self, call: ast.Call, state: _State, stmt: ast.stmt | None) -> Operation | None:
        """Add the call to the function's operations when it is an op call; return it."""
        func = call.func
        via: Via = "op"
        batch_table = None
        if type(func) is ast.Attribute:
            name = func.attr  # type: ignore[attr-defined]
            value = func.value  # type: ignore[attr-defined]
            receiver = None
            if type(value) is ast.Name:
                identifier = value.id
                if identifier in self.op_names:
                    receiver = identifier
                elif identifier in self.binds and name in ("execute", "exec_driver_sql"):
                    receiver, via, name = identifier, "bind", "execute"
                else:
                    for alias, table in state.batch:
                        if alias == identifier:
                            receiver, via, batch_table = alias, "batch", table
                            break
            else:
                receiver = self.op_receiver(value)
            if receiver is None:
                if (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "get_bind"
                    and name in ("execute", "exec_driver_sql")
                ):
                    inner = self.op_receiver(value.func.value)
                    if inner is not None:
                        receiver, via, name = f"{inner}.get_bind()", "bind", "execute"
                if receiver is None:
                    self.helper(call, name)
                    return None
        elif isinstance(func, ast.Name) and func.id in self.functions:
            name, receiver = self.functions[func.id], "op"
        else:
            if isinstance(func, ast.Name):
                self.helper(call, func.id)
            return None
        if name in _HELPERS:
            return None
        if name == "bulk_insert" and call.args and isinstance(call.args[0], ast.Call):
            self.record(call.args[0], state, None)  # `op.bulk_insert(op.create_table(...), rows)`: that first
        span = self.span(call)
        sql = None
        if name == "execute" and call.args:
            sql = self._literal_sql(call.args[0], self.strings)
        site = None
        if via == "op" and (name in FIXABLE or (sql is not None and _FIXABLE_SQL.search(sql))):
            site = self.site(call, stmt)  # a fix never edits a batch block or a connection's call
        operation = Operation(  # positionally: this runs for every op call of every file parsed
            name,
            span,
            receiver,
            via,
            self.arguments(call, name, span),
            batch_table,
            state.autocommit,
            sql,
            self.created,
            state.guard,
            site,
        )
        self.found.append(operation)
        if sql is not None or name == "create_table" or name == "rename_table":
            self.note_created(operation, call)
        return operation

    def arguments(self, call: ast.Call, name: str, span: Span) -> str:
        """The call as written (`op.create_index("ix", "t", ["a"])`); for calls whose other
        arguments no rule reads (create_table's columns, bulk_insert's rows) only their first,
        as `f(...)`; nothing for an `execute` (its SQL is kept apart)."""
        if name in _FIRST_ONLY or name == "execute":
            if name == "execute" or not call.args:
                return ""
            first = self.span(call.args[0])
            return "f(" + self._between(first.line, first.col, first.end_line, first.end_col) + ")"
        return self._between(span.line, span.col, span.end_line, span.end_col)

    def _between(self, line: int, col: int, end_line: int, end_col: int) -> str:
        first = self.index.line(line)
        if line == end_line:
            return first[col:end_col]
        lines = [first[col:]]
        lines.extend(self.index.line(n) for n in range(line + 1, end_line))
        lines.append(self.index.line(end_line)[:end_col])
        return "\n".join(lines)

    def helper(self, call: ast.Call, name: str) -> None:
        """A project's own `create_table("t", ...)` wrapper (superset has one) creates `t` too."""
        if name.endswith("create_table") and call.args:
            key = _node_key(call.args[0])
            if key is not None:
                self.created = (*self.created, key)

    def note_created(self, operation: Operation, call: ast.Call) -> None:
        new: tuple[str, ...] = ()
        if operation.name == "create_table" and operation.via == "op":
            table = _node_key(_argument(call, 0, "table_name"))
            new = (table,) if table is not None else ()
        elif operation.name == "rename_table" and operation.via == "op":
            old = _node_key(_argument(call, 0, "old_table_name"))
            renamed = _node_key(_argument(call, 1, "new_table_name"))
            if old is not None and renamed is not None and is_created(old, self.created):
                new = (renamed,)
        elif operation.sql is not None and "table" in operation.sql.lower():
            from alembic_lint.sql import created_tables  # imported only when some SQL may create one

            new = created_tables(operation.sql)
        if new:
            self.created = (*self.created, *new)

    def site(self, call: ast.Call, stmt: ast.stmt | None) -> FixSite:
        last = max((*call.args, *(k.value for k in call.keywords)), key=_end, default=None)
        arguments_end = None
        if last is not None:
            end = self.span(last)
            arguments_end = Span.point(end.end_line, end.end_col)
        if not (isinstance(stmt, ast.Expr) and stmt.value is call):
            return FixSite(None, arguments_end, False)
        span = self.span(stmt)
        before = self.index.line(span.line)[: span.col]
        after = self.index.line(span.end_line)[span.end_col :].strip()
        if before.strip() or (after and not after.startswith("#")):
            return FixSite(None, arguments_end, False)
        return FixSite(span, arguments_end, span.line != span.end_line and _multiline_string(call, 0), before)

    def _literal_sql(self, node: ast.expr, local: dict[str, str]) -> str | None:
        """The SQL text of `"..."`, `sa.text("...")`, `textwrap.dedent(...)`, `"..." % x`,
        `"...".format(x)`, f-strings (values become `{...}`), and names bound to those."""
        kind = type(node)
        if kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            return value if isinstance(value, str) else None
        if kind is ast.Name:
            found = local.get(node.id)  # type: ignore[attr-defined]
            return found if found is not None else self.constants.get(node.id)  # type: ignore[attr-defined]
        if kind is ast.JoinedStr:
            parts = []
            for value in node.values:  # type: ignore[attr-defined]
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                elif isinstance(value, ast.FormattedValue):
                    parts.append("{" + (_dotted(value.value) or "...") + "}")
            return "".join(parts)
        if kind is ast.BinOp:
            left = self._literal_sql(node.left, local)  # type: ignore[attr-defined]
            if left is None:
                return None
            if isinstance(node.op, ast.Mod):  # type: ignore[attr-defined]
                return left
            if isinstance(node.op, ast.Add):  # type: ignore[attr-defined]
                right = self._literal_sql(node.right, local)  # type: ignore[attr-defined]
                return left + (right if right is not None else "{...}")
            return None
        if kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            if isinstance(func, ast.Attribute):
                if func.attr in ("text", "DDL", "dedent", "literal_column") and node.args:  # type: ignore[attr-defined]
                    return self._literal_sql(node.args[0], local)  # type: ignore[attr-defined]
                if func.attr in ("format", "bindparams", "columns", "execution_options", "strip"):
                    return self._literal_sql(func.value, local)
            elif isinstance(func, ast.Name) and func.id in ("text", "DDL", "dedent") and node.args:  # type: ignore[attr-defined]
                return self._literal_sql(node.args[0], local)  # type: ignore[attr-defined]
        return None
