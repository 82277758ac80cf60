"""The benchmark's generated folders are valid for alembic, varied, and deterministic."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from alembic_lint.discover import discover
from alembic_lint.graph import RevisionGraph
from alembic_lint.lint import parse_files
from benchmarks.generate import generate, plan


def test_the_plan_has_every_shape_alembic_histories_have() -> None:
    history = plan(400, heads=3, seed=0)
    downs = [r.down for r in history.revisions]
    assert sum(1 for d in downs if isinstance(d, tuple) and len(d) == 2) > 0
    assert sum(1 for d in downs if isinstance(d, tuple) and len(d) == 3) > 0
    assert sum(1 for d in downs if isinstance(d, list)) > 0
    assert [r.labels for r in history.revisions if r.labels] == [("branch_1",), ("branch_2",)]
    deps = [d for r in history.revisions for d in r.depends_on]
    assert any(d.startswith("branch_") for d in deps) and any(not d.startswith("branch_") for d in deps)
    assert plan(400, heads=3, seed=0) == history
    assert plan(400, heads=3, seed=1) != history


def test_generated_files_are_deterministic(tmp_path: Path) -> None:
    generate(tmp_path / "a", 40, seed=5)
    generate(tmp_path / "b", 40, seed=5)
    files_a = sorted((tmp_path / "a").rglob("*"))
    files_b = sorted((tmp_path / "b").rglob("*"))
    assert [p.relative_to(tmp_path / "a") for p in files_a] == [p.relative_to(tmp_path / "b") for p in files_b]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(files_a, files_b, strict=True) if a.is_file())
    texts = [p.read_text() for p in (tmp_path / "a" / "migrations" / "versions").iterdir()]
    assert any("\nrevision: str = " in t for t in texts) and any("\nrevision = " in t for t in texts)
    assert any("down_revision: str | None" in t for t in texts)
    assert any("coding: utf-8" in t for t in texts)
    assert 700 < sum(map(len, texts)) / len(texts) < 1300


def test_alembic_agrees_with_our_heads_on_a_generated_folder(tmp_path: Path) -> None:
    script = pytest.importorskip("alembic.script", reason="alembic is the oracle")
    history = generate(tmp_path / "p", 120, heads=3, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a duplicate id or a missing reference would warn
        revision_map = script.ScriptDirectory(str(tmp_path / "p" / "migrations")).revision_map
        heads, real_heads, bases = revision_map.heads, revision_map._real_heads, revision_map.bases
    (folder,) = discover([tmp_path / "p"])
    graph = RevisionGraph.build(parse_files(folder.files))
    assert not graph.problems
    assert sorted(graph.heads) == sorted(heads) == sorted(history.heads)
    assert sorted(graph.real_heads) == sorted(real_heads)
    assert sorted(graph.bases) == sorted(bases)
    labels = {rev: frozenset(revision_map.get_revision(rev).branch_labels) for rev in graph.nodes}
    assert graph.labels == labels
