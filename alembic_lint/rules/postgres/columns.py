"""ALM304, ALM305, ALM308, ALM309, ALM312: column changes that fail, lock or rewrite a table,
or break the release still serving traffic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from alembic_lint import values
from alembic_lint.diagnostics import Diagnostic
from alembic_lint.operations import Arg, Operation
from alembic_lint.parse import Migration
from alembic_lint.rules.base import Context, Option
from alembic_lint.rules.postgres.base import OperationRule, checked_functions, column_of, executed, sql_actions


def added_column(operation: Operation) -> Arg | None:
    """The `sa.Column(...)` of an add_column on a table this migration did not create."""
    if operation.name != "add_column" or operation.on_new_table:
        return None
    column = operation.argument("column")
    if column is None or column.kind != "call" or not str(column.value).endswith("Column"):
        return None
    return column


def column_name(column: Arg) -> str:
    name = column.args[0] if column.args else column.keyword("name")
    return name.text if name is not None and name.kind == "literal" else "?"


def _called(arg: Arg | None) -> str:
    """The last part of a called name, lower-cased (`sa.Identity` -> `identity`)."""
    return str(arg.value).rsplit(".", 1)[-1].lower() if arg is not None and arg.kind == "call" else ""


_GENERATED = {
    "identity": "values from a sequence (an identity column)",
    "sequence": "values from a sequence",
    "computed": "a stored generated value",
}


def generated(column: Arg) -> str | None:
    """How an identity, sequence or computed column gets its values (PostgreSQL fills them
    for every row, without a server_default), or None."""
    return next((_GENERATED[_called(arg)] for arg in column.args if _called(arg) in _GENERATED), None)


_FUNCTION_CALL = re.compile(r"([A-Za-z_][\w.]*)\s*\(")


def default_functions(default: Arg | None) -> tuple[str, ...]:
    """The SQL functions a `server_default` calls: `sa.text("gen_random_uuid()")`,
    `sa.func.now()`, `sa.literal_column("random()")` (a plain string is a constant)."""
    if default is None or default.kind != "call":
        return ()
    called = str(default.value)
    if called.rsplit(".", 1)[-1] in ("text", "literal_column") and default.args and default.args[0].string:
        return tuple(name.rsplit(".", 1)[-1].lower() for name in _FUNCTION_CALL.findall(default.args[0].string))
    if ".func." in f".{called}":
        return (called.rsplit(".", 1)[-1].lower(),)
    return ()


class AddRequiredColumn(OperationRule):
    """A NOT NULL column without a server default is added to an existing table.

    ## What it does
    Reports `op.add_column` (and `batch_op.add_column`) of a column with
    `nullable=False` (or `primary_key=True`) and no `server_default`, and
    `ADD COLUMN ... NOT NULL` without `DEFAULT` in `op.execute`, on a table this
    migration did not create. Identity, sequence and computed columns fill
    themselves and are not reported. A Python-side `default=` does not count:
    the database never sees it.

    ## Why is this bad?
    PostgreSQL must give every existing row a value: with no default it
    fails (`column "email" of relation "users" contains null values`) on any
    table with rows, which is production and rarely the developer's database.
    And the release still serving traffic does not write the column, so its
    inserts fail as soon as the migration succeeds.

    ## Example
    ```python
    def upgrade() -> None:
        op.add_column("users", sa.Column("email", sa.String(255), nullable=False))
    ```

    ## Use instead
    Add it nullable, backfill it, and make it NOT NULL in a later release:
    ```python
    def upgrade() -> None:
        op.add_column("users", sa.Column("email", sa.String(255), nullable=True))
    ```
    or give it a constant `server_default` (PostgreSQL 11+ adds it without rewriting the table):
    ```python
    op.add_column("users", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    ```
    """

    code = "ALM304"
    name = "add-required-column"
    calls: ClassVar[frozenset[str] | None] = frozenset({"add_column"})

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        column = added_column(operation)
        if column is not None:
            nullable = column.keyword("nullable")
            primary = column.keyword("primary_key")
            if nullable is not None:
                required = nullable.is_literal(False)
            else:
                required = primary is not None and primary.is_literal(True)
            default = column.keyword("server_default")
            has_default = default is not None and not default.is_literal(None)
            if required and not has_default and generated(column) is None:
                table = operation.table_text
                yield self.report(
                    migration,
                    operation,
                    f"`{operation.call}` adds NOT NULL column `{table}.{column_name(column)}` without a "
                    "`server_default`: it fails on a table that has rows, and the release still serving traffic "
                    "does not write it; add it nullable, backfill it, then make it NOT NULL (or give it a "
                    "constant `server_default`)",
                )
            return
        for action, new in sql_actions(operation):
            if action.kind == "add_column" and action.not_null and action.default is None and not new:
                if not action.functions:  # serial, identity: filled by a sequence
                    yield self.report(
                        migration,
                        operation,
                        f"{executed(operation, action)} adds NOT NULL column `{action.table}.{action.name}` without "
                        "a DEFAULT: it fails on a table that has rows, and the release still serving traffic does not "
                        "write it; add it nullable, backfill it, then SET NOT NULL (or give it a constant DEFAULT)",
                    )


class DropColumn(OperationRule):
    """A column is dropped while the release still serving traffic may read it.

    ## What it does
    Reports `op.drop_column` (and `batch_op.drop_column`) and `ALTER TABLE ...
    DROP COLUMN` in `op.execute`, except on a table created earlier in the same
    function.

    ## Why is this bad?
    During a deploy the old release keeps running until the new one is out.
    It still selects and inserts the column (an ORM lists every mapped column),
    so its queries fail from the moment the migration commits. The data is gone
    too: a rollback cannot bring it back.

    ## Example
    ```python
    def upgrade() -> None:
        op.drop_column("users", "nickname")
    ```

    ## Use instead
    Expand, then contract: first ship a release that no longer reads or writes
    the column (SQLAlchemy: remove it from the model, or `deferred()` it), then
    drop it in a later migration, and say so:
    ```python
    def upgrade() -> None:
        op.drop_column("users", "nickname")  # noqa: ALM305 - unused since release 4.2
    ```
    """

    code = "ALM305"
    name = "drop-column"
    calls: ClassVar[frozenset[str] | None] = frozenset({"drop_column"})

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        advice = "stop using it in one release, then drop it in a later migration"
        if operation.name == "drop_column":
            if not operation.on_new_table:
                yield self.report(
                    migration,
                    operation,
                    f"`{operation.call}` drops column {column_of(operation)} while the release still serving traffic "
                    f"may read it; {advice}",
                )
            return
        for action, new in sql_actions(operation):
            if action.kind == "drop_column" and not new:
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} drops column `{action.table}.{action.name}` while the release "
                    f"still serving traffic may read it; {advice}",
                )


# Types PostgreSQL changes between without a rewrite when the new one is at least as wide: the
# varchar family, and text (MySQL's MEDIUMTEXT/LONGTEXT variants are text on PostgreSQL); and
# bytea, whatever length SQLAlchemy is told.
_VARCHARS = frozenset({"string", "varchar", "unicode", "nvarchar"})
_BYTES = frozenset({"largebinary", "binary", "bytea", "blob", "mediumblob", "longblob"})


def _type_name(arg: Arg) -> str:
    """A type's lower-case name, for `sa.String(50)` and for `sa.Text` alike."""
    if arg.kind in ("call", "name"):
        return str(arg.value).rsplit(".", 1)[-1].lower()
    return ""


