"""Our graph must agree with alembic's own `RevisionMap` (and `ScriptDirectory`).

Hypothesis generates small revision graphs (branches, merges as tuples and lists,
labels, depends_on, duplicates, dangling references, cycles, illegal ids), writes
them as real migration files, and compares what alembic-lint finds with what
alembic says about the same revisions: heads, bases, real heads/bases, labels,
and every error kind alembic raises.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from alembic_oracle import (
    AlembicHangs,
    MissingReference,
    Revision,
    RevisionMap,
    Spec,
    ask_alembic,
    compare,
    revision_module,
    write_folder,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alembic_lint.graph import RevisionGraph
from alembic_lint.lint import parse_files

IDS = ["a1", "b2", "c3", "d4", "e5", "f6", "g7", "ab12cd"]
LABELS = ["feat", "expand", "contract"]


def _ref(draw: st.DrawFn, earlier: list[str]) -> str:
    options = earlier * 3 + IDS + ["zz9", "", "feat", "ab12"]  # mostly earlier ids; some missing/labels/prefixes
    return draw(st.sampled_from(options))


@st.composite
def graphs(draw: st.DrawFn, allow_errors: bool = True) -> list[Spec]:
    count = draw(st.integers(min_value=1, max_value=7))
    pool = IDS + (["x-y", "q@1"] if allow_errors else [])
    if allow_errors:
        ids = [draw(st.sampled_from(pool)) for _ in range(count)]
    else:
        ids = draw(st.lists(st.sampled_from(IDS), min_size=count, max_size=count, unique=True))
    specs: list[Spec] = []
    for index, revision in enumerate(ids):
        earlier = ids[:index]
        kind = draw(st.sampled_from(["base", "one", "one", "one", "merge-tuple", "merge-list", "empty-tuple"]))
        if kind.startswith("merge") and len(set(earlier)) < 2:
            kind = "one"
        if kind == "base" or not earlier:
            down: object = None
        elif kind == "empty-tuple":
            down = ()
        elif kind == "one":
            down = _ref(draw, earlier) if allow_errors else draw(st.sampled_from(earlier))
        else:
            parent_pool = earlier * 3 + (["zz9", ids[-1]] if allow_errors else [])
            parents = draw(st.lists(st.sampled_from(parent_pool), min_size=2, max_size=3, unique=True))
            down = tuple(parents) if kind == "merge-tuple" else list(parents)
        labels: object = None
        if draw(st.integers(0, 4)) == 0:
            label_pool = LABELS + (IDS[:2] if allow_errors else [])
            chosen = draw(st.lists(st.sampled_from(label_pool), min_size=1, max_size=2, unique=True))
            labels = chosen[0] if len(chosen) == 1 and draw(st.booleans()) else tuple(chosen)
        depends: object = None
        if earlier and draw(st.integers(0, 4)) == 0:
            dep_pool = earlier + ([*LABELS, "zz9"] if allow_errors else [])
            chosen = draw(st.lists(st.sampled_from(dep_pool), min_size=1, max_size=2, unique=True))
            depends = chosen[0] if len(chosen) == 1 else tuple(chosen)
        elif draw(st.integers(0, 9)) == 0:
            depends = draw(st.sampled_from([(), "", [""]]))  # all three mean no dependency to alembic (invenio)
        specs.append(Spec(revision, down, labels, depends))
    return specs


def our_graph(paths: list[Path]) -> RevisionGraph:
    return RevisionGraph.build(parse_files(paths))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=graphs())
def test_graph_agrees_with_revision_map(tmp_path: Path, specs: list[Spec]) -> None:
    paths = write_folder(tmp_path / "versions", specs)
    compare(specs, our_graph(paths), ask_alembic(specs))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=graphs(allow_errors=False))
def test_valid_graphs_agree_with_revision_map(tmp_path: Path, specs: list[Spec]) -> None:
    paths = write_folder(tmp_path / "versions", specs)
    oracle = ask_alembic(specs)
    graph = our_graph(paths)
    compare(specs, graph, oracle)


_counter = iter(range(10**9))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=graphs(allow_errors=False))
def test_valid_graphs_agree_with_script_directory(tmp_path: Path, specs: list[Spec]) -> None:
    """alembic's real loader (it imports every file) sees the same heads and bases as we do."""
    script_module = pytest.importorskip("alembic.script")
    folder = tmp_path / f"case{next(_counter)}"  # fresh folder: no stale bytecode between examples
    paths = write_folder(folder / "versions", specs)
    graph = our_graph(paths)
    if graph.problems:
        return  # cycles among valid-looking specs: covered by the RevisionMap test
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        script = script_module.ScriptDirectory(str(folder))
        assert set(script.get_heads()) == set(graph.heads)
        assert set(script.get_bases()) == set(graph.bases)


def _specs(*rows: tuple) -> list[Spec]:
    return [Spec(*row, *(None,) * (4 - len(row))) for row in rows]


