"""A small classifier for the SQL a migration runs through `op.execute`: no SQL parser.

`statements(sql)` splits a string into statements the way PostgreSQL reads them
(`;` outside quotes, quoted identifiers, `E'...'` strings, `--` and nested `/* */`
comments, `$tag$` dollar quoting). `classify(sql)` turns each statement into the
`Action`s the safety rules care about: index builds and drops (CONCURRENTLY or
not), table and column drops, renames (alembic renders a column rename as
`ALTER TABLE t RENAME a TO b`, without COLUMN), type changes, SET NOT NULL, added
columns and constraints (NOT VALID, USING INDEX), COMMIT/END, `ALTER TYPE ... ADD
VALUE`, `SET lock_timeout`. Keywords in any case and spacing; an ALTER TABLE with
several comma-separated actions gives one `Action` each. What it does not
recognise is `other` (or `alter_table` for another ALTER TABLE action): never a
finding. Placeholders (`%s`, `:name`, `{name}` from an f-string) stand for names.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from alembic_lint.records import record

ActionKind = Literal[
    "create_index",
    "drop_index",
    "reindex",
    "create_table",
    "drop_table",
    "add_column",
    "drop_column",
    "rename_column",
    "rename_table",
    "column_type",
    "set_not_null",
    "alter_column",  # another ALTER COLUMN action (SET DEFAULT, DROP NOT NULL, ...)
    "add_constraint",
    "validate_constraint",
    "drop_constraint",
    "alter_table",  # any other ALTER TABLE action
    "commit",
    "add_enum_value",
    "set_lock_timeout",
    "other",
]
ConstraintKind = Literal["check", "foreign_key", "unique", "primary_key", "exclude"]


@record
class Action:
    """One thing a statement does, with the names it mentions (as written, unquoted)."""

    kind: ActionKind
    table: str | None = None  # the table (or, for add_enum_value, the type)
    name: str | None = None  # the column, index, constraint or enum value
    new_name: str | None = None  # renames
    concurrently: bool = False  # CREATE/DROP INDEX, REINDEX
    unique: bool = False  # CREATE UNIQUE INDEX
    not_valid: bool = False  # ADD CONSTRAINT ... NOT VALID
    using_index: bool = False  # ADD CONSTRAINT ... UNIQUE/PRIMARY KEY USING INDEX
    constraint: ConstraintKind | None = None  # add_constraint
    not_null: bool = False  # add_column: NOT NULL or PRIMARY KEY
    default: str | None = None  # add_column: the DEFAULT expression as written
    functions: tuple[str, ...] = ()  # add_column: functions called in DEFAULT, lower-cased (serial: nextval)


TokenKind = Literal["word", "ident", "string", "number", "param", "op"]


@record
class Token:
    kind: TokenKind
    text: str  # as written
    start: int
    end: int

    @property
    def word(self) -> str:
        """An unquoted word upper-cased (keywords compare on it); "" for anything else."""
        return self.text.upper() if self.kind == "word" else ""

    @property
    def name(self) -> str:
        """The identifier it spells: quotes removed ("" doubled inside), or the text."""
        if self.kind == "ident":
            return self.text[1:-1].replace('""', '"') if self.text.endswith('"') else self.text[1:]
        return self.text


_SCAN_PATTERN = r"""
    (?P<space>\s+)
  | (?P<comment>--[^\n]*)
  | (?P<block>/\*)
  | (?P<estring>[eE]'(?:[^'\\]|\\.|'')*'?)
  | (?P<string>'(?:[^']|'')*'?)
  | (?P<ident>"(?:[^"]|"")*"?)
  | (?P<dollar>\$(?:[^\W\d]\w*)?\$)
  | (?P<word>[^\W\d][\w$]*)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<cast>::)
  | (?P<param>:[^\W\d]\w*|%\(\w+\)s|%s|\$\d+|\{[^{}]*\})
  | (?P<op>.)
