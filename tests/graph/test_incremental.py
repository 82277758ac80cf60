"""The language server's graph (graph/incremental.py) equals a full build after any edits:
random folders (merges, missing references, depends_on, branch labels, duplicates, broken
and dynamic files) and random edit sequences, compared part by part with
`RevisionGraph.build` after every edit."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alembic_lint.graph import RevisionGraph, history
from alembic_lint.graph.incremental import GraphKeeper
from alembic_lint.parse import Parsed, parse_migration

FOLDER = Path("/project/versions")


def state(graph: RevisionGraph) -> dict[str, object]:
    """Everything a rule can read of a graph."""
    return {
        "nodes": [
            (
                nid,
                n.id,
                n.migration,
                n.order,
                n.down,
                n.depends_on,
                n.declared_labels,
                n.unknown_parents,
                n.has_dependencies,
                n.resolved_dependencies,
                n.children,
                n.dependents,
                n.dangling,
            )
            for nid, n in graph.nodes.items()
        ],
        "problems": graph.problems,
        "opaque": graph.opaque,
        "recovered": graph.recovered,
        "unknowns": graph.unknowns,
        "labels": graph.labels,
        "label_owner": graph.label_owner,
        "heads": (graph.heads, graph.real_heads),
        "bases": (graph.bases, graph.real_bases),
        "tainted": graph.tainted,
        "history": [n.id for n in history(graph)],
        "failures": graph.failures(),
    }


def text(revision: str, down: str, extra: str = "", body: str = "pass") -> str:
    return (
        f'"""m\n\nRevision ID: {revision}\n"""\nfrom alembic import op\n\n'
        f"revision = {revision!r}\ndown_revision = {down}\n{extra}\n\n"
        f"def upgrade():\n    {body}\n\n\ndef downgrade():\n    pass\n"
    )


IDS = [f"r{i}" for i in range(8)]
downs = st.one_of(
    st.just("None"),
    st.sampled_from(IDS).map(repr),
    st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)).map(repr),
    st.sampled_from(["'missing'", "'r1x'", "compute()", "'r0'  # noqa: ALM002"]),
)
extras = st.sampled_from(
    [
        "",
        "",
        "",
        "branch_labels = ('feature',)",
        "depends_on = 'r2'",
        "depends_on = ('r9',)",
        "depends_on = ''",
        "branch_labels = None",
    ]
)
bodies = st.sampled_from(["pass", "op.drop_column('t', 'c')", "op.create_index('ix', 't', ['a'])"])


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str, str, str]:
    revision = draw(st.sampled_from(IDS))
    return revision, draw(downs), draw(extras), draw(bodies)


def source(file: tuple[str, str, str, str], broken: bool = False) -> str:
    written = text(*file)
    return written.replace("def downgrade():", "def downgrade(:") if broken else written


@st.composite
def edits(draw: st.DrawFn, size: int) -> tuple[int, str, tuple[str, str, str, str]]:
    index = draw(st.integers(0, size - 1))
    kind = draw(st.sampled_from(["down", "down", "down", "body", "revision", "extra", "break"]))
    return index, kind, draw(files())


def parse_all(sources: list[str]) -> list[Parsed]:
    return [parse_migration(FOLDER / f"{i:03d}_m.py", s) for i, s in enumerate(sources)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_kept_graph_equals_a_build_after_every_edit(data: st.DataObject) -> None:
    folder = data.draw(st.lists(files(), min_size=1, max_size=9))
    current = [list(f) for f in folder]
    broken = [False] * len(folder)
    parsed = parse_all([source(tuple(f), b) for f, b in zip(current, broken, strict=True)])  # type: ignore[arg-type]
    keeper, told = GraphKeeper(), GraphKeeper()  # `told` is given the edited position
    graph, _ = keeper.graph_for(parsed)
    assert state(graph) == state(RevisionGraph.build(parsed)) == state(told.graph_for(parsed, [])[0])
    for index, kind, drawn in data.draw(st.lists(edits(len(folder)), max_size=12)):
        file = current[index]
        if kind == "down":
            file[1] = drawn[1]
        elif kind == "body":
            file[3] = drawn[3]
        elif kind == "revision":
            file[0] = drawn[0]
        elif kind == "extra":
            file[2] = drawn[2]
        else:
            broken[index] = not broken[index]
        parsed = list(parsed)
        parsed[index] = parse_migration(parsed[index].path, source(tuple(file), broken[index]))  # type: ignore[arg-type]
        graph, _ = keeper.graph_for(parsed)
        assert state(graph) == state(RevisionGraph.build(parsed)) == state(told.graph_for(parsed, [index])[0])


def chain(size: int) -> list[str]:
    return [text(f"r{i}", repr(f"r{i - 1}") if i else "None") for i in range(size)]


def test_a_down_revision_edit_moves_edges_instead_of_building() -> None:
    sources = chain(6)
    parsed = parse_all(sources)
    keeper = GraphKeeper()
    keeper.graph_for(parsed)
    for down in ["'r1'", "'nothing'", "('r2', 'r4')", "None", "'r4'"]:
        parsed = list(parsed)
        parsed[5] = parse_migration(parsed[5].path, text("r5", down))
        graph, moved = keeper.graph_for(parsed)
        assert moved
        assert state(graph) == state(RevisionGraph.build(parsed))
    parsed = list(parsed)
    parsed[5] = parse_migration(parsed[5].path, text("r5", "'r4'", body="op.drop_column('t', 'c')"))
    graph, moved = keeper.graph_for(parsed)  # typing in upgrade(): the same edges
    assert not moved
    assert state(graph) == state(RevisionGraph.build(parsed))
    assert (keeper.built, keeper.updated) == (1, 6)
    parsed = list(parsed)
    parsed[2] = parse_migration(parsed[2].path, text("r2", "'r4'"))  # closes a cycle: built again
    graph, moved = keeper.graph_for(parsed)
    assert moved and keeper.built == 2
    assert state(graph) == state(RevisionGraph.build(parsed))


def test_history_of_a_revision_naming_its_parent_twice_ends() -> None:
    """`down_revision = ("r0", "r0")` once made two heads of r0 that each waited for the other
    (found by the test above: graph/order.py looped for ever)."""
    graph = RevisionGraph.build(parse_all([text("r0", "None"), text("r1", "('r0', 'r0')"), text("r2", "'r1'")]))
    assert [node.id for node in history(graph)] == ["r2", "r1", "r0"]