def _length(arg: Arg) -> int | None:
    """A string type's length: `sa.String(255)`, `sa.VARCHAR(length=255)`; None for none."""
    length = arg.args[0] if arg.args else arg.keyword("length")
    return length.value if length is not None and isinstance(length.value, int) else None


def _text_like(name: str) -> bool:
    return name in _VARCHARS or name.endswith("text")


def same_or_wider(new: Arg, old: Arg) -> bool:
    """The same type (`existing_type=sa.Text, type_=sa.Text()`), a wider string (`String(50)`
    to `String(255)` or `Text`) or bytea to bytea: a catalog change at most, no rewrite."""
    new_name, old_name = _type_name(new), _type_name(old)
    if not new_name or not old_name:
        return False
    if new_name == old_name and (new.args, new.keywords) == (old.args, old.keywords):
        return True
    if new_name in _BYTES and old_name in _BYTES:
        return True
    if not (_text_like(new_name) and _text_like(old_name)):
        return False
    new_length = None if new_name.endswith("text") or new.kind == "name" else _length(new)
    old_length = None if old_name.endswith("text") or old.kind == "name" else _length(old)
    if new_length is None:
        return True  # unbounded (text, a varchar without a length) holds any string
    return old_length is not None and new_length >= old_length


class ColumnTypeChange(OperationRule):
    """A column's type is changed in place.

    ## What it does
    Reports `op.alter_column(..., type_=...)` (and the batch form) and `ALTER
    COLUMN ... TYPE` in `op.execute`, except on a table created earlier in the
    same function, when `existing_type` is the same type or shows a string
    only getting wider (`String(50)` to `String(255)` or `Text`), which
    PostgreSQL does without a rewrite, and for a rename without `existing_type`
    (the type restated for MySQL).

    ## Why is this bad?
    Most type changes rewrite the whole table and its indexes under an ACCESS
    EXCLUSIVE lock: no read or write gets through until it is done. The
    release still serving traffic may not handle the new type either.

    ## Example
    ```python
    def upgrade() -> None:
        op.alter_column("events", "id", type_=sa.BigInteger(), existing_type=sa.Integer())
    ```

    ## Use instead
    Add a column of the new type, write to both from the application, backfill
    it in batches, switch reads over, then drop the old column in a later
    migration:
    ```python
    def upgrade() -> None:
        op.add_column("events", sa.Column("id_new", sa.BigInteger(), nullable=True))
    ```
    """

    code = "ALM308"
    name = "column-type-change"
    calls: ClassVar[frozenset[str] | None] = frozenset({"alter_column"})

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        advice = (
            "unless the types are binary-compatible, PostgreSQL rewrites the table under an ACCESS EXCLUSIVE "
            "lock; add a column of the new type, backfill it, then switch over"
        )
        if operation.name == "alter_column":
            new = operation.argument("type_")
            if new is None or new.is_literal(None) or operation.on_new_table:
                return
            old = operation.argument("existing_type")
            if old is None and operation.argument("new_column_name") is not None:
                return  # a rename restating the type, as MySQL's CHANGE COLUMN needs
            if old is not None and same_or_wider(new, old):
                return
            yield self.report(
                migration,
                operation,
                f"`{operation.call}` changes the type of {column_of(operation)} to `{new.text}`: {advice}",
            )
            return
        for action, new_table in sql_actions(operation):
            if action.kind == "column_type" and not new_table:
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} changes the type of `{action.table}.{action.name}`: {advice}",
                )


