from __future__ import annotations

from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.graph import InvalidRevision as InvalidProblem
from alembic_lint.graph import RevisionGraph
from alembic_lint.rules.base import Context, GraphRule


class InvalidRevision(GraphRule):
    """A migration's revision variables are missing or invalid.

    ## What it does
    Reports a file with no `revision` variable (and a name that is not a legacy
    hexadecimal id), no `down_revision` variable, an id that contains one of
    the characters alembic forbids (`@ - + :`), a value of the wrong type, or a
    revision that names itself in `down_revision` or `depends_on`.

    ## Why is this bad?
    alembic cannot load the file and every command fails. A helper module left
    in `versions/` is a common cause: alembic treats every `.py` file there as a
    migration.

    ## Example
    ```python
    revision = "add-users"
    down_revision = "add-users"
    ```

    ## Use instead
    ```python
    revision = "add_users"
    down_revision = "create_schema"
    ```
    Move helper modules out of the versions folder.
    """

    code = "ALM008"
    name = "invalid-revision"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        for problem in graph.problems:
            if isinstance(problem, InvalidProblem):
                yield self.diagnostic(problem.migration.path, problem.span, problem.reason)
