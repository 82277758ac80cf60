from __future__ import annotations

from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.graph import DynamicRevision as DynamicProblem
from alembic_lint.graph import RevisionGraph
from alembic_lint.rules.base import Context, GraphRule


class DynamicRevision(GraphRule):
    """`revision` or `down_revision` is not a literal.

    ## What it does
    Reports a `revision` or `down_revision` whose value is computed (a call, a
    constant imported from the application, string concatenation) or assigned
    inside an `if`/`try` block.

    ## Why is this bad?
    The value is only known by importing the file, which alembic-lint never
    does. The graph cannot be verified statically: while such a file exists,
    the findings it could change are not reported (heads; with a computed
    `revision`, also ids that name nothing). It also makes the history hard to
    read for people.

    ## Example
    ```python
    revision = "c3d4e5f6a7b8"
    down_revision = get_previous_revision(revision)
    ```

    ## Use instead
    ```python
    revision = "c3d4e5f6a7b8"
    down_revision = "b2c3d4e5f6a7"
    ```

    `down_revision = get_down_revision(revision)` from alembic-git-revisions is
    resolved as the library does (`revision_chain.json` beside the versions
    folder, else the git order), so those folders are checked like any other;
    when neither is available this is reported once for the folder.
    """

    code = "ALM009"
    name = "dynamic-revision"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        chain = ctx.extra.get("git-revisions")
        unavailable = getattr(chain, "unavailable", None)
        unresolved = set(getattr(chain, "paths", ())) if unavailable else set()
        collapsed: list[DynamicProblem] = []
        for problem in graph.problems_of(DynamicProblem):
            if problem.binding.name == "down_revision" and problem.migration.path in unresolved:
                collapsed.append(problem)
                continue
            name = problem.binding.name
            if problem.binding.conditional:
                what = f"`{name}` is assigned inside a block"
            else:
                what = f"`{name}` is not a literal ({problem.value.text})"
            unchecked = "heads and missing revisions are" if name == "revision" else "heads are"
            yield self.diagnostic(
                problem.migration.path,
                problem.value.span if not problem.binding.conditional else problem.binding.span,
                f"{what}; the graph cannot be verified statically, so {unchecked} "
                "not checked in this folder: write the id as a string literal",
            )
        if collapsed:
            first = collapsed[0]
            files = f"{len(collapsed)} files take" if len(collapsed) > 1 else "this file takes"
            yield self.diagnostic(
                first.migration.path,
                first.value.span,
                f"{files} down_revision from get_down_revision() (alembic-git-revisions), but {unavailable}: "
                "heads are not checked in this folder; write revision_chain.json with "
                "`alembic-git-revisions <versions folder>` or lint a clone with its full history",
            )