class SetNotNull(OperationRule):
    """An existing column is made NOT NULL.

    ## What it does
    Reports `op.alter_column(..., nullable=False)` (and the batch form), unless
    `existing_nullable=False` says it already was, and `ALTER COLUMN ... SET NOT
    NULL` in `op.execute`, except on a table created earlier in the same
    function, or one that got a CHECK constraint earlier in it (the proof below).

    ## Why is this bad?
    PostgreSQL checks every row under an ACCESS EXCLUSIVE lock: on a large
    table, minutes in which no query on it gets through. It also fails if a
    single row is still NULL, often one the release still serving traffic just
    wrote.

    ## Example
    ```python
    def upgrade() -> None:
        op.alter_column("users", "email", nullable=False)
    ```

    ## Use instead
    On PostgreSQL 12+, prove it with a validated CHECK constraint first; SET NOT
    NULL then skips the scan:
    ```python
    def upgrade() -> None:
        op.create_check_constraint("ck_users_email_nn", "users", "email IS NOT NULL", postgresql_not_valid=True)
        with op.get_context().autocommit_block():
            op.execute("ALTER TABLE users VALIDATE CONSTRAINT ck_users_email_nn")
        op.alter_column("users", "email", nullable=False)
        op.drop_constraint("ck_users_email_nn", "users")
    ```
    """

    code = "ALM309"
    name = "set-not-null"

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        for function in checked_functions(migration, ctx):
            proven: set[str] = set()  # tables an earlier CHECK constraint (the NOT NULL proof) is on
            for operation in function.operations:
                if operation.runs_on("postgresql"):
                    yield from self._findings(migration, operation, proven)

    def _findings(self, migration: Migration, operation: Operation, proven: set[str]) -> Iterator[Diagnostic]:
        advice = (
            "PostgreSQL scans the whole table under an ACCESS EXCLUSIVE lock to check it; add a CHECK (... IS NOT "
            "NULL) NOT VALID constraint and VALIDATE it first (PostgreSQL 12+ then skips the scan)"
        )
        if operation.name == "create_check_constraint" and operation.table_name is not None:
            proven.add(operation.table_name.lower())
        elif operation.name == "alter_column":
            nullable = operation.argument("nullable")
            existing = operation.argument("existing_nullable")
            if nullable is None or not nullable.is_literal(False) or operation.on_new_table:
                return
            if existing is not None and existing.is_literal(False):
                return  # already NOT NULL: nothing to check
            if (operation.table_name or "").lower() in proven:
                return
            yield self.report(
                migration,
                operation,
                f"`{operation.call}` makes {column_of(operation)} NOT NULL: {advice}",
            )
        for action, new in sql_actions(operation):
            table = (action.table or "").lower()
            if action.kind == "validate_constraint" or action.constraint == "check":
                proven.add(table)
            elif action.kind == "set_not_null" and not new and table not in proven:
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} makes `{action.table}.{action.name}` NOT NULL: {advice}",
                )

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        raise NotImplementedError  # check() walks each function in order instead


