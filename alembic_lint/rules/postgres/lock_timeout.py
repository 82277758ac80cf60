"""ALM315 (opt-in): an ACCESS EXCLUSIVE lock taken with no `lock_timeout`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.operations import Operation
from alembic_lint.parse import Migration
from alembic_lint.rules.base import Context
from alembic_lint.rules.postgres.base import OperationRule, checked_functions, executed, sql_actions

if TYPE_CHECKING:
    from alembic_lint.sql import Action

# op calls that take an ACCESS EXCLUSIVE lock on their table (drop_index: unless concurrent).
_EXCLUSIVE_CALLS = frozenset(
    {
        "add_column",
        "drop_column",
        "alter_column",
        "rename_table",
        "drop_table",
        "drop_constraint",
        "create_check_constraint",
        "create_unique_constraint",
        "create_primary_key",
        "drop_index",
    }
)
# Statements that do (a foreign key takes SHARE ROW EXCLUSIVE, VALIDATE a weaker lock still).
_EXCLUSIVE_ACTIONS = frozenset(
    {
        "drop_table",
        "add_column",
        "drop_column",
        "rename_column",
        "rename_table",
        "column_type",
        "set_not_null",
        "alter_column",
        "drop_constraint",
        "alter_table",
    }
)


def _exclusive_action(action: Action) -> bool:
    if action.kind == "add_constraint":
        return action.constraint != "foreign_key"
    if action.kind == "drop_index":
        return not action.concurrently
    return action.kind in _EXCLUSIVE_ACTIONS


class MissingLockTimeout(OperationRule):
    """A migration takes an ACCESS EXCLUSIVE lock without setting `lock_timeout` first.

    ## What it does
    Opt-in. Reports, once per function, the first operation that takes an
    ACCESS EXCLUSIVE lock on a table this migration did not create
    (`add_column`, `drop_column`, `alter_column`, `rename_table`, `drop_table`,
    `drop_constraint`, `create_check_constraint`, `create_unique_constraint`,
    `create_primary_key`, a plain `drop_index`, and the same statements in
    `op.execute`) when no `SET lock_timeout` (or `set_config('lock_timeout',
    ...)`) ran earlier in the function.

    ## Why is this bad?
    Even an instant ALTER must wait for the lock: behind one long-running query
    or an idle transaction it can wait for minutes, and every query on the
    table that arrives meanwhile queues behind it. The site is down while the
    migration merely waits.

    ## Example
    ```python
    def upgrade() -> None:
        op.add_column("users", sa.Column("email", sa.String(255), nullable=True))
    ```

    ## Use instead
    Give up quickly instead, and retry the deploy:
    ```python
    def upgrade() -> None:
        op.execute("SET lock_timeout = '5s'")
        op.add_column("users", sa.Column("email", sa.String(255), nullable=True))
    ```
    If env.py sets it for every migration, leave this rule off.
    """

    code = "ALM315"
    name = "missing-lock-timeout"
    default: ClassVar[bool] = False

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        for function in checked_functions(migration, ctx):
            for operation in function.operations:
                if not operation.runs_on("postgresql"):
                    continue
                found = self._locking(operation)
                if found is True:
                    break  # SET lock_timeout
                if found is not None:
                    yield self.report(
                        migration,
                        operation,
                        f"{found} takes an ACCESS EXCLUSIVE lock with no `SET lock_timeout` before it: while it waits "
                        "behind a long-running query, every other query on the table queues behind it; start the "
                        "migration with `op.execute(\"SET lock_timeout = '5s'\")` and retry a deploy that times out",
                    )
                    break

    @staticmethod
    def _locking(operation: Operation) -> str | bool | None:
        """True for `SET lock_timeout`; how a message names a locking operation; else None."""
        if operation.name == "execute":
            for action, new in sql_actions(operation):
                if action.kind == "set_lock_timeout":
                    return True
                if _exclusive_action(action) and not new:
                    return f"{executed(operation, action)} on `{action.table or '?'}`"
            return None
        if operation.name not in _EXCLUSIVE_CALLS or operation.on_new_table:
            return None
        if operation.name == "drop_index" and operation.flag("postgresql_concurrently") is not False:
            return None
        return f"`{operation.call}` on `{operation.table_text}`"

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        raise NotImplementedError  # check() walks each function in order instead
