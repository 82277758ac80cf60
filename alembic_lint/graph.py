"""The revision graph of one script directory, built the way alembic builds it.

`RevisionGraph.build` never raises. Where alembic stops at the first problem,
this collects every problem as data (`graph.problems`); rules turn them into
diagnostics. Heads, bases and label propagation follow
`alembic.script.revision.RevisionMap` (checked by differential tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from alembic_lint.diagnostics import Span
from alembic_lint.parse import Binding, Migration, ParseFailure, Value
from alembic_lint.suggest import Suggester

ILLEGAL_CHARACTERS = frozenset("@-+:")
_LEGACY_FILENAME = re.compile(r"([a-f0-9]+)\.py$")


# -- problems -------------------------------------------------------------------
@dataclass(frozen=True)
class InvalidRevision:
    """A file alembic would refuse to load (ALM008)."""

    migration: Migration
    span: Span
    reason: str


@dataclass(frozen=True)
class DynamicRevision:
    """`revision`/`down_revision` is not a literal, so the graph cannot be verified (ALM009)."""

    migration: Migration
    binding: Binding
    value: Value


@dataclass(frozen=True)
class DuplicateRevision:
    """Several files declare the same revision id (ALM003); the last one wins in alembic."""

    revision: str
    migrations: tuple[Migration, ...]


@dataclass(frozen=True)
class MissingReference:
    """A `down_revision` (ALM002) or `depends_on` (ALM006) entry that names nothing."""

    migration: Migration
    value: Value
    kind: Literal["down_revision", "depends_on"]
    suggestion: str | None = None
    is_label: bool = False  # a down_revision that names a branch label instead of an id


@dataclass(frozen=True)
class LabelConflict:
    """A branch label declared twice, or equal to a revision id (ALM007)."""

    label: str
    migration: Migration
    value: Value
    other: Migration
    other_revision: str
    is_revision_id: bool


@dataclass(frozen=True)
class Cycle:
    """Revisions that (transitively) revise themselves (ALM004)."""

    members: tuple[str, ...]  # file order
    dependency: bool  # only closed through depends_on edges


Problem = InvalidRevision | DynamicRevision | DuplicateRevision | MissingReference | LabelConflict | Cycle


# -- nodes ----------------------------------------------------------------------
@dataclass
class Node:
    id: str
    migration: Migration
    order: int
    down: tuple[str, ...]  # versioned down revisions, as written (literal entries only)
    depends_on: tuple[str, ...]  # literal depends_on entries, as written
    declared_labels: tuple[str, ...]  # literal labels, or the source text of dynamic ones
    unknown_parents: bool = False  # down_revision missing or not a literal
    has_dependencies: bool = False  # depends_on is not None/empty (alembic's `dependencies`)
    resolved_dependencies: tuple[str, ...] = ()
    children: list[str] = field(default_factory=list)  # alembic's `nextrev`
    dependents: list[str] = field(default_factory=list)  # `_all_nextrev` minus `nextrev`
    dangling: bool = False

    @property
    def is_merge_point(self) -> bool:
        return len(self.down) > 1

    @property
    def is_branch_point(self) -> bool:
        return len(self.children) > 1

    @property
    def revision_span(self) -> Span:
        binding = self.migration.revision
        return binding.value_span if binding else Span.point(1)


def _revision_id(migration: Migration, problems: list[Problem]) -> str | None:
    """The file's revision id, or None (with a problem recorded) when it is unknown."""
    binding = migration.revision
    if binding is None:
        legacy = _LEGACY_FILENAME.match(migration.path.name)
        if legacy:
            return legacy.group(1)
        problems.append(
            InvalidRevision(
                migration,
                Span.point(1),
                'no `revision` variable: alembic cannot load this file; declare `revision = "<id>"`',
            )
        )
        return None
    if binding.conditional or binding.shape == "dynamic" or any(v.kind == "dynamic" for v in binding.items):
        problems.append(
            DynamicRevision(
                migration, binding, binding.items[0] if binding.items else Value("", binding.value_span, "dynamic")
            )
        )
        return None
    if binding.shape != "str":
        shown = binding.items[0].text if binding.shape == "other" else binding.shape
        problems.append(
            InvalidRevision(
                migration,
                binding.value_span,
                f'`revision` must be a string, not {shown}; declare `revision = "<id>"`',
            )
        )
        return None
    revision = binding.items[0].text
    if not revision:
        problems.append(InvalidRevision(migration, binding.value_span, "`revision` is an empty string; give it an id"))
        return None
    illegal = sorted(set(revision) & ILLEGAL_CHARACTERS)
    if illegal:
        problems.append(
            InvalidRevision(
                migration,
                binding.value_span,
                f"revision id {revision!r} contains {', '.join(repr(c) for c in illegal)}, "
                "which alembic does not allow (@ - + :); rename it",
            )
        )
    return revision


