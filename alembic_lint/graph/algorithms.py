"""Graph algorithms on revision ids, independent of what a revision is: each takes the ids
and a function that gives an id's successors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence


def walk(starts: Iterable[str], successors: Callable[[str], Iterable[str]]) -> Iterator[str]:
    """Depth first from `starts`, each id once, in the order alembic's
    `_iterate_related_revisions` visits them (a stack: the last successor comes first)."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        nid = todo.pop()
        if nid in seen:
            continue
        seen.add(nid)
        todo.extend(successors(nid))
        yield nid


def is_acyclic(targets: Mapping[str, Sequence[str]]) -> bool:
    """True when no cycle exists along the edges `targets` gives (every target is a key).
    Kahn's algorithm: repeatedly remove ids nothing points to; a cycle is what remains."""
    pointed: dict[str, int] = dict.fromkeys(targets, 0)
    for edges in targets.values():
        for target in edges:
            pointed[target] += 1
    ready = [nid for nid, count in pointed.items() if count == 0]
    removed = 0
    while ready:
        nid = ready.pop()
        removed += 1
        for target in targets[nid]:
            pointed[target] -= 1
            if pointed[target] == 0:
                ready.append(target)
    return removed == len(targets)


def strongly_connected(nodes: Sequence[str], edge_fn: Callable[[str], Iterable[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; returns components with more than one member."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(edge_fn(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            nid, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(edge_fn(succ))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[nid] = min(low[nid], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[nid])
            if low[nid] == index[nid]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == nid:
                        break
                if len(component) > 1:
                    found.append(component)
    return found
