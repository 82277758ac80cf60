"""ALM101-ALM104: a migration's `upgrade()`/`downgrade()` is missing or does nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from alembic_lint.diagnostics import Diagnostic, Fix, Span
from alembic_lint.fix.recipes import WriteDowngrade
from alembic_lint.parse import Function, Migration
from alembic_lint.rules.base import Context, FileRule

if TYPE_CHECKING:
    from alembic_lint.settings import Settings

IRREVERSIBLE = "NotImplementedError"


def anchor(migration: Migration) -> Span:
    """Where a finding about the whole file goes: the `revision` name, else line 1."""
    return migration.revision.span if migration.revision is not None else Span.point(1)


def is_migration(migration: Migration) -> bool:
    """False for a helper module left in the versions folder (no revision variables at all):
    ALM008 already reports it, and asking it for upgrade()/downgrade() would be noise."""
    return migration.revision is not None or migration.down_revision is not None


def empty_by_design(migration: Migration) -> bool:
    """Merge revisions (`alembic merge`) and revisions that start a named branch
    (`alembic revision --branch-label`) are empty on purpose."""
    down = migration.down_revision
    labels = migration.branch_labels
    return (down is not None and len(down.items) > 1) or (labels is not None and bool(labels.items))


def irreversible(function: Function, settings: Settings) -> str | None:
    """The marker exception a downgrade raises directly in its body, if any."""
    markers = (IRREVERSIBLE, *settings.irreversible_markers)
    for raised in function.raises:
        for marker in markers:
            if raised == marker or raised.endswith("." + marker) or marker.endswith("." + raised):
                return raised
    return None


def _downgrade_fix(migration: Migration, *, missing: bool) -> Fix | None:
    """Generate downgrade() from a module-level upgrade() that does something."""
    upgrade = migration.upgrade
    if upgrade is None or upgrade.conditional or upgrade.trivial:
        return None
    return Fix("Write downgrade() from upgrade()", recipe=WriteDowngrade(missing=missing))


class MissingDowngrade(FileRule):
    """A migration has no `downgrade()` function.

    ## What it does
    Reports a migration without a module-level `def downgrade()`. A definition
    inside an `if`/`try` at module level counts as present, since which branch
    runs is only known at import time. A file with no revision variables at
    all is a helper module, reported by ALM008 instead. With `allow-irreversible = false`, a
    `downgrade()` that only raises `NotImplementedError` (or one of the
    `irreversible-markers`) is reported too: it cannot be rolled back either.

    ## Why is this bad?
    `alembic downgrade` through this revision fails with an `AttributeError`,
    usually in the middle of an incident, when a rollback is needed most.

    ## Example
    ```python
    def upgrade() -> None:
        op.add_column("users", sa.Column("email", sa.String(255)))
    ```

    ## Use instead
    ```python
    def upgrade() -> None:
        op.add_column("users", sa.Column("email", sa.String(255)))


    def downgrade() -> None:
        op.drop_column("users", "email")
    ```
    If the change cannot be undone, say so: `raise NotImplementedError("drops data")`.

    ## Fix
    `--fix --unsafe-fixes` writes `downgrade()` after `upgrade()`: upgrade()'s
    operations undone in reverse order when each has a known inverse
    (create_table, add_column, create_index, create_foreign_key,
    create_unique_constraint, create_check_constraint, create_primary_key,
    rename_table, alter_column with its `existing_*` arguments, and
    `batch_alter_table` blocks of those); otherwise
    `raise NotImplementedError("...")` naming the operations that have none.
    Unsafe: review it.
    """

    code = "ALM101"
    name = "missing-downgrade"

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        downgrade = migration.downgrade
        if downgrade is None:
            if is_migration(migration):
                yield self.diagnostic(
                    migration.path,
                    anchor(migration),
                    "migration has no downgrade(): `alembic downgrade` through it fails; write one that reverses "
                    'upgrade(), or `raise NotImplementedError("...")` if it cannot be undone',
                    fix=_downgrade_fix(migration, missing=True),
                )
            return
        raised = irreversible(downgrade, ctx.settings)
        if raised is not None and not ctx.settings.allow_irreversible:
            yield self.diagnostic(
                migration.path,
                downgrade.span,
                f"downgrade() raises {raised}: this migration cannot be rolled back "
                "(the configuration sets allow-irreversible = false); write the reverse operations",
            )


class EmptyDowngrade(FileRule):
    """`downgrade()` does nothing.

    ## What it does
    Reports a `downgrade()` whose body is only `pass`, `...`, a docstring or
    comments, including alembic's autogenerate markers
    (`# ### commands auto generated by Alembic - please adjust! ###`). Merge
    revisions and revisions that start a named branch (`branch_labels`) are
    empty by design and not reported, nor is a `downgrade()` defined inside an
    `if`/`try` block.

    ## Why is this bad?
    `alembic downgrade` reports success and records the lower revision, but the
    schema still has every change `upgrade()` made. The next `upgrade()` then
    fails ("column already exists"), or worse, the application runs against a
    schema that does not match the revision alembic says it is at.

    ## Example
    ```python
    def upgrade() -> None:
        op.create_index("ix_orders_user_id", "orders", ["user_id"])


    def downgrade() -> None:
        pass
    ```

    ## Use instead
    ```python
    def downgrade() -> None:
        op.drop_index("ix_orders_user_id", table_name="orders")
    ```
    If the change cannot be undone, raise `NotImplementedError` with the reason.

    ## Fix
    `--fix --unsafe-fixes` fills the body (its docstring and comments stay) with
    upgrade()'s operations undone in reverse order, or a
    `raise NotImplementedError("...")` naming those without an inverse, as
    ALM101's fix does. Unsafe: review it.
    """

    code = "ALM102"
    name = "empty-downgrade"

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        downgrade = migration.downgrade
        if downgrade is None or not downgrade.trivial or downgrade.conditional or empty_by_design(migration):
            return
        yield self.diagnostic(
            migration.path,
            downgrade.span,
            "downgrade() does nothing: a rollback would leave every change of upgrade() in place; write the "
            'reverse operations, or `raise NotImplementedError("...")` if it cannot be undone',
            fix=_downgrade_fix(migration, missing=False),
        )


class MissingUpgrade(FileRule):
    """A migration has no `upgrade()` function.

    ## What it does
    Reports a migration without a module-level `def upgrade()`. A definition
    inside an `if`/`try` at module level counts as present. A file with no
    revision variables at all is a helper module, reported by ALM008 instead.

    ## Why is this bad?
    `alembic upgrade` fails with an `AttributeError` when it reaches this
    revision, in the deploy. A file in the versions folder without `upgrade()`
    is often a helper module or a half-written migration.

    ## Example
    ```python
    revision = "c3d4e5f6a7b8"
    down_revision = "b2c3d4e5f6a7"


    def downgrade() -> None:
        op.drop_column("users", "email")
    ```

    ## Use instead
    ```python
    def upgrade() -> None:
        op.add_column("users", sa.Column("email", sa.String(255)))


    def downgrade() -> None:
        op.drop_column("users", "email")
    ```
    """

    code = "ALM103"
    name = "missing-upgrade"

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        if migration.upgrade is None and is_migration(migration):
            yield self.diagnostic(
                migration.path,
                anchor(migration),
                "migration has no upgrade(): `alembic upgrade` fails when it reaches this revision; define "
                "upgrade() with the schema changes",
            )


class EmptyUpgrade(FileRule):
    """`upgrade()` does nothing: the classic empty autogenerate result.

    ## What it does
    Reports an `upgrade()` whose body is only `pass`, `...`, a docstring or
    comments, including alembic's autogenerate markers. Merge revisions and
    revisions that start a named branch (`branch_labels`) are empty by design
    and not reported, nor is an `upgrade()` defined inside an `if`/`try` block.

    ## Why is this bad?
    `alembic revision --autogenerate` writes an empty migration when it finds
    no difference, for example because a model was not imported into the
    metadata `env.py` compares. The empty revision then lands in the history,
    and the change it was meant to make never reaches the database.

    ## Example
    ```python
    def upgrade() -> None:
        # ### commands auto generated by Alembic - please adjust! ###
        pass
        # ### end Alembic commands ###
    ```

    ## Use instead
    ```python
    def upgrade() -> None:
        op.add_column("orders", sa.Column("status", sa.String(20), nullable=True))
    ```
    Or delete the migration if nothing was meant to change.
    """

    code = "ALM104"
    name = "empty-upgrade"

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        upgrade = migration.upgrade
        if upgrade is None or not upgrade.trivial or upgrade.conditional or empty_by_design(migration):
            return
        yield self.diagnostic(
            migration.path,
            upgrade.span,
            "upgrade() does nothing (an autogenerate run that found no changes?); write the schema changes "
            "or delete this migration",
        )
