"""ALM101-ALM104: a migration's `upgrade()`/`downgrade()` is missing or does nothing.

They follow the project's own template (`script.py.mako`): a project whose template writes no
`downgrade()` does not do downgrades, and the template's words in a function are not its author's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from alembic_lint.diagnostics import Diagnostic, Fix, Span
from alembic_lint.fix.recipes import WriteDowngrade
from alembic_lint.operations import Operation
from alembic_lint.parse import Function, Migration
from alembic_lint.rules.base import Context, FileRule, Option, Rule
from alembic_lint.sql import statements
from alembic_lint.template import Template, is_autogenerate_marker, is_autogenerate_start, read_template
from alembic_lint.values import boolean

if TYPE_CHECKING:
    from alembic_lint.settings import Settings

IRREVERSIBLE = "NotImplementedError"
# Calls that move data, not the schema; `execute` only when its SQL is known and has no DDL.
_DATA_OPERATIONS = frozenset({"bulk_insert", "batch_alter_table"})  # a batch block: the calls in it decide
_DDL = re.compile(r"(?:create|alter|drop|rename)\b", re.IGNORECASE)
# Comments that are directions to a tool, not a reason: noqa, `type: ignore`, `pragma: no cover`.
_TOOL_COMMENT = re.compile(r"#\s*(?:noqa\b|type:|pragma:|fmt:|pylint:|mypy:|pyright:|alembic-lint:)", re.IGNORECASE)
_TEMPLATE_KEY = "script.py.mako"  # ctx.extra: the folder's template, read once per check()

FOLLOW_TEMPLATE = Option(
    "follow-template",
    True,
    boolean,
    "off where the project's script.py.mako writes no downgrade(); false: report there too",
)


def template(ctx: Context) -> Template:
    """The template of the folder being checked, read once per check() (ctx.extra)."""
    found = ctx.extra.get(_TEMPLATE_KEY)
    if not isinstance(found, Template):
        found = ctx.extra[_TEMPLATE_KEY] = read_template(ctx.root)
    return found


def downgrades_off(rule: Rule, ctx: Context) -> bool:
    """True when the project does not do downgrades (its template writes no downgrade()) and
    the rule follows the template."""
    return bool(ctx.option(rule, FOLLOW_TEMPLATE.name)) and not template(ctx).writes_downgrade


def changes_schema(operation: Operation) -> bool:
    """True for an op call that changes the schema: every `op.*` operation but `bulk_insert`,
    and `execute` (or a connection's) whose literal SQL holds DDL (CREATE, ALTER, DROP, RENAME).
    SQL that is not a literal may do anything: not counted."""
    if operation.name in _DATA_OPERATIONS:
        return False
    if operation.name == "execute":
        return operation.sql is not None and any(_DDL.match(text) for text in statements(operation.sql))
    return True


def reasons(function: Function, written: Template) -> list[str]:
    """Why a function that does nothing does nothing, in its own words: its comments (also
    those the project's template writes into every revision: pgAdmin's `# pgAdmin only
    upgrades, downgrade not implemented.` states the project's policy once), but not
    alembic's autogenerate markers or directions to tools; its docstring, unless alembic's
    or the template's (`"Downgrade schema."`, airflow's `Unapply ${message}`), which
    describe every revision alike."""
    found = [
        comment
        for comment in function.comments
        if comment.strip("# ") and not is_autogenerate_marker(comment) and not _TOOL_COMMENT.match(comment)
    ]
    if function.docstring and not written.wrote_docstring(function.docstring):
        found.append(function.docstring)
    return found


def autogenerate_empty(function: Function, written: Template) -> bool:
    """The empty autogenerate result: alembic's markers around a `pass`, and nothing of the author's."""
    return any(is_autogenerate_start(c) for c in function.comments) and not reasons(function, written)


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

    A project whose own template (the script directory's `script.py.mako`)
    writes no `downgrade()` does not do downgrades (keystone, neutron, ironic,
    octavia, glance and the other OpenStack projects): the rule is off for
    that script directory. `follow-template = false` turns it on there too.

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
    options = (FOLLOW_TEMPLATE,)

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        if downgrades_off(self, ctx):
            return
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

    def outside_inputs(self, ctx: Context) -> object:
        return template(ctx)  # the script directory's script.py.mako decides whether the rule is on


class EmptyDowngrade(FileRule):
    """`downgrade()` does nothing, without saying why, while `upgrade()` changes the schema.

    ## What it does
    Reports a `downgrade()` whose body is only `pass`, `...` or alembic's own
    words, when `upgrade()` changes the schema: an `op.*` operation
    (`create_table`, `add_column`, `alter_column`, `create_index`, ... directly
    or in a `batch_alter_table` block), or `op.execute` of literal SQL that
    creates, alters, drops or renames something. alembic's words are the
    autogenerate markers (`# ### commands auto generated by Alembic - please
    adjust! ###` ... `# ### end Alembic commands ###`) and the template's
    docstring (`"Downgrade schema."`): that is the classic autogenerate
    miss. So is a docstring the project's own `script.py.mako` writes into
    every revision (airflow's `Unapply ${message}`).

    Not reported:
    - a comment or docstring of the author's in the body: it says why nothing
      is undone (`# cannot remove values from an enum without changing data`);
      a comment the project's template writes into every downgrade() counts
      too, as the project's policy stated once (pgAdmin's `# pgAdmin only
      upgrades, downgrade not implemented.`); tool directions (`# noqa`,
      `# type: ignore`) are no reason;
    - an `upgrade()` that only moves data (`op.execute` of INSERT, UPDATE or
      DELETE, `op.bulk_insert`, SQL that is not a literal, a session on
      `op.get_bind()`): an empty downgrade is right there, and raising would
      break `alembic downgrade` through a revision it passes today;
    - a migration whose `upgrade()` does nothing either: ALM104 speaks for it,
      or nobody does (one finding per cause);
    - merge revisions, revisions that start a named branch (`branch_labels`),
      and a `downgrade()` defined inside an `if`/`try` block;
    - a script directory whose `script.py.mako` writes no `downgrade()`, as
      for ALM101 (`follow-template = false` reports there too).

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
    If nothing is to be undone, say why in a comment:
    ```python
    def downgrade() -> None:
        # the enum keeps the value: PostgreSQL cannot drop one
        pass
    ```
    If it cannot be undone and a rollback must stop here,
    `raise NotImplementedError("...")` with the reason.

    ## Fix
    `--fix --unsafe-fixes` fills the body (its docstring and comments stay) with
    upgrade()'s operations undone in reverse order, or a
    `raise NotImplementedError("...")` naming those without an inverse, as
    ALM101's fix does. Unsafe: review it.
    """

    code = "ALM102"
    name = "empty-downgrade"
    options = (FOLLOW_TEMPLATE,)

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        downgrade, upgrade = migration.downgrade, migration.upgrade
        if downgrade is None or not downgrade.trivial or downgrade.conditional or empty_by_design(migration):
            return
        schema = next((op for op in upgrade.operations if changes_schema(op)), None) if upgrade else None
        if schema is None or downgrades_off(self, ctx) or reasons(downgrade, template(ctx)):
            return
        yield self.diagnostic(
            migration.path,
            downgrade.span,
            f"downgrade() does nothing while upgrade() changes the schema (`{schema.call}`): a rollback would "
            "leave that change in place; write the reverse operations, or say in a comment why nothing is to be "
            'undone (`raise NotImplementedError("...")` stops a rollback here)',
            fix=_downgrade_fix(migration, missing=False),
        )

    def outside_inputs(self, ctx: Context) -> object:
        return template(ctx)  # whether the project does downgrades, and the words its template writes


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
    """`upgrade()` does nothing: the empty autogenerate result, or a lost upgrade.

    ## What it does
    Reports an `upgrade()` that does nothing, says nothing of its author's, and
    - is what `alembic revision --autogenerate` writes when it finds no
      difference: the `# ### commands auto generated by Alembic - please
      adjust! ###` marker, `pass`, `# ### end Alembic commands ###`; or
    - sits beside a `downgrade()` that changes the schema: the downgrade
      undoes a change the upgrade never makes.

    alembic's autogenerate markers and the docstrings of alembic's or the
    project's template (`"Upgrade schema."`) are not the author's. Not reported: an empty `upgrade()` with a comment
    or docstring of the author's (a placeholder that says why, such as a
    docstring `A no-op migration for marking the Kilo release.`), and a bare
    `pass` beside an empty or missing `downgrade()` (a revision written by hand
    and kept for symmetry, or emptied later: this rule cannot tell it from a
    forgotten one). Merge revisions and revisions that start a named branch
    (`branch_labels`) are empty by design, and an `upgrade()` defined inside an
    `if`/`try` block is not judged. A migration whose upgrade() and downgrade()
    are both empty gets this finding at most: ALM102 never reports a migration
    whose upgrade() changes nothing.

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
    Or delete the migration if nothing was meant to change, or say why it is
    empty in a comment.
    """

    code = "ALM104"
    name = "empty-upgrade"

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        upgrade = migration.upgrade
        if upgrade is None or not upgrade.trivial or upgrade.conditional or empty_by_design(migration):
            return
        written = template(ctx)
        downgrade = migration.downgrade
        undone = next((op for op in downgrade.operations if changes_schema(op)), None) if downgrade else None
        if autogenerate_empty(upgrade, written):
            message = (
                "upgrade() is the empty autogenerate result (the markers around `pass`): autogenerate found no "
                "change, often because env.py's metadata lacks a model"
            )
        elif undone is not None and not reasons(upgrade, written):
            message = (
                f"upgrade() does nothing, yet downgrade() changes the schema (`{undone.call}`): it undoes a change "
                "this revision never makes"
            )
        else:
            return
        yield self.diagnostic(
            migration.path,
            upgrade.span,
            f"{message}; write the schema changes, delete this migration, or say in a comment why it is empty",
        )

    def outside_inputs(self, ctx: Context) -> object:
        return template(ctx)  # the words the project's template writes are not the author's
