"""The order `alembic history` prints revisions in (newest first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic_lint.graph.algorithms import walk
from alembic_lint.graph.problems import Cycle

if TYPE_CHECKING:
    from alembic_lint.graph.build import Node, RevisionGraph


def history(graph: RevisionGraph) -> list[Node]:
    """Nodes newest first, in the order `alembic history` prints them (alembic's
    `_topological_sort` from the real heads, following down_revision and depends_on)."""
    if graph.problems_of(Cycle):
        return any_order(graph)
    nodes = graph.nodes
    order = {nid: node.order for nid, node in nodes.items()}
    dependencies = {nid: normalized_dependencies(graph, node) for nid, node in nodes.items()}
    down = {  # each once: `down_revision = ("a", "a")` must not make two heads of "a"
        nid: list(
            dict.fromkeys([p for p in node.down if p in nodes] + [d for d in dependencies[nid] if d not in node.down])
        )
        for nid, node in nodes.items()
    }

    def ancestors(start: str) -> set[str]:
        return set(walk([start], down.__getitem__))

    todo = set(nodes)
    heads = sorted(graph.real_heads, key=order.__getitem__)
    ancestors_of = [ancestors(h) for h in heads]
    out: list[Node] = []
    index = 0
    while heads:
        candidate = heads[index]
        blocker = next((i for i, seen in enumerate(ancestors_of) if i != index and candidate in seen), None)
        if blocker is not None:  # another head still leads here: finish that one first
            index = blocker
            continue
        if candidate in todo:
            out.append(nodes[candidate])
            todo.remove(candidate)
        node = nodes[candidate]
        new_heads = [r for r in down[candidate] if r in todo and r not in heads]
        if not new_heads:
            del heads[index]
            del ancestors_of[index]
            index = max(index - 1, 0)
        elif not dependencies[candidate] and len(node.down) == 1:
            heads[index] = new_heads[0]
            ancestors_of[index].discard(candidate)
        else:
            heads[index] = new_heads[0]
            heads.extend(new_heads[1:])
            ancestors_of[index] = ancestors(new_heads[0])
            ancestors_of.extend(ancestors(h) for h in new_heads[1:])
    out.extend(node for nid, node in nodes.items() if nid in todo)  # not below any real head
    return out


def normalized_dependencies(graph: RevisionGraph, node: Node) -> tuple[str, ...]:
    """alembic's `_normalized_resolved_dependencies`: the dependencies that no ancestor
    (along down_revision) already depends on."""
    if not node.resolved_dependencies:
        return ()
    inherited: set[str] = set()
    for nid in walk([node.id], graph.parents):
        if nid != node.id:
            inherited.update(graph.nodes[nid].resolved_dependencies)
    return tuple(d for d in node.resolved_dependencies if d not in inherited)


def any_order(graph: RevisionGraph) -> list[Node]:
    """Every revision after all the revisions that revise it; for graphs with cycles."""
    remaining = {nid: len(node.children) for nid, node in graph.nodes.items()}
    ready = [nid for nid, count in remaining.items() if count == 0]
    ready.reverse()
    out: list[Node] = []
    seen: set[str] = set()
    while ready:
        nid = ready.pop()
        if nid in seen:
            continue
        seen.add(nid)
        node = graph.nodes[nid]
        out.append(node)
        for parent in reversed(node.down):
            if parent in remaining and parent not in seen:
                remaining[parent] -= 1
                if remaining[parent] == 0:
                    ready.append(parent)
    out.extend(node for nid, node in graph.nodes.items() if nid not in seen)  # cycles
    return out
