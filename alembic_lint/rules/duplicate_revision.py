from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic, Related, Span
from alembic_lint.graph import DuplicateRevision as DuplicateProblem
from alembic_lint.graph import RevisionGraph
from alembic_lint.rules.base import Context, GraphRule


class DuplicateRevision(GraphRule):
    """Two files declare the same revision id.

    ## What it does
    Reports every file whose `revision` id is also declared by another file in
    the same script directory, naming the other file.

    ## Why is this bad?
    alembic keeps only the file it loads last under that id; the other one
    silently disappears from the history but still counts as a head, so
    `alembic upgrade head` fails with "Multiple head revisions are present".
    This happens when a migration file is copied to start a new one.

    ## Example
    ```python
    # versions/b2_add_users.py and versions/b2_add_orders.py
    revision = "b2c3d4e5f6a7"
    ```

    ## Use instead
    Give the newer file a fresh id (`alembic revision` generates one) and chain
    it after the other.
    """

    code = "ALM003"
    name = "duplicate-revision"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        for problem in graph.problems_of(DuplicateProblem):
            for migration in problem.migrations:
                others = [m for m in problem.migrations if m is not migration]
                names = ", ".join(str(_relative(m.path, ctx)) for m in others)
                span = migration.revision.value_span if migration.revision else Span.point(1)
                yield self.diagnostic(
                    migration.path,
                    span,
                    f"revision id {problem.revision!r} is also declared in {names}; "
                    "give one of them a new id (alembic keeps only the file it loads last)",
                    related=tuple(
                        Related(m.path, m.revision.value_span if m.revision else Span.point(1), "also declared here")
                        for m in others
                    ),
                )


def _relative(path: Path, ctx: Context) -> Path:
    if ctx.root is not None:
        try:
            return path.relative_to(ctx.root)
        except ValueError:
            pass
    return path
