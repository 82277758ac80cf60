"""ALM313, ALM314: statements that end the migration's transaction, or cannot run in it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from alembic_lint.diagnostics import Diagnostic, Severity
from alembic_lint.operations import Operation
from alembic_lint.parse import Migration
from alembic_lint.rules.base import Context
from alembic_lint.rules.postgres import fixes
from alembic_lint.rules.postgres.base import AUTOCOMMIT, OperationRule, sql_actions


class CommitInMigration(OperationRule):
    """A migration runs `COMMIT` itself.

    ## What it does
    Reports `op.execute("COMMIT")` (any case, with or without `;`, through
    `sa.text`, among other statements; `END` too) and the same through
    `op.get_bind().execute(...)`, outside `autocommit_block()`.

    ## Why is this bad?
    It silently ends the transaction alembic opened: the statements before it
    are committed, those after it run in a new transaction alembic knows
    nothing about, and a failure later leaves a half-applied schema with the
    version table still at the previous revision. Re-running the migration
    then fails on what was already applied.

    ## Example
    ```python
    def upgrade() -> None:
        op.execute("COMMIT")
        op.execute("CREATE INDEX CONCURRENTLY ix_users_email ON users (email)")
    ```

    ## Use instead
    `autocommit_block()` commits, runs its statements outside a transaction,
    and hands alembic a proper transaction back:
    ```python
    def upgrade() -> None:
        with op.get_context().autocommit_block():
            op.execute("CREATE INDEX CONCURRENTLY ix_users_email ON users (email)")
    ```
    """

    code = "ALM313"
    name = "commit-in-migration"
    calls: ClassVar[frozenset[str] | None] = frozenset()  # only SQL
    severity: ClassVar[Severity] = "error"

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        if operation.autocommit:
            return
        for action, _ in sql_actions(operation):
            if action.kind == "commit":
                yield self.report(
                    migration,
                    operation,
                    f"`{operation.call}` runs COMMIT: it ends the migration's transaction, so a later failure leaves "
                    "a half-applied schema that the version table does not show; put the statements that cannot "
                    f"run in a transaction inside `{AUTOCOMMIT}` instead",
                )
                return


class EnumValueInTransaction(OperationRule):
    """An enum value is added inside the migration's transaction.

    ## What it does
    Reports `ALTER TYPE ... ADD VALUE` in `op.execute` outside `with
    op.get_context().autocommit_block():`.

    ## Why is this bad?
    Before PostgreSQL 12 it fails: `ALTER TYPE ... ADD cannot run inside a
    transaction block`. From 12 on it runs, but the new value cannot be used
    until the transaction commits: a data migration in the same revision that
    writes it fails with `unsafe use of new value`.

    ## Example
    ```python
    def upgrade() -> None:
        op.execute("ALTER TYPE mood ADD VALUE 'soso'")
    ```

    ## Use instead
    ```python
    def upgrade() -> None:
        with op.get_context().autocommit_block():
            op.execute("ALTER TYPE mood ADD VALUE 'soso'")
    ```
    The fix wraps the call (unsafe: `autocommit_block()` first commits what
    the migration did so far).
    """

    code = "ALM314"
    name = "enum-value-in-transaction"
    calls: ClassVar[frozenset[str] | None] = frozenset()  # only SQL
    severity: ClassVar[Severity] = "error"

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        if operation.autocommit:
            return
        for action, _ in sql_actions(operation):
            if action.kind == "add_enum_value":
                value = f" '{action.name}'" if action.name is not None else ""
                yield self.report(
                    migration,
                    operation,
                    f"`{operation.call}` adds value{value} to enum `{action.table}` inside the migration's "
                    "transaction: PostgreSQL before 12 refuses it, later ones do not let the transaction use the new "
                    f"value; run it inside `{AUTOCOMMIT}`",
                    fix=fixes.autocommit(operation),
                )
                return