"""


@lru_cache(maxsize=1)
def _scanner() -> re.Pattern[str]:
    """Compiled on first use: only the selected rules classify SQL, and linting must not pay for it."""
    return re.compile(_SCAN_PATTERN, re.VERBOSE | re.DOTALL)


def tokens(sql: str) -> list[Token]:
    """The tokens of a SQL string; comments and spaces dropped, strings and dollar-quoted
    bodies kept as single `string` tokens. Unterminated quotes run to the end."""
    out: list[Token] = []
    pos, end = 0, len(sql)
    scan = _scanner().match
    while pos < end:
        match = scan(sql, pos)
        assert match is not None  # `op` matches any character
        kind = match.lastgroup
        stop = match.end()
        if kind == "block":
            stop = _block_comment_end(sql, pos)
        elif kind == "dollar":
            close = sql.find(match.group(), stop)
            stop = end if close == -1 else close + len(match.group())
            out.append(Token("string", sql[pos:stop], pos, stop))
        elif kind in ("string", "estring"):
            out.append(Token("string", match.group(), pos, stop))
        elif kind == "cast":
            out.append(Token("op", "::", pos, stop))
        elif kind in ("word", "ident", "number", "param", "op"):
            out.append(Token(kind, match.group(), pos, stop))  # type: ignore[arg-type]
        pos = stop
    return out


def _block_comment_end(sql: str, pos: int) -> int:
    """Where a `/* ... */` comment starting at `pos` ends; PostgreSQL nests them."""
    depth, i = 0, pos
    while i < len(sql):
        if sql.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif sql.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    return len(sql)


def split(sql: str) -> list[list[Token]]:
    """The statements of a SQL string, each as its tokens (empty statements dropped)."""
    statements: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens(sql):
        if token.kind == "op" and token.text == ";":
            if current:
                statements.append(current)
            current = []
        else:
            current.append(token)
    if current:
        statements.append(current)
    return statements


def statements(sql: str) -> list[str]:
    """The text of each statement, without its `;`, comments at its edges dropped."""
    return [sql[parts[0].start : parts[-1].end] for parts in split(sql)]


@lru_cache(maxsize=4096)
def classify(sql: str) -> tuple[Action, ...]:
    """What every statement of a SQL string does, in order (memoised: rules share it)."""
    actions: list[Action] = []
    for statement in split(sql):
        actions.extend(_statement(_Cursor(statement, sql)))
    return tuple(actions)


@lru_cache(maxsize=1)
def _create_table() -> re.Pattern[str]:
    """A cheap look for `CREATE TABLE name` at parse time (the classifier runs only for selected rules)."""
    return re.compile(
        r"\bcreate\s+(?:(?:global|local)\s+)?(?:(?:temp|temporary|unlogged)\s+)?table\s+(?:if\s+not\s+exists\s+)?"
        r"((?:\"[^\"]+\"|[\w$]+)(?:\s*\.\s*(?:\"[^\"]+\"|[\w$]+))?)",
        re.IGNORECASE,
    )


def created_tables(sql: str) -> tuple[str, ...]:
    """The tables a SQL string creates with CREATE TABLE (last name part, unquoted)."""
    if "table" not in sql and "TABLE" not in sql and "Table" not in sql:
        return ()
    return tuple(_last_part(match.group(1)) for match in _create_table().finditer(sql))


def _last_part(dotted: str) -> str:
    last = dotted.rsplit(".", 1)[-1].strip()
    return last[1:-1] if last.startswith('"') and last.endswith('"') else last


class _Cursor:
    """Walks one statement's tokens."""

    __slots__ = ("i", "sql", "tokens")

    def __init__(self, tokens: list[Token], sql: str) -> None:
        self.tokens = tokens
        self.sql = sql  # the string the tokens' offsets point into
        self.i = 0

    def done(self) -> bool:
        return self.i >= len(self.tokens)

    def peek(self, ahead: int = 0) -> str:
        """The upper-cased word (or operator text) `ahead` tokens on; "" at the end or for names."""
        index = self.i + ahead
        if index >= len(self.tokens):
            return ""
        token = self.tokens[index]
        return token.word if token.kind == "word" else token.text if token.kind == "op" else ""

    def accept(self, *words: str) -> bool:
        """Consume these words if they come next, in order."""
        if all(self.peek(n) == word for n, word in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def name(self) -> str | None:
        """Consume a name (`schema.table` gives `table`): a word, quoted identifier or placeholder."""
        last = None
        while not self.done():
            token = self.tokens[self.i]
            if token.kind not in ("word", "ident", "param"):
                break
            last = token.name
            self.i += 1
            if self.peek() != ".":
                break
            self.i += 1
        return last

    def string(self) -> str | None:
        if not self.done() and self.tokens[self.i].kind == "string":
            text = self.tokens[self.i].text
            self.i += 1
            return text
        return None

    def rest(self) -> list[Token]:
        out = self.tokens[self.i :]
        self.i = len(self.tokens)
        return out


def _statement(cur: _Cursor) -> list[Action]:
    first = cur.peek()
    if first in ("COMMIT", "END"):
        cur.i += 1
        cur.accept("WORK") or cur.accept("TRANSACTION")
        if cur.done() or cur.peek() == "AND":  # not COMMIT PREPARED 'id' (a two-phase commit of another)
            return [Action("commit")]
        return [Action("other")]
    if cur.accept("CREATE"):
        return [_create(cur)]
    if cur.accept("DROP"):
        return _drop(cur)
    if cur.accept("ALTER", "TABLE"):
        return _alter_table(cur)
    if cur.accept("ALTER", "TYPE"):
        type_name = cur.name()
        if cur.accept("ADD", "VALUE"):
            cur.accept("IF", "NOT", "EXISTS")
            value = cur.string()
            return [Action("add_enum_value", table=type_name, name=_unquote_string(value))]
        return [Action("other", table=type_name)]
    if first == "SET":
        cur.i += 1
        cur.accept("SESSION") or cur.accept("LOCAL")
        return [Action("set_lock_timeout" if cur.peek() == "LOCK_TIMEOUT" else "other")]
    if first == "SELECT":
        body = cur.rest()
        for n, token in enumerate(body[:-2]):
            if token.word == "SET_CONFIG" and body[n + 1].text == "(" and body[n + 2].kind == "string":
                if _unquote_string(body[n + 2].text).lower() == "lock_timeout":
                    return [Action("set_lock_timeout")]
        return [Action("other")]
    if cur.accept("REINDEX"):
        if cur.peek() == "(":
            _skip_parens(cur)
        cur.i += 1  # INDEX / TABLE / SCHEMA / DATABASE / SYSTEM
        concurrently = cur.accept("CONCURRENTLY")
        return [Action("reindex", name=cur.name(), concurrently=concurrently)]
    return [Action("other")]


def _create(cur: _Cursor) -> Action:
    cur.accept("OR", "REPLACE")
    unique = cur.accept("UNIQUE")
    if cur.accept("INDEX"):
        concurrently = cur.accept("CONCURRENTLY")
        cur.accept("IF", "NOT", "EXISTS")
        name = None if cur.peek() == "ON" else cur.name()
        table = None
        if cur.accept("ON"):
            cur.accept("ONLY")
            table = cur.name()
        return Action("create_index", table=table, name=name, concurrently=concurrently, unique=unique)
    if unique:
        return Action("other")
    cur.accept("GLOBAL") or cur.accept("LOCAL")
    cur.accept("TEMP") or cur.accept("TEMPORARY") or cur.accept("UNLOGGED")
    if cur.accept("TABLE"):
        cur.accept("IF", "NOT", "EXISTS")
        return Action("create_table", table=cur.name())
    return Action("other")


def _drop(cur: _Cursor) -> list[Action]:
    if cur.accept("INDEX"):
        concurrently = cur.accept("CONCURRENTLY")
        cur.accept("IF", "EXISTS")
        return [Action("drop_index", name=name, concurrently=concurrently) for name in _names(cur)]
    if cur.accept("TABLE"):
        cur.accept("IF", "EXISTS")
        return [Action("drop_table", table=name) for name in _names(cur)]
    return [Action("other")]


def _names(cur: _Cursor) -> list[str]:
    """A comma-separated list of names (DROP TABLE a, b)."""
    names = []
    while True:
        name = cur.name()
        if name is None:
            break
        names.append(name)
        if not cur.accept(","):
            break
    return names


def _alter_table(cur: _Cursor) -> list[Action]:
    cur.accept("IF", "EXISTS")
    cur.accept("ONLY")
    table = cur.name()
    cur.accept("*")
    return [_alter_action(_Cursor(part, cur.sql), table) for part in _top_level_split(cur.rest())]


def _top_level_split(parts: list[Token]) -> list[list[Token]]:
    """Split on commas outside parentheses."""
    out: list[list[Token]] = [[]]
    depth = 0
    for token in parts:
        if token.kind == "op":
            if token.text in "([":
                depth += 1
            elif token.text in ")]":
                depth -= 1
            elif token.text == "," and depth == 0:
                out.append([])
                continue
        out[-1].append(token)
    return [part for part in out if part]


_CONSTRAINT_START = {"CHECK", "FOREIGN", "UNIQUE", "PRIMARY", "EXCLUDE", "CONSTRAINT"}


def _alter_action(cur: _Cursor, table: str | None) -> Action:
    if cur.accept("ADD"):
        if cur.peek() in _CONSTRAINT_START:
            return _add_constraint(cur, table)
        cur.accept("COLUMN")
        cur.accept("IF", "NOT", "EXISTS")
        return _add_column(cur, table)
    if cur.accept("DROP"):
        if cur.accept("CONSTRAINT"):
            cur.accept("IF", "EXISTS")
            return Action("drop_constraint", table=table, name=cur.name())
        cur.accept("COLUMN")
        cur.accept("IF", "EXISTS")
        return Action("drop_column", table=table, name=cur.name())
    if cur.accept("RENAME"):
        if cur.accept("TO"):
            return Action("rename_table", table=table, new_name=cur.name())
        if cur.accept("CONSTRAINT"):
            return Action("alter_table", table=table, name=cur.name())
        cur.accept("COLUMN")
        old = cur.name()
        return Action("rename_column", table=table, name=old, new_name=cur.name() if cur.accept("TO") else None)
    if cur.accept("VALIDATE", "CONSTRAINT"):
        return Action("validate_constraint", table=table, name=cur.name())
    if cur.peek() == "ALTER" and cur.peek(1) != "CONSTRAINT":
        cur.accept("ALTER")
        cur.accept("COLUMN")
        column = cur.name()
        if cur.accept("TYPE") or cur.accept("SET", "DATA", "TYPE"):
            return Action("column_type", table=table, name=column)
        if cur.accept("SET", "NOT", "NULL"):
            return Action("set_not_null", table=table, name=column)
        return Action("alter_column", table=table, name=column)
    return Action("alter_table", table=table)


def _add_constraint(cur: _Cursor, table: str | None) -> Action:
    name = cur.name() if cur.accept("CONSTRAINT") else None
    kinds: dict[str, ConstraintKind] = {
        "CHECK": "check",
        "FOREIGN": "foreign_key",
        "UNIQUE": "unique",
        "PRIMARY": "primary_key",
        "EXCLUDE": "exclude",
    }
    kind = kinds.get(cur.peek())
    words = [token.word for token in cur.rest()]
    pairs = set(pairwise(words))
    return Action(
        "add_constraint",
        table=table,
        name=name,
        constraint=kind,
        not_valid=("NOT", "VALID") in pairs,
        using_index=("USING", "INDEX") in pairs,
    )


# Where a column definition's DEFAULT expression stops: the next column constraint.
_COLUMN_CONSTRAINT = {"NOT", "NULL", "CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY", "REFERENCES", "COLLATE", "GENERATED"}
_SERIAL_TYPES = {"SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2", "SERIAL4", "SERIAL8"}


def _add_column(cur: _Cursor, table: str | None) -> Action:
    column = cur.name()
    body = cur.rest()
    words = [token.word for token in body]
    not_null = any(a == "NOT" and b == "NULL" for a, b in pairwise(words)) or "PRIMARY" in words
    default = None
    functions: list[str] = []
    if body and body[0].word in _SERIAL_TYPES:
        functions.append("nextval")
    if "IDENTITY" in words:
        functions.append("nextval")
    if "DEFAULT" in words:
        start = words.index("DEFAULT") + 1
        stop, depth = start, 0
        while stop < len(body):
            token = body[stop]
            if token.kind == "op" and token.text == "(":
                depth += 1
            elif token.kind == "op" and token.text == ")":
                depth -= 1
            elif depth == 0 and token.word in _COLUMN_CONSTRAINT:
                break
            stop += 1
        expression = body[start:stop]
        if expression:
            default = cur.sql[expression[0].start : expression[-1].end]
            functions.extend(
                token.text.lower()
                for token, after in pairwise(expression)
                if token.kind == "word" and after.text == "("
            )
    return Action(
        "add_column", table=table, name=column, not_null=not_null, default=default, functions=tuple(functions)
    )


def _skip_parens(cur: _Cursor) -> None:
    depth = 0
    while not cur.done():
        text = cur.peek()
        cur.i += 1
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth == 0:
                return


def _unquote_string(text: str | None) -> str | None:
    """The value of a string token: 'it''s' -> it's, E'..', $$..$$."""
    if text is None:
        return None
    if text[:1] in "eE" and text[1:2] == "'":
        text = text[1:]
    if text.startswith("'"):
        return text[1:-1].replace("''", "'") if len(text) > 1 and text.endswith("'") else text[1:]
    if text.startswith("$"):
        tag_end = text.find("$", 1) + 1
        return text[tag_end : len(text) - tag_end] if len(text) >= 2 * tag_end else text[tag_end:]
    return text
