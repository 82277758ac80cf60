"""Differential fuzzing of the graph against alembic's `RevisionMap`, at scale and with the odd
forms real projects use (ids that are not hex, 8-13 characters or names, the string "None",
`depends_on = ()`, labels on several revisions of a branch, `depends_on` naming a label),
including files with syntax errors.

Files are parsed from text (no disk), so a CI run tries a few thousand graphs in well under a
minute. Three properties:
- every graph: the same verdict as alembic (tests/alembic_oracle.py's `compare`);
- a file broken after its revision variables changes no graph finding;
- a file broken right after `revision` (its other variables unread): every finding that is
  not held back also holds once the file is fixed: held-back findings are the only doubtful ones.
"""

from __future__ import annotations

from pathlib import Path

from alembic_oracle import Spec, ask_alembic, compare, file_name, source
from fuzz import at_most, fuzz
from hypothesis import given
from hypothesis import strategies as st

from alembic_lint.graph import RevisionGraph
from alembic_lint.lint import check
from alembic_lint.parse import Migration, parse_migration
from alembic_lint.settings import Settings

FOLDER = Path("/fuzz/versions")
# Ids real projects use (docs: alembic-semantics.md, section 8), plus a few that collide or break.
IDS = [
    "ae1027a6acf", "1b2c3d4e5f6g", "x2s8ocx6rto6", "Ibac91d24da2", "47147121", "kilo", "liberty",
    "django_0050", "2024_1_expand01", "start_neutron_vpnaas", "a1b2c3d4e5f6a", "0d7c9a2b1e44", "None",
]  # fmt: skip
LABELS = ["expand", "contract", "gxy", "None", "kilo"]  # "kilo" is also an id: a conflict alembic refuses
GRAPH_RULES = Settings(select=("ALM0",))


@st.composite
def odd_graphs(draw: st.DrawFn, size: int = 9) -> list[Spec]:
    count = draw(st.integers(min_value=1, max_value=size))
    ids = draw(st.lists(st.sampled_from(IDS), min_size=count, max_size=count, unique=draw(st.booleans())))
    specs: list[Spec] = []
    for index, revision in enumerate(ids):
        earlier = ids[:index]
        shape = draw(st.sampled_from(["base", "one", "one", "one", "one", "merge", "empty-tuple", "missing"]))
        down: object
        if shape == "base" or not earlier:
            down = None
        elif shape == "empty-tuple":
            down = ()
        elif shape == "missing":
            down = draw(st.sampled_from(["zz9", "expand", "None", revision]))
        elif shape == "merge" and len(set(earlier)) > 1:
            parents = draw(st.lists(st.sampled_from(earlier), min_size=2, max_size=3, unique=True))
            down = tuple(parents) if draw(st.booleans()) else parents
        else:
            down = draw(st.sampled_from(earlier))
        labels: object = None
        if draw(st.integers(0, 3)) == 0:  # labels on several revisions of one branch, too
            chosen = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=2, unique=True))
            labels = chosen[0] if len(chosen) == 1 and draw(st.booleans()) else tuple(chosen)
        depends: object = None
        roll = draw(st.integers(0, 5))
        if roll == 0 and earlier:
            chosen = draw(st.lists(st.sampled_from(earlier + LABELS), min_size=1, max_size=2, unique=True))
            depends = chosen[0] if len(chosen) == 1 else tuple(chosen)
        elif roll == 1:
            depends = draw(st.sampled_from([(), [], "None"]))
        specs.append(Spec(revision, down, labels, depends))
    return specs


def parsed(specs: list[Spec], broken: dict[int, str] | None = None) -> list[Migration]:
    """The specs as files read from text; `broken` maps an index to how that file breaks."""
    out = []
    for index, spec in enumerate(specs):
        text = source(index, spec)
        how = (broken or {}).get(index)
        if how == "late":  # after all four variables
            text += "\n\ndef upgrade(:\n    pass\n"
        elif how == "early":  # right after `revision`: a merge conflict left in the file
            head, rest = text.split("down_revision", 1)
            text = head + "<<<<<<< HEAD\ndown_revision" + rest + "=======\n>>>>>>> other\n"
        result = parse_migration(FOLDER / file_name(index, spec), text)
        assert isinstance(result, Migration), result
        out.append(result)
    return out


def findings(files: list[Migration]) -> list[tuple[str, str, object, str]]:
    _, diagnostics = check(files, GRAPH_RULES, root=FOLDER)
    return [(d.path.name, d.code, d.span, d.message) for d in diagnostics if d.code != "ALM000"]


@fuzz(1500, deadline_seconds=20)
@given(odd_graphs())
def test_odd_graphs_agree_with_revision_map(specs: list[Spec]) -> None:
    with at_most(60):
        compare(specs, RevisionGraph.build(parsed(specs)), ask_alembic(specs))


@fuzz(500, deadline_seconds=20)
@given(odd_graphs(), st.data())
def test_a_file_broken_after_its_variables_changes_no_finding(specs: list[Spec], data: st.DataObject) -> None:
    chosen = data.draw(st.sets(st.integers(0, len(specs) - 1), min_size=1))
    broken = parsed(specs, dict.fromkeys(chosen, "late"))
    assert all(m.recovered is not None for i, m in enumerate(broken) if i in chosen)
    assert findings(broken) == findings(parsed(specs))
    compare(specs, RevisionGraph.build(broken), ask_alembic(specs))


@fuzz(700, deadline_seconds=20)
@given(odd_graphs(), st.data())
def test_what_a_broken_file_does_not_hold_back_holds_once_it_is_fixed(specs: list[Spec], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(specs) - 1))
    broken = findings(parsed(specs, {index: "early"}))
    fixed = {_where(*f) for f in findings(parsed(specs))}
    definite = [f for f in broken if "(held back: " not in f[3]]
    assert [f for f in definite if _where(*f) not in fixed] == []


def _where(path: str, code: str, span: object, message: str) -> tuple[str, str, object]:
    """What must persist: the finding on that value; for a cycle, that the revision is in one
    (fixing a file can close a wider cycle, reported at down_revision instead of depends_on)."""
    return (path, code, None if code == "ALM004" else span)