# Functions whose value changes per row (pg_proc.provolatile = 'v') that columns default to.
# now(), current_timestamp and friends are STABLE: PostgreSQL 11+ adds them without a rewrite.
VOLATILE = (
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "gen_random_bytes",
)


class VolatileDefault(OperationRule):
    """A column with a volatile default is added to an existing table.

    ## What it does
    Reports `op.add_column` (and `batch_op.add_column`) whose `server_default`
    calls a volatile function (`gen_random_uuid()`, `random()`,
    `clock_timestamp()`, `nextval(...)`, ... and the `volatile-functions`
    option), an identity or sequence column, and `ADD COLUMN ... DEFAULT` with
    such a function (or a `serial` type) in `op.execute`, on a table this
    migration did not create. `now()` and `CURRENT_TIMESTAMP` are not volatile
    (they are stable: one value per statement) and are not reported.

    ## Why is this bad?
    Since PostgreSQL 11 a constant default is stored once in the catalog and
    the column is added instantly. A volatile one must be computed for every
    row: PostgreSQL rewrites the whole table and its indexes under an ACCESS
    EXCLUSIVE lock, blocking every query on it until it is done.

    ## Example
    ```python
    def upgrade() -> None:
        op.add_column("users", sa.Column("token", sa.Uuid(), server_default=sa.text("gen_random_uuid()")))
    ```

    ## Use instead
    Add the column without the default, set the default for new rows, then
    backfill existing rows in batches:
    ```python
    def upgrade() -> None:
        op.add_column("users", sa.Column("token", sa.Uuid(), nullable=True))
        op.alter_column("users", "token", server_default=sa.text("gen_random_uuid()"))
    ```
    """

    code = "ALM312"
    name = "volatile-default"
    calls: ClassVar[frozenset[str] | None] = frozenset({"add_column"})
    options = (
        Option(
            "volatile-functions",
            (),
            values.string_list,
            "more SQL functions to treat as volatile (your own, an extension's), lower-case",
        ),
    )

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        volatile = set(VOLATILE)
        volatile.update(name.lower() for name in ctx.option(self, "volatile-functions"))  # type: ignore[attr-defined]
        advice = (
            "PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock to fill it; add the column without "
            "it (or with a constant default), then set the default and backfill in batches"
        )
        column = added_column(operation)
        if column is not None:
            called = [name for name in default_functions(column.keyword("server_default")) if name in volatile]
            what = f"the volatile default `{called[0]}()`" if called else generated(column)
            if what is not None:
                yield self.report(
                    migration,
                    operation,
                    f"`{operation.call}` adds `{operation.table_text}.{column_name(column)}` with {what}: {advice}",
                )
            return
        for action, new in sql_actions(operation):
            if action.kind == "add_column" and not new:
                called = [name for name in action.functions if name in volatile]
                if called:
                    yield self.report(
                        migration,
                        operation,
                        f"{executed(operation, action)} adds `{action.table}.{action.name}` with the volatile default "
                        f"`{called[0]}()`: {advice}",
                    )
