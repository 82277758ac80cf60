"""ALM310, ALM311: constraints added under a lock that blocks writes while every row is checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.operations import Operation
from alembic_lint.parse import Migration
from alembic_lint.rules.base import Context
from alembic_lint.rules.postgres import fixes
from alembic_lint.rules.postgres.base import AUTOCOMMIT, OperationRule, executed, shown, sql_actions

_KINDS = {"create_foreign_key": "foreign key", "create_check_constraint": "check constraint"}


class ConstraintValidatedUnderLock(OperationRule):
    """A foreign key or check constraint is added and validated in one step.

    ## What it does
    Reports `op.create_foreign_key` and `op.create_check_constraint` (and their
    batch forms) without `postgresql_not_valid=True`, and `ADD CONSTRAINT ...
    FOREIGN KEY` / `CHECK` without `NOT VALID` in `op.execute`, on a table this
    migration did not create.

    ## Why is this bad?
    Adding the constraint checks every existing row while holding a lock that
    blocks writes (ACCESS EXCLUSIVE for a CHECK; SHARE ROW EXCLUSIVE on both
    tables for a foreign key), for as long as the scan takes.

    ## Example
    ```python
    def upgrade() -> None:
        op.create_foreign_key("fk_orders_user", "orders", "users", ["user_id"], ["id"])
    ```

    ## Use instead
    Add it `NOT VALID` (only new rows are checked, the lock is brief), then
    validate it in another transaction, which lets reads and writes through:
    ```python
    def upgrade() -> None:
        op.create_foreign_key(
            "fk_orders_user", "orders", "users", ["user_id"], ["id"], postgresql_not_valid=True
        )
        with op.get_context().autocommit_block():
            op.execute("ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user")
    ```
    The fix does exactly this when the constraint has a literal name (unsafe:
    `autocommit_block()` commits what the migration did so far).
    """

    code = "ALM310"
    name = "constraint-validated-under-lock"
    calls: ClassVar[frozenset[str] | None] = frozenset({"create_foreign_key", "create_check_constraint"})

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        kind = _KINDS.get(operation.name)
        if kind is not None:
            if operation.on_new_table or operation.flag("postgresql_not_valid") is not False:
                return
            table = operation.table_text
            name = operation.argument("constraint_name")
            fix = None
            schema = operation.argument("source_schema" if kind == "foreign key" else "schema")
            if name is not None and name.string and operation.table_name is not None:
                fix = fixes.not_valid_then_validate(
                    operation, operation.table_name, name.string, schema.string if schema is not None else None
                )
            yield self.report(
                migration,
                operation,
                f"`{operation.call}` adds {kind} {shown(name, '(unnamed)')} on `{table}` and checks every row "
                f"while holding a lock that blocks writes to `{table}`; add it with `postgresql_not_valid=True`, "
                f"then VALIDATE CONSTRAINT inside `{AUTOCOMMIT}` (or in a later migration)",
                fix=fix,
            )
            return
        for action, new in sql_actions(operation):
            if action.kind != "add_constraint" or action.constraint not in ("foreign_key", "check") or new:
                continue
            if not action.not_valid:
                what = "foreign key" if action.constraint == "foreign_key" else "check constraint"
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} adds {what} `{action.name or '(unnamed)'}` on `{action.table}` "
                    f"and checks every row while holding a lock that blocks writes to `{action.table}`; add it NOT "
                    f"VALID, then VALIDATE CONSTRAINT inside `{AUTOCOMMIT}` (or in a later migration)",
                )


class UniqueConstraintUnderLock(OperationRule):
    """A unique constraint or primary key builds its index under a lock.

    ## What it does
    Reports `op.create_unique_constraint` and `op.create_primary_key` (and
    their batch forms), and `ADD CONSTRAINT ... UNIQUE` / `PRIMARY KEY` without
    `USING INDEX` in `op.execute`, on a table this migration did not create.

    ## Why is this bad?
    The constraint builds a unique index while holding an ACCESS EXCLUSIVE lock:
    no read or write of the table gets through until every row is indexed.

    ## Example
    ```python
    def upgrade() -> None:
        op.create_unique_constraint("uq_users_email", "users", ["email"])
    ```

    ## Use instead
    Build the index concurrently, then attach it as the constraint (a brief lock):
    ```python
    def upgrade() -> None:
        with op.get_context().autocommit_block():
            op.create_index("uq_users_email", "users", ["email"], unique=True, postgresql_concurrently=True)
        op.execute("ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE USING INDEX uq_users_email")
    ```
    """

    code = "ALM311"
    name = "unique-constraint-under-lock"
    calls: ClassVar[frozenset[str] | None] = frozenset({"create_unique_constraint", "create_primary_key"})

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        advice = (
            "build the index first with CREATE UNIQUE INDEX CONCURRENTLY (inside `autocommit_block()`), then "
            "ADD CONSTRAINT ... USING INDEX"
        )
        if operation.name in ("create_unique_constraint", "create_primary_key"):
            if operation.on_new_table:
                return
            kind = "unique constraint" if operation.name == "create_unique_constraint" else "primary key"
            table = operation.table_text
            yield self.report(
                migration,
                operation,
                f"`{operation.call}` adds {kind} {shown(operation.argument('constraint_name'), '(unnamed)')} on "
                f"`{table}`, building its index under an ACCESS EXCLUSIVE lock that blocks every query on "
                f"`{table}`; {advice}",
            )
            return
        for action, new in sql_actions(operation):
            if action.kind != "add_constraint" or action.constraint not in ("unique", "primary_key") or new:
                continue
            if not action.using_index:
                kind = "unique constraint" if action.constraint == "unique" else "primary key"
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} adds {kind} `{action.name or '(unnamed)'}` on `{action.table}`, "
                    f"building its index under an ACCESS EXCLUSIVE lock that blocks every query on "
                    f"`{action.table}`; {advice}",
                )
