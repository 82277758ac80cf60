"""alembic's own `RevisionMap` as the oracle for our graph (tests/graph/test_differential.py,
tests/robustness/test_graph_fuzz.py): revision specs, written as migration files, and the
comparison of what alembic says with what alembic-lint finds."""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import stop_after

from alembic_lint.graph import (
    Cycle,
    DuplicateRevision,
    InvalidRevision,
    LabelConflict,
    MissingReference,
    NoneString,
    RevisionGraph,
    SelfReference,
)

revision_module = pytest.importorskip("alembic.script.revision", reason="alembic is the oracle (test extra)")
Revision = revision_module.Revision
RevisionMap = revision_module.RevisionMap


@dataclass(frozen=True)
class Spec:
    revision: str
    down_revision: object
    branch_labels: object
    depends_on: object


def source(index: int, spec: Spec) -> str:
    """A migration file declaring the spec's four variables."""
    return (
        f'"""revision {index}"""\n'
        f"revision = {spec.revision!r}\n"
        f"down_revision = {spec.down_revision!r}\n"
        f"branch_labels = {spec.branch_labels!r}\n"
        f"depends_on = {spec.depends_on!r}\n"
    )


def file_name(index: int, spec: Spec) -> str:
    return f"{index:03d}_{spec.revision.replace('@', '_')}.py"


