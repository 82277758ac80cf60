"""The revision graph of one script directory, built the way alembic builds it.

`RevisionGraph.build` never raises. Where alembic stops at the first problem,
this collects every problem as data (`graph.problems`); rules turn them into
diagnostics. Heads, bases and label propagation follow
`alembic.script.revision.RevisionMap` (checked by differential tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TypeVar

from alembic_lint.diagnostics import Span
from alembic_lint.graph.algorithms import is_acyclic, strongly_connected, walk
from alembic_lint.graph.problems import (
    Cycle,
    DownRevisionNotAString,
    DuplicateRevision,
    DynamicRevision,
    EmptyRevision,
    IllegalCharacters,
    LabelConflict,
    MissingReference,
    NoDownRevisionVariable,
    NoneString,
    NoRevisionVariable,
    Problem,
    RevisionNotAString,
    SelfReference,
    Unknown,
)
from alembic_lint.parse import REVISION_VARIABLES, Binding, Migration, Parsed, ParseFailure, Value, failure_of
from alembic_lint.records import field, record
from alembic_lint.suggest import Suggester

ILLEGAL_CHARACTERS = frozenset("@-+:")
_LEGACY_FILENAME = re.compile(r"([a-f0-9]+)\.py$")
P = TypeVar("P")


# -- nodes ----------------------------------------------------------------------
@record(frozen=False)
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
    def unread_parents(self) -> bool:
        """Its down_revision comes after a syntax error: a gap (graph/unknowns.py), not a problem."""
        return self.migration.recovered is not None and self.migration.down_revision is None

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
        problems.append(NoRevisionVariable(migration, Span.point(1)))
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
        problems.append(RevisionNotAString(migration, binding.value_span, shown))
        return None
    revision = binding.items[0].text
    if not revision:
        problems.append(EmptyRevision(migration, binding.value_span))
        return None
    illegal = tuple(sorted(set(revision) & ILLEGAL_CHARACTERS))
    if illegal:
        problems.append(IllegalCharacters(migration, binding.value_span, revision, illegal))
    return revision


def graph_key(parsed: Parsed) -> object:
    """What the graph reads from one file: files with equal keys give the same graph, up to
    which objects it points at (the language server keeps its graph while an edit leaves
    every key alone, and points it at the new parse results)."""
    if isinstance(parsed, ParseFailure):
        return parsed
    key = (parsed.path, parsed.revision, parsed.down_revision, parsed.branch_labels, parsed.depends_on)
    recovery = parsed.recovered
    if recovery is None:
        return key
    if all(parsed.binding(name) is not None for name in REVISION_VARIABLES[1:]):
        return (*key, True)  # everything known: where the error is does not matter to the graph
    return (*key, recovery.span.line, recovery.mentions)


def _literal_id(migration: Migration) -> str | None:
    """The file's revision id when it is a plain string literal."""
    binding = migration.revision
    if binding is None or binding.shape != "str" or not binding.is_static:
        return None
    return binding.items[0].text


def _is_empty_string(binding: Binding) -> bool:
    """True for `depends_on = ""` (or `[""]`, which alembic makes the scalar ""). Below a parent it
    is no dependency at all (`if revision.dependencies:`); on a base it still makes alembic fail
    ("Dependency cycle is detected": the base is no real base, as `dependencies` is not None),
    so there it stays a missing reference."""
    return len(binding.items) == 1 and binding.items[0].kind == "str" and binding.items[0].text == ""


def _is_none_string(binding: Binding) -> bool:
    """`branch_labels = "None"`: the string, where None was meant."""
    return binding.shape == "str" and not binding.conditional and binding.items[0].text == "None"


