from __future__ import annotations

from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic, Edit, Fix
from alembic_lint.parse import Binding, HeaderField, Migration
from alembic_lint.rules.base import Context, FileRule


def _listed(text: str) -> tuple[str, ...]:
    """The ids a `Revises:` line names (alembic writes `a, b`; a base has nothing, or `None`)."""
    ids = tuple(part.strip() for part in text.split(",") if part.strip())
    return () if ids == ("None",) else ids


class HeaderMismatch(FileRule):
    """The docstring's `Revision ID:` or `Revises:` disagrees with the variables.

    ## What it does
    Compares the `Revision ID:` and `Revises:` lines of the module docstring,
    as alembic's template writes them, with the `revision` and `down_revision`
    variables. Off by default: stale headers are common in real projects (a
    migration re-chained by editing `down_revision` only), and alembic itself
    never reads them.

    ## Why is this bad?
    People read the header, alembic reads the variables. A stale `Revises:`
    line sends a reviewer to the wrong parent when untangling a branch, and a
    wrong `Revision ID:` makes a file hard to find from `alembic history`.

    ## Example
    ```python
    '''add email to users

    Revision ID: 3c4d5e6f7a8b
    Revises: 2b3c4d5e6f7a
    '''
    revision = "3c4d5e6f7a8b"
    down_revision = "4d5e6f7a8b9c"
    ```

    ## Use instead
    ```python
    '''add email to users

    Revision ID: 3c4d5e6f7a8b
    Revises: 4d5e6f7a8b9c
    '''
    revision = "3c4d5e6f7a8b"
    down_revision = "4d5e6f7a8b9c"
    ```

    ## Fix
    `--fix` sets the header line's value to the variable's (safe: alembic never
    reads it). The re-chain fix of ALM001 updates `Revises:` itself.
    """

    code = "ALM105"
    name = "header-mismatch"
    default = False

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        header = migration.header
        if header is None:
            return
        for label, field, binding in (
            ("Revision ID", header.revision_id, migration.revision),
            ("Revises", header.revises, migration.down_revision),
        ):
            if field is None or binding is None or not binding.is_static:
                continue
            diagnostic = self._compare(migration, label, field, binding)
            if diagnostic is not None:
                yield diagnostic

    def _compare(self, migration: Migration, label: str, field: HeaderField, binding: Binding) -> Diagnostic | None:
        actual = binding.strings
        if set(_listed(field.value)) == set(actual):
            return None
        truth = ", ".join(actual)
        said = field.value or "nothing"
        shown = truth or "nothing (a base)"
        return self.diagnostic(
            migration.path,
            field.span,
            f"docstring says `{label}: {said}` but {binding.name} is {shown}; update the docstring "
            f"(alembic reads only the variable)",
            fix=Fix(f"Set `{label}:` to {truth or 'nothing'}", (Edit(field.span, truth),), applicability="safe"),
        )
