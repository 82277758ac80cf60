"""The graph algorithms on plain ids (alembic_lint/graph/algorithms.py)."""

from __future__ import annotations

from alembic_lint.graph.algorithms import is_acyclic, strongly_connected, walk

EDGES = {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}


def test_walk_visits_each_id_once_last_successor_first() -> None:
    assert list(walk(["a"], EDGES.__getitem__)) == ["a", "c", "d", "b"]
    assert list(walk(["b", "c"], EDGES.__getitem__)) == ["c", "d", "b"]


def test_is_acyclic() -> None:
    assert is_acyclic(EDGES)
    assert is_acyclic({})
    assert not is_acyclic({"a": ["b"], "b": ["a"]})
    assert not is_acyclic({"a": ["a"]})
    assert not is_acyclic({"x": ["a"], "a": ["b"], "b": ["c"], "c": ["a"]})


def test_strongly_connected_returns_only_real_cycles() -> None:
    assert strongly_connected(list(EDGES), EDGES.__getitem__) == []
    edges = {"x": ["a"], "a": ["b"], "b": ["c"], "c": ["a"], "d": ["e"], "e": ["d"]}
    found = strongly_connected(list(edges), edges.__getitem__)
    assert sorted(sorted(component) for component in found) == [["a", "b", "c"], ["d", "e"]]


def test_strongly_connected_is_iterative() -> None:
    chain = {str(i): [str(i + 1)] for i in range(20_000)}
    chain["20000"] = ["0"]  # one cycle through 20,001 ids: far deeper than the recursion limit
    [component] = strongly_connected(list(chain), chain.__getitem__)
    assert len(component) == 20_001
