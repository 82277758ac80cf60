"""ALM010: `branch_labels` / `depends_on` written as the string "None"."""

from __future__ import annotations

from pathlib import Path

from alembic_lint.diagnostics import Edit, Fix, Span
from alembic_lint.graph import RevisionGraph
from alembic_lint.lint import check
from alembic_lint.parse import parse_migration
from alembic_lint.settings import Settings


def lint(*sources: str) -> list[tuple[str, str, Span, str]]:
    parsed = [parse_migration(Path(f"/p/versions/{i}.py"), text) for i, text in enumerate(sources)]
    _, diagnostics = check(parsed, Settings(select=("ALM0",)))
    return [(d.path.name, d.code, d.span, d.message) for d in diagnostics]


BASE = 'revision = "a1"\ndown_revision = None\n'


def test_branch_labels_string_none_is_reported_once_with_a_safe_fix() -> None:
    source = 'revision = "b2"\ndown_revision = "a1"\nbranch_labels: str | None = "None"\ndepends_on = None\n'
    assert lint(BASE, source) == [
        (
            "1.py",
            "ALM010",
            Span(3, 28, 3, 34),
            '`branch_labels` is the string "None": alembic reads it as a branch named "None" that every revision '
            "above it is on; write None, without quotes",
        )
    ]
    parsed = [parse_migration(Path("/p/versions/0.py"), BASE), parse_migration(Path("/p/versions/1.py"), source)]
    _, [diagnostic] = check(parsed, Settings(select=("ALM010",)))
    assert diagnostic.severity == "error"
    assert diagnostic.fix == Fix('Replace "None" with None', (Edit(Span(3, 28, 3, 34), "None"),), "safe")


def test_it_is_a_label_as_alembic_says_and_the_graph_keeps_it() -> None:
    source = 'revision = "b2"\ndown_revision = "a1"\nbranch_labels = "None"\n'
    graph = RevisionGraph.build([parse_migration(Path("0.py"), BASE), parse_migration(Path("1.py"), source)])
    assert graph.labels == {"a1": frozenset({"None"}), "b2": frozenset({"None"})}


def test_depends_on_string_none_is_alm010_not_a_missing_dependency() -> None:
    source = "revision = 'b2'\ndown_revision = 'a1'\ndepends_on = 'None'\n"
    assert lint(BASE, source) == [
        (
            "1.py",
            "ALM010",
            Span(3, 13, 3, 19),
            '`depends_on` is the string "None": alembic reads it as the name of a revision or branch label "None"; '
            "write None, without quotes",
        )
    ]


def test_none_itself_and_none_inside_a_tuple_are_not_reported() -> None:
    assert lint(BASE, 'revision = "b2"\ndown_revision = "a1"\nbranch_labels = None\ndepends_on = ()\n') == []
    labelled = 'revision = "b2"\ndown_revision = "a1"\nbranch_labels = ("None",)\n'
    assert lint(BASE, labelled) == []  # a tuple spells a label on purpose
