"""ALM301-ALM303: index builds and drops that lock a table, or fail in a transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from alembic_lint.diagnostics import Diagnostic, Severity
from alembic_lint.operations import Operation
from alembic_lint.parse import Migration
from alembic_lint.rules.base import Context
from alembic_lint.rules.postgres import fixes
from alembic_lint.rules.postgres.base import AUTOCOMMIT, OperationRule, executed, shown, sql_actions


class IndexNotConcurrent(OperationRule):
    """An index is built on an existing table without `CONCURRENTLY`.

    ## What it does
    Reports `op.create_index` (and `batch_op.create_index`) without
    `postgresql_concurrently=True`, and `CREATE INDEX` without `CONCURRENTLY`
    in `op.execute`, on a table this migration did not create. An index on a
    table created earlier in the same function is fine: the table is empty.

    ## Why is this bad?
    A plain `CREATE INDEX` holds a SHARE lock for the whole build: every
    INSERT, UPDATE and DELETE on the table waits, for minutes on a large table,
    while the release serving traffic times out.

    ## Example
    ```python
    def upgrade() -> None:
        op.create_index("ix_users_email", "users", ["email"])
    ```

    ## Use instead
    Build it concurrently, outside the migration's transaction (PostgreSQL
    refuses `CONCURRENTLY` inside one):
    ```python
    def upgrade() -> None:
        with op.get_context().autocommit_block():
            op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)
    ```
    The fix does exactly this (unsafe: the build then runs outside the
    transaction, and a failed concurrent build leaves an INVALID index to drop).
    """

    code = "ALM301"
    name = "index-not-concurrent"
    calls: ClassVar[frozenset[str] | None] = frozenset({"create_index"})

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        if operation.name == "create_index":
            if operation.on_new_table or operation.flag("postgresql_concurrently") is not False:
                return
            table = operation.table_text
            yield self.report(
                migration,
                operation,
                f"`{operation.call}` builds index {shown(operation.argument('index_name'), 'an index')} on "
                f"`{table}` without `postgresql_concurrently=True`: writes to `{table}` wait until the whole "
                f"index is built; build it concurrently, inside `{AUTOCOMMIT}`",
                fix=fixes.concurrently(operation, "Build the index concurrently, in autocommit_block()"),
            )
            return
        for action, new in sql_actions(operation):
            if action.kind == "create_index" and not action.concurrently and not new:
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} builds index `{action.name or '?'}` on `{action.table or '?'}` "
                    f"without CONCURRENTLY: writes to `{action.table or '?'}` wait until the whole index is built; "
                    f"use CREATE INDEX CONCURRENTLY, inside `{AUTOCOMMIT}`",
                )


class ConcurrentIndexInTransaction(OperationRule):
    """A concurrent index build or drop runs inside the migration's transaction.

    ## What it does
    Reports `create_index`/`drop_index` with `postgresql_concurrently=True`, and
    `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` or `REINDEX ...
    CONCURRENTLY` in `op.execute`, outside `with
    op.get_context().autocommit_block():`.

    A project whose env.py runs the migrations with no transaction at all (on a
    connection with `isolation_level="AUTOCOMMIT"`, as dagster's PostgreSQL
    storage does, or with `transactional_ddl=False`) cannot be seen from the
    migration files: ignore the rule for that folder (`per-file-ignores`).

    ## Why is this bad?
    Alembic runs each migration in a transaction, and PostgreSQL refuses these
    statements there: `CREATE INDEX CONCURRENTLY cannot run inside a
    transaction block`. The migration fails on deploy, after the statements
    before it ran (and, without transactional DDL, stayed applied).

    ## Example
    ```python
    def upgrade() -> None:
        op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)
    ```

    ## Use instead
    ```python
    def upgrade() -> None:
        with op.get_context().autocommit_block():
            op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)
    ```
    The fix wraps the call (unsafe: `autocommit_block()` first commits what
    the migration did so far).
    """

    code = "ALM302"
    name = "concurrent-index-in-transaction"
    calls: ClassVar[frozenset[str] | None] = frozenset({"create_index", "drop_index"})
    severity: ClassVar[Severity] = "error"

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        if operation.autocommit:
            return
        if operation.name in ("create_index", "drop_index"):
            if operation.flag("postgresql_concurrently"):
                yield self.report(
                    migration,
                    operation,
                    f"`{operation.call}(..., postgresql_concurrently=True)` runs inside the migration's "
                    "transaction, where PostgreSQL refuses it (it cannot run inside a transaction block); "
                    f"put it inside `{AUTOCOMMIT}`",
                    fix=fixes.autocommit(operation),
                )
            return
        for action, _ in sql_actions(operation):
            if action.kind in ("create_index", "drop_index", "reindex") and action.concurrently:
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} CONCURRENTLY runs inside the migration's transaction, where "
                    f"PostgreSQL refuses it (it cannot run inside a transaction block); put it inside `{AUTOCOMMIT}`",
                    fix=fixes.autocommit(operation),
                )


class DropIndexNotConcurrent(OperationRule):
    """An index is dropped without `CONCURRENTLY`.

    ## What it does
    Reports `op.drop_index` (and `batch_op.drop_index`) without
    `postgresql_concurrently=True`, and `DROP INDEX` without `CONCURRENTLY` in
    `op.execute`, except on a table created earlier in the same function.

    ## Why is this bad?
    A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index's table:
    it waits for every running query on the table, and every query that comes
    after waits for it, reads included.

    ## Example
    ```python
    def upgrade() -> None:
        op.drop_index("ix_users_email", table_name="users")
    ```

    ## Use instead
    ```python
    def upgrade() -> None:
        with op.get_context().autocommit_block():
            op.drop_index("ix_users_email", table_name="users", postgresql_concurrently=True)
    ```
    The fix does exactly this (unsafe: the drop then runs outside the transaction).
    """

    code = "ALM303"
    name = "drop-index-not-concurrent"
    calls: ClassVar[frozenset[str] | None] = frozenset({"drop_index"})

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        if operation.name == "drop_index":
            if operation.on_new_table or operation.flag("postgresql_concurrently") is not False:
                return
            table = operation.table
            on = f" of `{table.text}`" if table is not None else ""
            yield self.report(
                migration,
                operation,
                f"`{operation.call}` drops index {shown(operation.argument('index_name'), 'an index')}{on} without "
                "`postgresql_concurrently=True`: it takes an ACCESS EXCLUSIVE lock that makes every query on the "
                f"table wait; drop it concurrently, inside `{AUTOCOMMIT}`",
                fix=fixes.concurrently(operation, "Drop the index concurrently, in autocommit_block()"),
            )
            return
        for action, _ in sql_actions(operation):
            if action.kind == "drop_index" and not action.concurrently:
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} drops index `{action.name or '?'}` without CONCURRENTLY: it "
                    "takes an ACCESS EXCLUSIVE lock that makes every query on the table wait; use DROP INDEX "
                    f"CONCURRENTLY, inside `{AUTOCOMMIT}`",
                )