def write_folder(folder: Path, specs: list[Spec]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.py"):
        old.unlink()
    paths = []
    for index, spec in enumerate(specs):
        path = folder / file_name(index, spec)
        path.write_text(source(index, spec))
        paths.append(path)
    return paths


@dataclass
class Oracle:
    """What alembic says: the first error it stops at, or the graph's shape."""

    error: BaseException | None
    duplicates: set[str]
    missing_warned: str | None
    heads: tuple[str, ...] = ()
    real_heads: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    real_bases: tuple[str, ...] = ()
    revision_map: dict | None = None


class AlembicHangs(Exception):
    """alembic did not finish building its map (see `hang_guard`)."""


def hang_guard(seconds: float = 5.0) -> AbstractContextManager[None]:
    """alembic's `_add_branches` walks down `map_[parent.down_revision]` with no visited set.
    When a down_revision names a label that resolves back to the same revision (reachable
    when a duplicated id hides it from the cycle check), alembic loops forever; stop it."""
    return stop_after(seconds, AlembicHangs)


def ask_alembic(specs: list[Spec]) -> Oracle:
    with warnings.catch_warnings(record=True) as caught, hang_guard():
        warnings.simplefilter("always")
        try:
            revisions = [
                Revision(s.revision, s.down_revision, dependencies=s.depends_on, branch_labels=s.branch_labels)
                for s in specs
            ]
            revision_map = RevisionMap(lambda: revisions)
            heads = revision_map.heads
            oracle = Oracle(
                None,
                set(),
                None,
                heads,
                revision_map._real_heads,
                revision_map.bases,
                revision_map._real_bases,
                revision_map._revision_map,
            )
        except (revision_module.RevisionError, KeyError, AlembicHangs) as exc:
            oracle = Oracle(exc, set(), None)
    for warning in caught:
        text = str(warning.message)
        if text.endswith("is present more than once"):
            oracle.duplicates.add(text.split()[1])
        elif "referenced from" in text:
            oracle.missing_warned = text[len("Revision ") : text.index(" referenced from")]
    return oracle


def problems(graph: RevisionGraph, kind: type) -> list:
    return [p for p in graph.problems if isinstance(p, kind)]


def compare(specs: list[Spec], graph: RevisionGraph, oracle: Oracle) -> None:
    # The string "None" (ALM010) is a mistake alembic accepts as a name: a label None, and a
    # depends_on that finds it. No error of its map, then.
    accepted = graph.resolve("None") is not None
    errors = [
        p
        for p in graph.problems
        if not isinstance(p, DuplicateRevision)
        and not (isinstance(p, NoneString) and (p.binding.name == "branch_labels" or accepted))
    ]
    error = oracle.error
    if isinstance(error, (revision_module.LoopDetected, revision_module.DependencyLoopDetected)) or (
        error is not None and "not allowed in revision identifier" in str(error)
    ):
        # Raised by Revision() for one file, before any map exists.
        assert problems(graph, InvalidRevision), (error, graph.problems)
        return
    assert {p.revision for p in problems(graph, DuplicateRevision)} == oracle.duplicates
    if isinstance(error, AlembicHangs):
        assert graph.problems, "alembic loops forever on this graph, we report nothing"
        return
    if oracle.duplicates:
        # alembic keeps the overwritten copy of a duplicated id as a "ghost" that still adds a head,
        # registers its labels and resolves its depends_on, in set order (so runs differ). We drop
        # the copy and report ALM003 for both files; beyond that, compare only what is well defined.
        return
    if error is None:
        # A revision that depends on its own branch label depends on itself (ALM008). alembic
        # only sees it when its cycle check happens to (found by tests/robustness/test_graph_fuzz.py).
        # Its dependency-cycle check is by reachability from the heads and bases: other heads can
        # hide a real cycle (found by the fuzzing too). Accept ours when the specs' edges close it.
        missed = [
            p
            for p in errors
            if (isinstance(p, SelfReference) and p.via == "label")
            or (isinstance(p, Cycle) and _closed(specs, p.members))
        ]
        assert [p for p in errors if p not in missed] == [], f"alembic accepts this graph, we report {errors}"
        if not missed:  # with a cycle alembic missed, its heads and labels mean little
            compare_shape(graph, oracle)
        return
    assert errors, f"alembic fails with {error!r}, we report nothing"
    if isinstance(error, revision_module.RevisionError) and "Branch name" in str(error):
        label = str(error).split("'")[1]
        assert label in {p.label for p in problems(graph, LabelConflict)}, (error, graph.problems)
    elif isinstance(error, (revision_module.CycleDetected, revision_module.DependencyCycleDetected)):
        cycles = problems(graph, Cycle)
        named = {r.strip() for r in str(error).split("(", 1)[1].rstrip(")").split(",")}
        # Cycles alembic did not name must be real ones (its check can miss some; see above).
        assert all(_closed(specs, c.members) for c in cycles if not set(c.members) <= named), (error, cycles)
        if any(set(c.members) <= named for c in cycles):
            return
        self_dependent = [p for p in problems(graph, SelfReference) if p.via != "down_revision"]
        label_parents = [p for p in problems(graph, MissingReference) if p.is_label]
        # A base with depends_on = "" is no real base to alembic, though it depends on nothing.
        empty_on_base = [p for p in problems(graph, MissingReference) if p.kind == "depends_on" and not p.value.text]
        # A revision that depends on its own label is ALM008; a down_revision naming a label (its
        # own, so alembic sees a loop) is ALM002.
        assert self_dependent or label_parents or empty_on_base, (error, graph.problems)
    elif "broken map" in str(error):
        # A down_revision that names a branch label, met while walking ancestors.
        assert [p for p in problems(graph, MissingReference) if p.is_label], (error, graph.problems)
    elif isinstance(error, KeyError):
        key = error.args[0]
        missing = {(p.kind, p.value.text) for p in problems(graph, MissingReference)}
        # depends_on = "None" with no label None: ALM010 says it, instead of ALM006.
        missing |= {("depends_on", "None") for p in problems(graph, NoneString) if p.binding.name == "depends_on"}
        if oracle.missing_warned is not None:
            assert ("down_revision", oracle.missing_warned) in missing, (error, graph.problems)
        else:  # an unknown depends_on entry, or a down_revision naming a branch label
            assert ("depends_on", key) in missing or ("down_revision", key) in missing, (error, graph.problems)
    else:  # pragma: no cover - a new alembic error kind must be mapped to a code
        raise AssertionError(f"unmapped alembic error {error!r}")


def _closed(specs: list[Spec], members: tuple[str, ...]) -> bool:
    """True when, along the specs' own down_revision and depends_on edges (an entry naming a
    label goes to the revision that declares it), each member leads to every other one."""
    ids = {spec.revision for spec in specs}
    owner: dict[str, str] = {}
    for spec in specs:
        for label in _tuple(spec.branch_labels):
            owner.setdefault(label, spec.revision)
    edges = {
        spec.revision: [
            *_tuple(spec.down_revision),
            *(d if d in ids else owner.get(d, d) for d in _tuple(spec.depends_on)),
        ]
        for spec in specs
    }
    inside = set(members)
    for start in members:
        seen, todo = set(), [start]
        while todo:
            for parent in edges.get(todo.pop(), ()):
                if parent in inside and parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        if seen != inside:
            return False
    return True


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)  # type: ignore[call-overload]


def compare_shape(graph: RevisionGraph, oracle: Oracle) -> None:
    revision_map = oracle.revision_map
    assert revision_map is not None

    assert graph.heads == oracle.heads
    assert graph.real_heads == oracle.real_heads
    assert graph.bases == oracle.bases
    assert graph.real_bases == oracle.real_bases
    revisions = [rev for key, rev in revision_map.items() if rev is not None and key == rev.revision]
    assert set(graph.branch_points) == {rev.revision for rev in revisions if rev.is_branch_point}
    assert set(graph.merge_points) == {rev.revision for rev in revisions if rev.is_merge_point}
    if labels_are_deterministic(revision_map):
        for revision_id in graph.nodes:
            assert graph.labels[revision_id] == frozenset(revision_map[revision_id].branch_labels), revision_id


def labels_are_deterministic(revision_map: dict) -> bool:
    """alembic spreads labels in set order; compare only where that order cannot matter:
    below every labelled revision the descendants form a single chain."""
    revisions = {r for r in revision_map.values() if r is not None}
    for rev in revisions:
        if not rev._orig_branch_labels:
            continue
        todo = [rev]
        while todo:
            node = todo.pop()
            if len(node.nextrev) > 1:
                return False
            todo.extend(revision_map[n] for n in node.nextrev)
    return True
