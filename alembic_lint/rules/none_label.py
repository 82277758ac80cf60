from __future__ import annotations

from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic, Edit, Fix
from alembic_lint.graph import NoneString, RevisionGraph
from alembic_lint.rules.base import Context, GraphRule


class NoneLabel(GraphRule):
    """`branch_labels` or `depends_on` is the string `"None"` instead of `None`.

    ## What it does
    Reports a `branch_labels` or `depends_on` whose value is the string
    `"None"`, and offers to replace it with `None` (a safe fix).

    ## Why is this bad?
    alembic reads the string as a name. `branch_labels = "None"` declares a
    branch called None: every revision above it carries it, `alembic
    branches` and `alembic heads` show `(None)`, and a second file doing the
    same is a "Branch name 'None' ... already used" error. `depends_on =
    "None"` makes every command fail with `KeyError: 'None'` unless some
    revision declares that branch. Apache Airflow shipped one for years.

    ## Example
    ```python
    revision = "d4e5f6a7b8c9"
    down_revision = "c3d4e5f6a7b8"
    branch_labels = "None"
    depends_on = None
    ```

    ## Use instead
    ```python
    revision = "d4e5f6a7b8c9"
    down_revision = "c3d4e5f6a7b8"
    branch_labels = None
    depends_on = None
    ```
    """

    code = "ALM010"
    name = "none-label"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        for problem in graph.problems_of(NoneString):
            binding = problem.binding
            if binding.name == "branch_labels":
                effect = 'alembic reads it as a branch named "None" that every revision above it is on'
            else:
                effect = 'alembic reads it as the name of a revision or branch label "None"'
            yield self.diagnostic(
                problem.migration.path,
                binding.value_span,
                f'`{binding.name}` is the string "None": {effect}; write None, without quotes',
                fix=Fix('Replace "None" with None', (Edit(binding.value_span, "None"),), applicability="safe"),
            )