class RevisionGraph:
    """Heads, bases, labels and problems of the migrations of one script directory."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.problems: list[Problem] = []
        self.opaque: list[Parsed] = []  # files that are not in the graph (no readable, valid id)
        self.recovered: list[Migration] = []  # files with a syntax error whose id was recovered
        self.unknowns: list[Unknown] = []  # what the graph could not read (graph/unknowns.py)
        self.labels: dict[str, frozenset[str]] = {}  # propagated labels per revision
        self.label_owner: dict[str, str] = {}  # declared label -> revision id
        self.heads: tuple[str, ...] = ()
        self.real_heads: tuple[str, ...] = ()
        self.bases: tuple[str, ...] = ()
        self.real_bases: tuple[str, ...] = ()
        self.tainted: frozenset[str] = frozenset()
        self._suggesters: dict[bool, Suggester] = {}  # built for the first missing reference
        self._dynamic_labels = False

    # -- queries ------------------------------------------------------------
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

    def problems_of(self, kind: type[P]) -> list[P]:
        """The problems of one kind (a class of alembic_lint.graph.problems, or a base class
        such as `InvalidRevision` for all its reasons), in the order they were found."""
        return [problem for problem in self.problems if isinstance(problem, kind)]

    def failures(self) -> list[ParseFailure]:
        """Every file that could not be read, decoded or parsed: those not in the graph, and
        the errors the recovered ones were read around (parse.failure_of)."""
        found = [item for item in self.opaque if isinstance(item, ParseFailure)]
        return found + [failure for item in self.recovered if (failure := failure_of(item)) is not None]

    def parents(self, nid: str) -> list[str]:
        """The down revisions of `nid` that are in the graph."""
        return [p for p in self.nodes[nid].down if p in self.nodes]

    def descendants(self, nid: str) -> Iterator[str]:
        """`nid` and every revision after it along down_revision, in the order alembic's
        iterator visits them."""
        return walk([nid], lambda n: self.nodes[n].children)

    # -- construction ----------------------------------------------------------
    @classmethod
    def build(cls, parsed: Iterable[Parsed]) -> RevisionGraph:
        graph = cls()
        graph._add_files(parsed)
        graph._map_labels()
        graph._resolve_dependencies()
        graph._link()
        graph._find_heads_and_bases()
        graph._find_cycles()
        graph._find_unknowns()
        graph._taint()
        graph._propagate_labels()
        return graph

    def _add_files(self, parsed: Iterable[Parsed]) -> None:
        by_id: dict[str, list[Migration]] = {}
        for order, migration in enumerate(parsed):
            if isinstance(migration, ParseFailure):
                self.opaque.append(migration)
                continue
            if migration.recovered is not None:
                self.recovered.append(migration)
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
        if binding is None and migration.recovered is not None:
            unknown_parents = True  # after the syntax error: unknown, not missing
        elif binding is None:
            unknown_parents = True
            span = migration.revision.span if migration.revision else Span.point(1)
            self.problems.append(NoDownRevisionVariable(migration, span))
        elif binding.conditional or any(v.kind == "dynamic" for v in binding.items) or binding.shape == "dynamic":
            unknown_parents = True
            dynamic = next((v for v in binding.items if v.kind == "dynamic"), None)
            self.problems.append(DynamicRevision(migration, binding, dynamic or binding.items[0]))
        elif any(v.kind == "other" for v in binding.items):
            unknown_parents = True
            bad = next(v for v in binding.items if v.kind == "other")
            self.problems.append(DownRevisionNotAString(migration, bad.span, bad.text))
        else:
            down = binding.strings
            if revision in down:
                value = next(v for v in binding.items if v.text == revision)
                self.problems.append(SelfReference(migration, value.span, revision, "down_revision"))
                down = tuple(d for d in down if d != revision)
                unknown_parents = not down
        depends = migration.depends_on
        deps: tuple[str, ...] = ()
        has_dependencies = False
        if depends is not None and not (down and _is_empty_string(depends)):
            has_dependencies = depends.shape not in ("none",) and bool(depends.items)
            deps = tuple(v.text for v in depends.items if v.kind == "str")
            if revision in deps:
                value = next(v for v in depends.items if v.text == revision)
                self.problems.append(SelfReference(migration, value.span, revision, "depends_on"))
                deps = tuple(d for d in deps if d != revision)
        labels = migration.branch_labels
        declared = tuple(v.text for v in labels.items) if labels is not None else ()
        return down, deps, declared, unknown_parents, has_dependencies

    def _map_labels(self) -> None:
        for node in self.nodes.values():
            labels = node.migration.branch_labels
            if labels is None:
                continue
            if _is_none_string(labels):
                self.problems.append(NoneString(node.migration, labels))  # still a label, as in alembic
            for value in labels.items:
                label = value.text
                if value.kind != "str":
                    self._dynamic_labels = True  # found while mapping, not by a pass per rule
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
        return self._dynamic_labels

    def _suggest(self, wrong: str, labels: bool = False, exclude: str | None = None) -> str | None:
        """A close revision id (or, where labels are accepted, branch label) for a wrong reference:
        the only candidate `wrong` is a prefix of (or that is a prefix of `wrong`), else difflib's
        closest match at 0.75 (suggest.py answers the same, without a pass over every candidate)."""
        suggester = self._suggesters.get(labels)
        if suggester is None:
            candidates = [*self.nodes, *self.label_owner] if labels else list(self.nodes)
            suggester = self._suggesters[labels] = Suggester(candidates)
        return suggester.suggest(wrong, exclude)

    def _resolve_dependencies(self) -> None:
        for node in self.nodes.values():
            if not node.has_dependencies:
                continue  # none, or `depends_on = ""` below a parent (_edges decided)
            resolved: dict[str, None] = {}  # ordered, and found without a pass over the list
            depends = node.migration.depends_on
            none_string = False
            if depends is not None and _is_none_string(depends):
                none_string = True
                self.problems.append(NoneString(node.migration, depends))
            for value in depends.items if depends is not None else ():
                if value.kind != "str" or value.text == node.id:
                    continue
                target = self.resolve(value.text)
                if target == node.id:
                    self.problems.append(SelfReference(node.migration, value.span, value.text, "label"))
                elif target is None and none_string:
                    pass  # ALM010 says it: meant to be None, not a missing name
                elif target is None:
                    self.problems.append(
                        MissingReference(
                            node.migration,
                            value,
                            "depends_on",
                            self._suggest(value.text, labels=True, exclude=node.id) if value.text else None,
                        )
                    )
                else:
                    resolved[target] = None
            node.resolved_dependencies = tuple(resolved)

    def _link(self) -> None:
        for node in self.nodes.values():
            for parent in node.down:
                target = self.nodes.get(parent)
                if target is not None:
                    if node.id not in target.children:
                        target.children.append(node.id)
                else:
                    node.dangling = True
            self.problems.extend(self._missing_parents(node))
            for dep in node.resolved_dependencies:
                target = self.nodes[dep]
                if node.id not in target.dependents and node.id not in target.children:
                    target.dependents.append(node.id)

    def _missing_parents(self, node: Node) -> list[MissingReference]:
        """The down_revision entries of `node` that name nothing in the graph."""
        found: list[MissingReference] = []
        values: dict[str, Value] | None = None  # the first item of each text (one pass, not one per parent)
        for parent in node.down:
            if parent in self.nodes:
                continue
            if values is None:
                binding = node.migration.down_revision
                values = {v.text: v for v in reversed(binding.items)} if binding else {}
            value = values.get(parent)
            if value is None:
                continue
            is_label = parent in self.label_owner
            suggestion = None if is_label else self._suggest(parent, exclude=node.id)
            found.append(MissingReference(node.migration, value, "down_revision", suggestion, is_label))
        return found

    def _find_heads_and_bases(self) -> None:
        nodes = list(self.nodes.values())
        self.heads = tuple(n.id for n in nodes if not n.children)
        self.real_heads = tuple(n.id for n in nodes if not n.children and not n.dependents)
        self.bases = tuple(n.id for n in nodes if not n.down and not n.unknown_parents and not n.dangling)
        self.real_bases = tuple(n for n in self.bases if not self.nodes[n].has_dependencies)

    def _find_cycles(self) -> None:
        down_edges = self.parents

        def all_edges(nid: str) -> list[str]:
            return [*self.parents(nid), *self.nodes[nid].resolved_dependencies]

        targets = {nid: all_edges(nid) for nid in self.nodes}
        if is_acyclic(targets):  # the usual case, checked in one cheap pass
            return
        in_cycle: set[str] = set()
        for members in strongly_connected(list(self.nodes), down_edges):
            self.problems.append(Cycle(self._in_file_order(members), dependency=False))
            in_cycle.update(members)
        for members in strongly_connected(list(self.nodes), all_edges):
            if not set(members) <= in_cycle:
                self.problems.append(Cycle(self._in_file_order(members), dependency=True))

    def _in_file_order(self, members: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(members, key=lambda nid: self.nodes[nid].order))

    def _find_unknowns(self) -> None:
        """One `Unknown` per computed revision variable, and per recovered file whose
        down_revision, branch_labels or depends_on may be bound after its syntax error."""
        for problem in self.problems_of(DynamicRevision):
            migration, name = problem.migration, problem.binding.name
            revision = None if name == "revision" else _literal_id(migration)
            self.unknowns.append(Unknown(migration.path, problem.binding.span.line, "dynamic", revision, (name,)))
        for failure in self.opaque:
            if isinstance(failure, ParseFailure) and failure.may_be_migration:
                cause = "undecodable" if failure.kind == "decode" else "unread"
                gap = Unknown(failure.path, failure.span.line, cause, None, REVISION_VARIABLES, failure.words)
                self.unknowns.append(gap)
        for migration in self.recovered:
            recovery, revision = migration.recovered, _literal_id(migration)
            missing = tuple(
                name
                for name in REVISION_VARIABLES[1:]
                if migration.binding(name) is None and (recovery is None or recovery.could_name(name))
            )  # a variable the unread part does not even mention cannot be bound there
            if recovery is not None and revision is not None and missing:
                gap = Unknown(migration.path, recovery.span.line, "syntax", revision, missing, recovery.mentions)
                self.unknowns.append(gap)

    def _taint(self) -> None:
        """Revisions on or above a dangling reference, a cycle or an unknown parent (a
        recovered file's unknown down_revision is a gap, not a problem: graph/unknowns.py)."""
        roots = [n.id for n in self.nodes.values() if n.dangling or (n.unknown_parents and not n.unread_parents)]
        for cycle in self.problems_of(Cycle):
            roots.extend(cycle.members)
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
