"""ALM306, ALM307: dropping and renaming what the release still serving traffic uses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.operations import Operation
from alembic_lint.parse import Migration
from alembic_lint.rules.base import Context
from alembic_lint.rules.postgres.base import OperationRule, column_of, executed, shown, sql_actions


class DropTable(OperationRule):
    """A table is dropped in an upgrade.

    ## What it does
    Reports `op.drop_table` and `DROP TABLE` in `op.execute` in `upgrade()`,
    except for a table created earlier in the same function (a temporary one).

    ## Why is this bad?
    The release still serving traffic during the deploy may query the table:
    its requests fail from the moment the migration commits. The data cannot
    be brought back by a rollback either.

    ## Example
    ```python
    def upgrade() -> None:
        op.drop_table("legacy_sessions")
    ```

    ## Use instead
    Expand, then contract: ship a release that no longer uses the table, then
    drop it in a later migration, and say so:
    ```python
    def upgrade() -> None:
        op.drop_table("legacy_sessions")  # noqa: ALM306 - unused since release 4.2
    ```
    """

    code = "ALM306"
    name = "drop-table"
    calls: ClassVar[frozenset[str] | None] = frozenset({"drop_table"})

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        advice = "stop using it in one release, then drop it in a later migration"
        if operation.name == "drop_table":
            if not operation.on_new_table:
                yield self.report(
                    migration,
                    operation,
                    f"`{operation.call}` drops table `{operation.table_text}` while the release still serving "
                    f"traffic may use it; {advice}",
                )
            return
        for action, new in sql_actions(operation):
            if action.kind == "drop_table" and not new:
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} drops table `{action.table}` while the release still serving "
                    f"traffic may use it; {advice}",
                )


class Rename(OperationRule):
    """A column or table is renamed in place.

    ## What it does
    Reports `op.alter_column(..., new_column_name=...)` (and the batch form),
    `op.rename_table`, and `ALTER TABLE ... RENAME [COLUMN] a TO b` or `RENAME TO`
    in `op.execute` (alembic itself renders a column rename as `ALTER TABLE t
    RENAME a TO b`), except on a table created earlier in the same function.

    ## Why is this bad?
    The release still serving traffic during the deploy knows only the old
    name: every query it sends fails from the moment the migration commits
    until the new release is out, and a rollback of the code breaks it again.

    ## Example
    ```python
    def upgrade() -> None:
        op.alter_column("users", "name", new_column_name="full_name")
    ```

    ## Use instead
    Expand, then contract: add the new column, write both from the
    application, backfill, switch reads, and drop the old column in a later
    migration. A table can be renamed behind a view of the old name:
    ```python
    def upgrade() -> None:
        op.add_column("users", sa.Column("full_name", sa.String(255), nullable=True))
        op.execute("UPDATE users SET full_name = name")
    ```
    """

    code = "ALM307"
    name = "rename"
    calls: ClassVar[frozenset[str] | None] = frozenset({"alter_column", "rename_table"})

    def check_operation(self, migration: Migration, operation: Operation, ctx: Context) -> Iterator[Diagnostic]:
        advice = (
            "the release still serving traffic keeps using the old name and fails; add the new one beside it, "
            "move the application over, then drop the old one in a later migration"
        )
        if operation.on_new_table:
            return
        if operation.name == "alter_column":
            new = operation.argument("new_column_name")
            if new is not None and not new.is_literal(None):
                yield self.report(
                    migration,
                    operation,
                    f"`{operation.call}` renames column {column_of(operation)} to {shown(new)}: {advice}",
                )
            return
        if operation.name == "rename_table":
            yield self.report(
                migration,
                operation,
                f"`{operation.call}` renames table `{operation.table_text}` to "
                f"{shown(operation.argument('new_table_name'))}: {advice}",
            )
            return
        for action, new_table in sql_actions(operation):
            if new_table:
                continue
            if action.kind == "rename_column":
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} renames column `{action.table}.{action.name}` to "
                    f"`{action.new_name}`: {advice}",
                )
            elif action.kind == "rename_table":
                yield self.report(
                    migration,
                    operation,
                    f"{executed(operation, action)} renames table `{action.table}` to `{action.new_name}`: {advice}",
                )
