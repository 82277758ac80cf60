from __future__ import annotations

from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic, Related
from alembic_lint.graph import LabelConflict, RevisionGraph
from alembic_lint.rules.base import Context, GraphRule


class BranchLabelConflict(GraphRule):
    """A branch label is declared twice, or equals a revision id.

    ## What it does
    Reports a `branch_labels` entry that another revision already declares, or
    that is the id of a revision.

    ## Why is this bad?
    alembic refuses to run any command: "Branch name '...' in revision ... already
    used by revision ...". Labels and revision ids share one namespace, so
    `alembic upgrade feature@head` could not know what to do either.

    ## Example
    ```python
    # versions/a1.py
    branch_labels = ("billing",)
    # versions/f6.py
    branch_labels = ("billing",)
    ```

    ## Use instead
    Declare a label once, on the first revision of its branch; the revisions
    after it inherit it.
    """

    code = "ALM007"
    name = "branch-label-conflict"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        for problem in graph.problems_of(LabelConflict):
            if problem.is_revision_id:
                message = (
                    f"branch label {problem.label!r} is also a revision id "
                    f"({problem.other.path.name}); rename the label"
                )
            else:
                message = (
                    f"branch label {problem.label!r} is already declared by revision "
                    f"{problem.other_revision!r} ({problem.other.path.name}); labels must be unique, "
                    "declare it only on the first revision of the branch"
                )
            other = graph.nodes.get(problem.other_revision)
            related = (Related(problem.other.path, other.revision_span, "declared here"),) if other is not None else ()
            yield self.diagnostic(problem.migration.path, problem.value.span, message, related=related)