class RevisionGraph:
    """Heads, bases, labels and problems of the migrations of one script directory."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.problems: list[Problem] = []
        self.opaque: list[Migration | ParseFailure] = []  # files whose place in the graph is unknown
        self.labels: dict[str, frozenset[str]] = {}  # propagated labels per revision
        self.label_owner: dict[str, str] = {}  # declared label -> revision id
        self.heads: tuple[str, ...] = ()
        self.real_heads: tuple[str, ...] = ()
        self.bases: tuple[str, ...] = ()
        self.real_bases: tuple[str, ...] = ()
        self.tainted: frozenset[str] = frozenset()
        self._suggesters: dict[bool, Suggester] = {}  # built for the first missing reference

    # -- queries ------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """True when every file's id and parents are known, so heads and references can be trusted."""
        return not self.opaque and not any(node.unknown_parents for node in self.nodes.values())

    @property
    def branch_points(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes.values() if n.is_branch_point)

    @property
    def merge_points(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes.values() if n.is_merge_point)

    def distinguished(self, a: str, b: str) -> bool:
        """True when each of two revisions carries a branch label the other lacks."""
        la, lb = self.labels.get(a, frozenset()), self.labels.get(b, frozenset())
        return bool(la - lb) and bool(lb - la)

    def resolve(self, identifier: str) -> str | None:
        """An exact revision id or a branch label, as `depends_on` accepts them."""
        if identifier in self.nodes:
            return identifier
        return self.label_owner.get(identifier)

    def history(self) -> list[Node]:
        """Nodes newest first, in the order `alembic history` prints them (alembic's
        `_topological_sort` from the real heads, following down_revision and depends_on)."""
        if any(isinstance(p, Cycle) for p in self.problems):
            return self._history_any_order()
        order = {nid: node.order for nid, node in self.nodes.items()}
        dependencies = {nid: self._normalized_dependencies(node) for nid, node in self.nodes.items()}
        down = {
            nid: [p for p in node.down if p in self.nodes] + [d for d in dependencies[nid] if d not in node.down]
            for nid, node in self.nodes.items()
        }

        def ancestors(start: str) -> set[str]:
            return set(walk([start], down.__getitem__))

        todo = set(self.nodes)
        heads = sorted(self.real_heads, key=order.__getitem__)
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
                out.append(self.nodes[candidate])
                todo.remove(candidate)
            node = self.nodes[candidate]
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
        out.extend(node for nid, node in self.nodes.items() if nid in todo)  # not below any real head
        return out

    def _normalized_dependencies(self, node: Node) -> tuple[str, ...]:
        """alembic's `_normalized_resolved_dependencies`: the dependencies that no ancestor
        (along down_revision) already depends on."""
        if not node.resolved_dependencies:
            return ()
        inherited: set[str] = set()
        for nid in walk([node.id], self._parents):
            if nid != node.id:
                inherited.update(self.nodes[nid].resolved_dependencies)
        return tuple(d for d in node.resolved_dependencies if d not in inherited)

    def _parents(self, nid: str) -> list[str]:
        return [p for p in self.nodes[nid].down if p in self.nodes]

    def descendants(self, nid: str) -> Iterator[str]:
        """`nid` and every revision after it along down_revision, in the order alembic's
        iterator visits them."""
        return walk([nid], lambda n: self.nodes[n].children)

    def _history_any_order(self) -> list[Node]:
        """Every revision after all the revisions that revise it; for graphs with cycles."""
        remaining = {nid: len(node.children) for nid, node in self.nodes.items()}
        ready = [nid for nid, count in remaining.items() if count == 0]
        ready.reverse()
        out: list[Node] = []
        seen: set[str] = set()
        while ready:
            nid = ready.pop()
            if nid in seen:
                continue
            seen.add(nid)
            node = self.nodes[nid]
            out.append(node)
            for parent in reversed(node.down):
                if parent in remaining and parent not in seen:
                    remaining[parent] -= 1
                    if remaining[parent] == 0:
                        ready.append(parent)
        out.extend(node for nid, node in self.nodes.items() if nid not in seen)  # cycles
        return out

    # -- construction ----------------------------------------------------------
    @classmethod
    def build(cls, parsed: Iterable[Migration | ParseFailure]) -> RevisionGraph:
        graph = cls()
        graph._add_files(parsed)
        graph._map_labels()
        graph._resolve_dependencies()
        graph._link()
        graph._find_heads_and_bases()
        graph._find_cycles()
        graph._taint()
        graph._propagate_labels()
        return graph

    def _add_files(self, parsed: Iterable[Migration | ParseFailure]) -> None:
        by_id: dict[str, list[Migration]] = {}
        for order, migration in enumerate(parsed):
            if isinstance(migration, ParseFailure):
                self.opaque.append(migration)
                continue
            revision = _revision_id(migration, self.problems)
            if revision is None:
                self.opaque.append(migration)
                continue
            node = Node(revision, migration, order, *self._edges(revision, migration))
            by_id.setdefault(revision, []).append(migration)
            self.nodes.pop(revision, None)  # the later file wins, and moves to the end
            self.nodes[revision] = node
        for revision, migrations in by_id.items():
            if len(migrations) > 1:
                self.problems.append(DuplicateRevision(revision, tuple(migrations)))

    def _edges(
        self, revision: str, migration: Migration
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool, bool]:
        unknown_parents = False
        down: tuple[str, ...] = ()
        binding = migration.down_revision
        if binding is None:
            unknown_parents = True
            self.problems.append(
                InvalidRevision(
                    migration,
                    migration.revision.span if migration.revision else Span.point(1),
                    "no `down_revision` variable: alembic cannot load this file; "
                    "set it to the revision this one follows (None for a base)",
                )
            )
        elif binding.conditional or any(v.kind == "dynamic" for v in binding.items) or binding.shape == "dynamic":
            unknown_parents = True
            dynamic = next((v for v in binding.items if v.kind == "dynamic"), None)
            self.problems.append(DynamicRevision(migration, binding, dynamic or binding.items[0]))
        elif any(v.kind == "other" for v in binding.items):
            unknown_parents = True
            bad = next(v for v in binding.items if v.kind == "other")
            self.problems.append(
                InvalidRevision(
                    migration,
                    bad.span,
                    f"`down_revision` entries must be revision id strings, not {bad.text}",
                )
            )
        else:
            down = binding.strings
            if revision in down:
                value = next(v for v in binding.items if v.text == revision)
                self.problems.append(
                    InvalidRevision(
                        migration,
                        value.span,
                        f"revision {revision!r} names itself as its down_revision; point it at the revision it follows",
                    )
                )
                down = tuple(d for d in down if d != revision)
                unknown_parents = not down
        depends = migration.depends_on
        deps: tuple[str, ...] = ()
        has_dependencies = False
        if depends is not None:
            has_dependencies = depends.shape not in ("none",) and bool(depends.items)
            deps = tuple(v.text for v in depends.items if v.kind == "str")
            if revision in deps:
                value = next(v for v in depends.items if v.text == revision)
                self.problems.append(
                    InvalidRevision(
                        migration,
                        value.span,
                        f"revision {revision!r} depends on itself; remove it from depends_on",
                    )
                )
                deps = tuple(d for d in deps if d != revision)
        labels = migration.branch_labels
        declared = tuple(v.text for v in labels.items) if labels is not None else ()
        return down, deps, declared, unknown_parents, has_dependencies

    def _map_labels(self) -> None:
        for node in self.nodes.values():
            labels = node.migration.branch_labels
            if labels is None:
                continue
            for value in labels.items:
                label = value.text
                if label in self.nodes:
                    other = self.nodes[label]
                    self.problems.append(LabelConflict(label, node.migration, value, other.migration, other.id, True))
                elif label in self.label_owner:
                    owner = self.nodes[self.label_owner[label]]
                    if value.kind == "str":
                        self.problems.append(
                            LabelConflict(label, node.migration, value, owner.migration, owner.id, False)
                        )
                else:
                    self.label_owner[label] = node.id

    @property
    def has_dynamic_labels(self) -> bool:
        """True when some branch label is not a literal (it may be what a depends_on names)."""
        return any(
            v.kind != "str"
            for node in self.nodes.values()
            if node.migration.branch_labels is not None
            for v in node.migration.branch_labels.items
        )

    def _suggest(self, wrong: str, labels: bool = False) -> str | None:
        """A close revision id (or, where labels are accepted, branch label) for a wrong reference:
        the only candidate `wrong` is a prefix of (or that is a prefix of `wrong`), else difflib's
        closest match at 0.75 (suggest.py answers the same, without a pass over every candidate)."""
        suggester = self._suggesters.get(labels)
        if suggester is None:
            candidates = [*self.nodes, *self.label_owner] if labels else list(self.nodes)
            suggester = self._suggesters[labels] = Suggester(candidates)
        return suggester.suggest(wrong)

    def _resolve_dependencies(self) -> None:
        for node in self.nodes.values():
            resolved: dict[str, None] = {}  # ordered, and found without a pass over the list
            depends = node.migration.depends_on
            for value in depends.items if depends is not None else ():
                if value.kind != "str" or value.text == node.id:
                    continue
                target = self.resolve(value.text)
                if target == node.id:
                    self.problems.append(
                        InvalidRevision(
                            node.migration,
                            value.span,
                            f"depends_on {value.text!r} is this revision's own branch label, so it depends on "
                            "itself; remove it from depends_on",
                        )
                    )
                elif target is None:
                    self.problems.append(
                        MissingReference(node.migration, value, "depends_on", self._suggest(value.text, labels=True))
                    )
                else:
                    resolved[target] = None
            node.resolved_dependencies = tuple(resolved)

    def _link(self) -> None:
        for node in self.nodes.values():
            binding = node.migration.down_revision
            values: dict[str, Value] | None = None  # the first item of each text (one pass, not one per parent)
            for parent in node.down:
                target = self.nodes.get(parent)
                if target is not None:
                    if node.id not in target.children:
                        target.children.append(node.id)
                    continue
                node.dangling = True
                if values is None:
                    values = {v.text: v for v in reversed(binding.items)} if binding else {}
                value = values.get(parent)
                if value is None:
                    continue
                is_label = parent in self.label_owner
                self.problems.append(
                    MissingReference(
                        node.migration,
                        value,
                        "down_revision",
                        None if is_label else self._suggest(parent),
                        is_label,
                    )
                )
            for dep in node.resolved_dependencies:
                target = self.nodes[dep]
                if node.id not in target.dependents and node.id not in target.children:
                    target.dependents.append(node.id)

    def _find_heads_and_bases(self) -> None:
        nodes = list(self.nodes.values())
        self.heads = tuple(n.id for n in nodes if not n.children)
        self.real_heads = tuple(n.id for n in nodes if not n.children and not n.dependents)
        self.bases = tuple(n.id for n in nodes if not n.down and not n.unknown_parents and not n.dangling)
        self.real_bases = tuple(n for n in self.bases if not self.nodes[n].has_dependencies)

    def _find_cycles(self) -> None:
        def down_edges(nid: str) -> Iterator[str]:
            return (p for p in self.nodes[nid].down if p in self.nodes)

        def all_edges(nid: str) -> Iterator[str]:
            node = self.nodes[nid]
            yield from (p for p in node.down if p in self.nodes)
            yield from node.resolved_dependencies

        if self._acyclic():  # the usual case, checked in one cheap pass
            return
        in_cycle: set[str] = set()
        for members in _strongly_connected(list(self.nodes), down_edges):
            self.problems.append(Cycle(self._in_file_order(members), dependency=False))
            in_cycle.update(members)
        for members in _strongly_connected(list(self.nodes), all_edges):
            if not set(members) <= in_cycle:
                self.problems.append(Cycle(self._in_file_order(members), dependency=True))

    def _acyclic(self) -> bool:
        """True when no cycle exists along down_revision and depends_on edges together (Kahn's
        algorithm: repeatedly remove revisions nothing points to; a cycle is what remains)."""
        nodes = self.nodes
        targets = {
            nid: [p for p in node.down if p in nodes] + list(node.resolved_dependencies) for nid, node in nodes.items()
        }
        pointed: dict[str, int] = dict.fromkeys(nodes, 0)
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
        return removed == len(nodes)

    def _in_file_order(self, members: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(members, key=lambda nid: self.nodes[nid].order))

    def _taint(self) -> None:
        """Revisions on or above a dangling reference, a cycle or an unknown parent."""
        roots = [n.id for n in self.nodes.values() if n.dangling or n.unknown_parents]
        for problem in self.problems:
            if isinstance(problem, Cycle):
                roots.extend(problem.members)
        self.tainted = frozenset(walk(roots, lambda nid: self.nodes[nid].children + self.nodes[nid].dependents))

    def _propagate_labels(self) -> None:
        """alembic's `_add_branches`: a label spreads to every descendant of the revision
        that declares it, then down its ancestry until a branch point or merge point."""
        labels: dict[str, set[str]] = {nid: set(node.declared_labels) for nid, node in self.nodes.items()}
        for node in self.nodes.values():
            if not node.declared_labels:
                continue
            current = labels[node.id]
            last = node.id
            for last in self.descendants(node.id):
                labels[last].update(current)
            parent: Node | None = self.nodes[last]
            seen: set[str] = set()
            while parent is not None and parent.id not in seen:
                seen.add(parent.id)
                real_branch_point = len(set(parent.children) | set(parent.dependents)) > 1
                if real_branch_point or parent.is_merge_point:
                    break
                labels[parent.id].update(current)
                parent = self.nodes.get(parent.down[0]) if parent.down else None
        self.labels = {nid: frozenset(values) for nid, values in labels.items()}


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


def _strongly_connected(nodes: Sequence[str], edge_fn: Callable[[str], Iterable[str]]) -> list[list[str]]:
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
