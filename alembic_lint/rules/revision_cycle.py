from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic, Related
from alembic_lint.graph import Cycle, RevisionGraph, Unknown
from alembic_lint.graph.unknowns import merged, namers, unknowable
from alembic_lint.rules.base import Context, GraphRule
from alembic_lint.rules.held_back import held_back


def _cycle_path(graph: RevisionGraph, start: str, members: frozenset[str], dependency: bool) -> list[str]:
    """The shortest way from `start` back to itself through its parents inside the cycle."""

    def parents(nid: str) -> list[str]:
        node = graph.nodes[nid]
        found = [p for p in node.down if p in members]
        if dependency:
            found += [d for d in node.resolved_dependencies if d in members]
        return found

    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        nid = queue.popleft()
        for parent in parents(nid):
            if parent == start:
                chain = [nid]
                while chain[-1] != start:
                    chain.append(previous[chain[-1]])
                return [*reversed(chain), start]
            if parent not in previous:
                previous[parent] = nid
                queue.append(parent)
    return [start, start]


def _doubts(graph: RevisionGraph, cycle: Cycle) -> list[Unknown]:
    """A dependency cycle closed through a branch label holds only while that label is whose
    it is: a file with a syntax error may declare it first."""
    if not cycle.dependency:
        return []
    members = set(cycle.members)
    labels = [
        value.text
        for nid in cycle.members
        if (depends := graph.nodes[nid].migration.depends_on) is not None
        for value in depends.items
        if value.kind == "str" and value.text not in graph.nodes and graph.resolve(value.text) in members
    ]
    return merged(doubt for label in labels for doubt in namers(graph, label, labels=True))


class RevisionCycle(GraphRule):
    """Revisions that, following `down_revision` (or `depends_on`), lead back to themselves.

    ## What it does
    Reports each revision that sits in a cycle, and names the cycle. Revisions
    merely stacked on top of a cycle are not reported. A dependency cycle closed
    through a branch label is held back (reported, with the reason) while a file
    with a syntax error could still declare that label first. alembic's own
    check can miss a dependency cycle when other heads exist; this rule does not.

    ## Why is this bad?
    alembic refuses to run any command: "Cycle is detected in revisions". A
    cycle appears when two migrations are re-chained by hand onto each other, or
    when a `depends_on` points at a descendant.

    ## Example
    ```python
    # versions/a1.py
    revision = "a1"
    down_revision = "b2"
    # versions/b2.py
    revision = "b2"
    down_revision = "a1"
    ```

    ## Use instead
    Point one of them at the revision it really follows (or `None` for a base).
    """

    code = "ALM004"
    name = "revision-cycle"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        for problem in graph.problems_of(Cycle):
            doubts = _doubts(graph, problem)
            if unknowable(doubts):
                continue
            members = frozenset(problem.members)
            for nid in problem.members:
                node = graph.nodes[nid]
                path = _cycle_path(graph, nid, members, problem.dependency)
                loop = " -> ".join(path)
                uses_dependency = problem.dependency and any(d in members for d in node.resolved_dependencies)
                binding = node.migration.depends_on if uses_dependency else node.migration.down_revision
                span = binding.value_span if binding else node.revision_span
                what = "depends_on" if problem.dependency else "down_revision"
                yield self.diagnostic(
                    node.migration.path,
                    span,
                    f"revision {nid!r} is in a {'dependency ' if problem.dependency else ''}cycle "
                    f"({loop}, following {what}); point one {what} in it at a revision outside the cycle"
                    f"{held_back(doubts)}",
                    related=tuple(
                        Related(
                            graph.nodes[m].migration.path, graph.nodes[m].revision_span, f"also in the cycle: {m!r}"
                        )
                        for m in problem.members
                        if m != nid
                    ),
                )
