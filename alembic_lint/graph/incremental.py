"""The revision graph of a folder whose files change one at a time (the language server's).

`GraphKeeper.graph_for(parsed)` gives what `RevisionGraph.build(parsed)` gives, equal in
every part (nodes in their order, problems in theirs, heads, bases, labels, taint), but it
keeps its last graph and, when the files differ from last time only in place, updates it:

* a file whose graph key did not change (typing in `upgrade()`): the graph is pointed at
  its new parse result;
* a file whose `down_revision` alone changed, from literal ids to literal ids, keeping its
  revision id (the usual edit of the graph): the node's edges are moved, by revision id,
  and only what they can change is worked out again: its missing references, its parents'
  children and dependents, heads and bases, whether a cycle closed, the taint;
* anything else (a file added, removed, renamed, broken, its id or labels or depends_on
  changed, a folder with branch labels, duplicates or cycles): built again.

An update costs what the edited file's neighbourhood costs, not the folder: at 10,000
migrations, an edit of `down_revision` is under a millisecond of graph work instead of a
whole build (150-200 ms on the project machine).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from alembic_lint.graph.algorithms import walk
from alembic_lint.graph.build import Node, RevisionGraph, graph_key
from alembic_lint.graph.problems import Cycle, DuplicateRevision, MissingReference
from alembic_lint.parse import Binding, Migration, Parsed
from alembic_lint.records import fields_of, replace


class GraphKeeper:
    """One folder's graph across edits. Not thread-safe; a graph it returned is updated in place
    by the next call (the server keeps one at a time)."""

    def __init__(self) -> None:
        self.graph: RevisionGraph | None = None
        self.parsed: list[Parsed] = []
        self.updated = 0  # calls answered by an update (statistics for tests and benchmarks)
        self.built = 0

    def graph_for(self, parsed: Sequence[Parsed], changed: Sequence[int] | None = None) -> tuple[RevisionGraph, bool]:
        """The graph of `parsed`, and whether it differs from the last one returned in more
        than which parse results it points at (the graph rules must then run again).

        `changed`, when the caller knows it: the positions whose parse result may be another
        object than last time (the same files, in the same order, otherwise); the other
        positions are then not compared."""
        graph = self.graph
        changed = self._changes(parsed) if changed is None else self._known_changes(parsed, changed)
        if graph is None or changed is None:
            return self._build(parsed), True
        moved = False
        for index in changed:
            old, new = self.parsed[index], parsed[index]
            if graph_key(old) == graph_key(new):
                _swap(graph, old, new)
            elif _update(graph, old, new):  # type: ignore[arg-type]
                moved = True
            else:
                return self._build(parsed), True
            self.parsed[index] = new
        if changed:
            self.updated += 1
        return graph, moved

    def _changes(self, parsed: Sequence[Parsed]) -> list[int] | None:
        """The positions whose parse result is another object for the same file; None when
        files came, went or moved."""
        if self.graph is None or len(parsed) != len(self.parsed):
            return None
        changed = [i for i, (old, new) in enumerate(zip(self.parsed, parsed, strict=True)) if old is not new]
        if any(self.parsed[i].path != parsed[i].path for i in changed):
            return None
        return changed

    def _known_changes(self, parsed: Sequence[Parsed], changed: Sequence[int]) -> list[int] | None:
        """`_changes` for a caller that says where to look."""
        if self.graph is None or len(parsed) != len(self.parsed):
            return None
        found = [i for i in sorted(set(changed)) if self.parsed[i] is not parsed[i]]
        if any(self.parsed[i].path != parsed[i].path for i in found):
            return None
        return found

    def _build(self, parsed: Sequence[Parsed]) -> RevisionGraph:
        self.graph = RevisionGraph.build(parsed)
        self.parsed = list(parsed)
        self.built += 1
        return self.graph


def _static_parents(binding: Binding | None) -> bool:
    """A down_revision of literal ids (or None) bound once at module level."""
    return (
        binding is not None
        and not binding.conditional
        and binding.shape in ("none", "str", "tuple", "list")
        and all(item.kind == "str" for item in binding.items)
    )


def _update(graph: RevisionGraph, old: Migration, new: Migration) -> bool:
    """Move the edges of a file whose down_revision alone changed; False (graph untouched)
    when the change is not one this handles."""
    if not (isinstance(old, Migration) and isinstance(new, Migration)):
        return False
    if old.recovered is not None or new.recovered is not None:
        return False
    if (old.revision, old.branch_labels, old.depends_on) != (new.revision, new.branch_labels, new.depends_on):
        return False
    if not (_static_parents(old.down_revision) and _static_parents(new.down_revision)):
        return False
    if new.depends_on is not None and bool(old.down_revision.strings) != bool(new.down_revision.strings):  # type: ignore[union-attr]
        return False  # a base now, or no more: what `depends_on = ""` means changes with it (build.py)
    if graph.label_owner or graph.problems_of(Cycle) or graph.problems_of(DuplicateRevision):
        return False
    node = next((n for n in _nodes_of(graph, old)), None)
    if node is None or _uses_labels(graph):
        return False
    assert old.down_revision is not None and new.down_revision is not None
    down = new.down_revision.strings
    if node.id in down or node.id in old.down_revision.strings or _closes_cycle(graph, node, down):
        return False  # a self-reference (then or now) or a cycle: a build reports them
    _move_edges(graph, node, new, down)
    return True


def _nodes_of(graph: RevisionGraph, migration: Migration) -> list[Node]:
    binding = migration.revision
    if binding is None or binding.shape != "str" or not binding.is_static or not binding.items:
        return []
    node = graph.nodes.get(binding.items[0].text)
    return [node] if node is not None and node.migration is migration else []


def _uses_labels(graph: RevisionGraph) -> bool:
    """Some revision declares a branch label (labels then propagate along the edges)."""
    uses = getattr(graph, "_uses_labels", None)
    if uses is None:
        uses = any(node.declared_labels for node in graph.nodes.values())
        graph._uses_labels = uses  # type: ignore[attr-defined]  # node labels do not change in an update
    return bool(uses)


def _closes_cycle(graph: RevisionGraph, node: Node, down: tuple[str, ...]) -> bool:
    """Would `node` revising `down` close a cycle? Only if a new parent is `node` or after it."""
    new = {parent for parent in down if parent in graph.nodes and parent not in node.down}
    if not new:
        return False
    return any(
        nid in new for nid in walk([node.id], lambda nid: graph.nodes[nid].children + graph.nodes[nid].dependents)
    )


def _move_edges(graph: RevisionGraph, node: Node, new: Migration, down: tuple[str, ...]) -> None:
    nodes = graph.nodes
    old_down, nid = node.down, node.id
    # Children and dependents: a parent lists its children in the graph's order, and a
    # revision it is a dependency of only when that one does not also revise it.
    for parent in dict.fromkeys(old_down):
        target = nodes.get(parent)
        if target is not None and parent not in down and nid in target.children:
            target.children.remove(nid)
    for parent in dict.fromkeys(down):
        target = nodes.get(parent)
        if target is not None and nid not in target.children:
            _insert_in_order(target.children, nid, nodes)
    for dep in node.resolved_dependencies:
        target = nodes[dep]
        listed = nid in target.dependents
        wanted = nid not in target.children
        if listed and not wanted:
            target.dependents.remove(nid)
        elif wanted and not listed:
            _insert_in_order(target.dependents, nid, nodes)
    old = node.migration
    node.migration = new
    node.down = down
    node.unknown_parents = False
    node.dangling = any(parent not in nodes for parent in down)
    # Its missing references take the place of the old ones, among the others in node order.
    problems = [p for p in graph.problems if not (_is_link_problem(p) and p.migration is old)]  # type: ignore[union-attr]
    missing = graph._missing_parents(node)
    if missing:
        later = (
            index
            for index, problem in enumerate(problems)
            if _is_link_problem(problem) and nodes[_id_of(problem.migration)].order > node.order  # type: ignore[union-attr]
        )
        at = next(later, len(problems))
        problems[at:at] = missing
    graph.problems = problems
    _point_problems(graph, old, new)
    graph._find_heads_and_bases()
    graph._taint()


def _is_link_problem(problem: object) -> bool:
    """A missing down_revision entry: what linking a node to its parents reports."""
    return isinstance(problem, MissingReference) and problem.kind == "down_revision"


def _id_of(migration: Migration) -> str:
    binding = migration.revision
    assert binding is not None
    return binding.items[0].text


def _insert_in_order(ids: list[str], nid: str, nodes: dict[str, Node]) -> None:
    """Insert `nid` into `ids` (kept in the graph's node order)."""
    orders = [nodes[other].order for other in ids]
    ids.insert(bisect.bisect(orders, nodes[nid].order), nid)


def _swap(graph: RevisionGraph, old: Parsed, new: Parsed) -> None:
    """Point the graph at a file's new parse result (one with the same graph key)."""
    if isinstance(old, Migration):
        for node in _nodes_of(graph, old):
            node.migration = new  # type: ignore[assignment]
    graph.opaque = [new if item is old else item for item in graph.opaque]
    graph.recovered = [new if item is old else item for item in graph.recovered]  # type: ignore[misc]
    _point_problems(graph, old, new)


def _point_problems(graph: RevisionGraph, old: Parsed, new: Parsed) -> None:
    """Problems that hold the old parse result hold the new one instead."""
    problems = graph.problems
    for index, problem in enumerate(problems):
        changes = {}
        for name, _ in fields_of(type(problem)):
            value = getattr(problem, name)
            if value is old:
                changes[name] = new
            elif isinstance(value, tuple) and any(v is old for v in value):
                changes[name] = tuple(new if v is old else v for v in value)
        if changes:
            problems[index] = replace(problem, **changes)
