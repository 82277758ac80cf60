"""What the operation-safety rules share: which calls they look at, and how they name things."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from alembic_lint.diagnostics import Diagnostic, Fix, Severity
from alembic_lint.operations import Arg, Operation, is_created
from alembic_lint.parse import Function, Migration
from alembic_lint.rules.base import Context, FileRule

if TYPE_CHECKING:
    from alembic_lint.sql import Action

AUTOCOMMIT = "with op.get_context().autocommit_block():"


def checked_functions(migration: Migration, ctx: Context) -> Iterator[Function]:
    """upgrade(), and downgrade() too with `check-downgrade = true`."""
    if migration.upgrade is not None:
        yield migration.upgrade
    if ctx.settings.check_downgrade and migration.downgrade is not None:
        yield migration.downgrade


def sql_actions(operation: Operation) -> Iterator[tuple[Action, bool]]:
    """What an `execute`'s literal SQL does, each with whether its table is new: created
    earlier in the function, or earlier in the same string."""
    if operation.name != "execute" or operation.sql is None:
        return
    from alembic_lint.sql import classify  # imported only when a selected rule reads SQL

    created = operation.created
    for action in classify(operation.sql):
        new = action.table is not None and is_created(action.table, created)
        yield action, new
        if action.kind == "create_table" and action.table is not None:
            created = (*created, action.table)


def shown(arg: Arg | None, missing: str = "?") -> str:
    """A name as a message shows it, in backquotes (`missing` for none, or None)."""
    return f"`{arg.name_text}`" if arg is not None and not arg.is_literal(None) else missing


def column_of(operation: Operation, parameter: str = "column_name") -> str:
    """`table.column` for a message."""
    column = operation.argument(parameter)
    return f"`{operation.table_text}.{column.name_text if column is not None else '?'}`"


def executed(operation: Operation, action: Action) -> str:
    """How a message names one statement of an `op.execute`."""
    return f"`{operation.call}` ({_statement_words(action)})"


def _statement_words(action: Action) -> str:
    words = {
        "create_index": "CREATE INDEX",
        "drop_index": "DROP INDEX",
        "reindex": "REINDEX",
        "drop_table": "DROP TABLE",
        "add_column": "ADD COLUMN",
        "drop_column": "DROP COLUMN",
        "rename_column": "RENAME COLUMN",
        "rename_table": "RENAME TO",
        "column_type": "ALTER COLUMN ... TYPE",
        "set_not_null": "SET NOT NULL",
        "alter_column": "ALTER COLUMN",
        "add_constraint": "ADD CONSTRAINT",
        "drop_constraint": "DROP CONSTRAINT",
        "alter_table": "ALTER TABLE",
        "commit": "COMMIT",
        "add_enum_value": "ADD VALUE",
    }
    return words.get(action.kind, action.kind)


class OperationRule(FileRule):
    """Base of the operation-safety rules: `check_operation` sees each op call of the checked
    functions that may run on PostgreSQL (not one an `if` on the dialect keeps for MySQL)."""

    groups: ClassVar[tuple[str, ...]] = ("postgres",)
    dialect: ClassVar[str | None] = "postgresql"
    severity: ClassVar[Severity] = "warning"
    # The op functions `check_operation` reports on, besides an `execute` with literal SQL (which
    # every rule reads): the others are not passed to it. None: every call (15 rules times every
    # call of every file is most of a large folder's rule time).
    calls: ClassVar[frozenset[str] | None] = None

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        calls = self.calls
        for function in checked_functions(migration, ctx):
            for operation in function.operations:
                if calls is not None and operation.name not in calls and operation.sql is None:
                    continue
                if operation.runs_on("postgresql"):
                    yield from self.check_operation(migration, operation, ctx)

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        raise NotImplementedError

    def report(self, migration: Migration, operation: Operation, message: str, fix: Fix | None = None) -> Diagnostic:
        """A finding on the op call."""
        return self.diagnostic(migration.path, operation.span, message, fix=fix)