# Every error kind alembic raises while building its map, and the code we report for it.
ERROR_KINDS = [
    ("LoopDetected", _specs(("a1", "a1")), "ALM008"),
    ("DependencyLoopDetected", _specs(("a1", None), ("b2", "a1", None, "b2")), "ALM008"),
    ("illegal characters", _specs(("a-1", None)), "ALM008"),
    ("duplicate id warning", _specs(("a1", None), ("a1", None)), "ALM003"),
    ("missing down_revision", _specs(("a1", None), ("b2", "zz9")), "ALM002"),
    ("empty down_revision", _specs(("a1", None), ("b2", "")), "ALM002"),
    ("label as down_revision", _specs(("a1", None, "feat"), ("b2", "feat")), "ALM002"),
    ("unknown depends_on", _specs(("a1", None), ("b2", "a1", None, "zz9")), "ALM006"),
    ('depends_on = "" on a base', _specs(("a1", None, None, "")), "ALM006"),
    ("label used twice", _specs(("a1", None, "feat"), ("b2", "a1", "feat")), "ALM007"),
    ("label equals an id", _specs(("a1", None), ("b2", "a1", "a1")), "ALM007"),
    ("CycleDetected", _specs(("a1", None), ("b2", ("a1", "c3")), ("c3", "b2")), "ALM004"),
    ("DependencyCycleDetected", _specs(("a1", None), ("b2", "a1", None, "c3"), ("c3", "b2")), "ALM004"),
]


@pytest.mark.parametrize(("kind", "specs", "code"), ERROR_KINDS, ids=[k for k, _, _ in ERROR_KINDS])
def test_every_alembic_error_kind_maps_to_one_code(tmp_path: Path, kind: str, specs: list[Spec], code: str) -> None:
    from alembic_lint.lint import check
    from alembic_lint.settings import Settings

    oracle = ask_alembic(specs)
    assert oracle.error is not None or oracle.duplicates, f"alembic accepted {kind}"
    # Graph rules only: these files have no upgrade()/downgrade() (ALM101/ALM103 would fire).
    _, diagnostics = check(parse_files(write_folder(tmp_path / "versions", specs)), Settings(select=("ALM0",)))
    assert {d.code for d in diagnostics} == {code}


def test_multiple_heads_is_what_makes_alembic_upgrade_head_fail(tmp_path: Path) -> None:
    from alembic_lint.lint import check
    from alembic_lint.settings import Settings

    specs = _specs(("a1", None), ("b2", "a1"), ("c3", "a1"))
    oracle = ask_alembic(specs)
    assert oracle.heads == ("b2", "c3")
    revisions = [Revision(s.revision, s.down_revision) for s in specs]
    with pytest.raises(revision_module.MultipleHeads):
        RevisionMap(lambda: revisions).get_current_head()
    _, diagnostics = check(parse_files(write_folder(tmp_path / "versions", specs)), Settings(select=("ALM0",)))
    assert [(d.code, d.path.name) for d in diagnostics] == [("ALM001", "001_b2.py"), ("ALM001", "002_c3.py")]


def test_a_down_revision_naming_its_own_label_is_one_missing_reference(tmp_path: Path) -> None:
    """alembic reports this as a cycle (the label resolves to the revision itself); we say why."""
    specs = _specs(("e5", None, "feat"), ("a1", "b2", ("b2", "contract")))
    oracle = ask_alembic(specs)
    assert isinstance(oracle.error, revision_module.CycleDetected)
    graph = our_graph(write_folder(tmp_path / "versions", specs))
    [problem] = graph.problems
    assert isinstance(problem, MissingReference)
    assert (problem.kind, problem.value.text, problem.is_label) == ("down_revision", "b2", True)


def test_a_graph_alembic_loops_on_is_reported(tmp_path: Path) -> None:
    """Found by hypothesis (it hung the suite): the overwritten copy of a duplicated id revises
    its own branch label. alembic never returns; we drop the overwritten copy and report the duplicate."""
    specs = _specs(("b2", None), ("b2", "a1", ("a1",)), ("b2", None))
    assert isinstance(ask_alembic(specs).error, AlembicHangs)
    graph = our_graph(write_folder(tmp_path / "versions", specs))
    assert [(type(p).__name__, p.revision) for p in graph.problems] == [("DuplicateRevision", "b2")]


def test_an_empty_depends_on_is_nothing_below_a_parent_and_breaks_alembic_on_a_base(tmp_path: Path) -> None:
    """invenio's migrations say `depends_on = ""`: alembic ignores it below a parent; on a base it
    still makes the base no real base, and alembic fails."""
    from alembic_lint.lint import check
    from alembic_lint.settings import Settings

    below = _specs(("a1", None), ("b2", "a1", None, ""), ("c3", "b2", None, [""]))
    assert ask_alembic(below).error is None
    _, diagnostics = check(parse_files(write_folder(tmp_path / "below", below)), Settings(select=("ALM0",)))
    assert diagnostics == []
    on_base = _specs(("a1", None, None, ""))
    assert isinstance(ask_alembic(on_base).error, revision_module.DependencyCycleDetected)
    _, diagnostics = check(parse_files(write_folder(tmp_path / "base", on_base)), Settings(select=("ALM0",)))
    assert [(d.code, d.path.name, d.span.line, d.span.col, d.message) for d in diagnostics] == [
        (
            "ALM006",
            "000_a1.py",
            5,
            13,
            "depends_on '' names no revision or branch label; on a base alembic then fails with "
            '"Dependency cycle is detected": write depends_on = None',
        )
    ]
