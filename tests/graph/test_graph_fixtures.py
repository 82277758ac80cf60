"""Fixture folders with the exact CLI transcript beside them, one per graph rule plus clean ones
(tests/transcripts.py runs them; see there for the format and how to rewrite them).

A second test loads every folder with alembic itself: the broken ones must break alembic
too (with the error the rule explains), and for the ones alembic loads, its heads, bases,
labels, files and `alembic history` must be ours.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from transcripts import FIXTURES as ALL_FIXTURES
from transcripts import cases, expected, run_case

from alembic_lint.cli import main
from alembic_lint.discover import discover
from alembic_lint.graph import RevisionGraph
from alembic_lint.lint import parse_files
from alembic_lint.rules import RULES, GraphRule

# The oracle reads config keys (path_separator, [tool.alembic]) that alembic 1.16 added.
ALEMBIC_ORACLE = "1.16"
FIXTURES = ALL_FIXTURES / "graph"
CASES = cases("graph")


@pytest.mark.parametrize("case", CASES)
def test_fixture_output(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)  # restored afterwards; run_case moves into the case folder
    want, actual = run_case("graph", case)
    assert actual == want


def test_every_graph_rule_has_a_fixture_and_reports_only_its_code() -> None:
    """One root cause, one finding; other findings only where a broken file leaves them in
    doubt, saying so ("held back: ...")."""
    codes = {case[:6].upper() for case in CASES if case.startswith("alm")}
    assert codes == {rule.code for rule in RULES if isinstance(rule, GraphRule) and rule.code.startswith("ALM0")}
    for case in CASES:
        transcript = expected("graph", case)
        if case.startswith("clean_"):
            assert (transcript.codes, transcript.exit_code) == (set(), 0), case
            continue
        code = case[:6].upper()
        assert code in transcript.codes, case
        others = [line for line in transcript.stdout.splitlines() if f": {code} " not in line]
        assert all("(held back: " in line for line in others), case


# -- alembic as the oracle ----------------------------------------------------------
@dataclass(frozen=True)
class Loads:
    config: str | None = None  # an alembic.ini to load; None: versions/ read recursively
    flask: bool = False  # Flask-Migrate sets script_location to the ini's folder
    labels: tuple[tuple[str, str], ...] = ()  # dynamic label source -> the value it has at runtime


@dataclass(frozen=True)
class Raises:
    error: str
    message: str | tuple[str, ...]  # alembic iterates sets: which problem it meets first varies
    config: str | None = None
    flask: bool = False


ORACLE: dict[str, Loads | Raises] = {
    "clean_linear": Loads("alembic.ini"),
    "clean_empty_depends_on": Loads("alembic.ini"),  # invenio's depends_on = "": no dependency, as in alembic
    "clean_flask_merges": Loads("migrations/alembic.ini", flask=True),
    "clean_expand_contract": Loads("alembic.ini"),
    "clean_neutron_dynamic_labels": Loads(
        "neutron/db/migration/alembic.ini",
        labels=(("cli.EXPAND_BRANCH", "expand"), ("cli.CONTRACT_BRANCH", "contract")),
    ),
    "clean_galaxy_gxy_tsi": Loads("lib/galaxy/model/migrations/alembic.ini"),
    "alm010_airflow_none_label": Loads("airflow/alembic.ini"),
    "alm000_syntax_error": Raises("SyntaxError", "invalid syntax (c7e9a1b3d5f4_add_phone.py, line 14)"),
    "alm011_undecodable": Raises("SyntaxError", "(unicode error) 'utf-8' codec can't decode byte 0xe9"),
    "alm011_bad_cookie": Raises("SyntaxError", "unknown encoding: uft-8"),
    "alm001_two_heads": Loads("alembic.ini"),
    "alm001_one_labelled_branch": Loads(),
    "alm002_typo_suggestion": Raises("KeyError", "'7a6b5c4d3e2'"),
    "alm002_branch_label": Raises("KeyError", "'search'"),
    "alm002_no_suggestion": Raises("KeyError", "'e0f1a2b3c4d5'", "alembic.ini"),
    "alm003_duplicate": Loads(),  # with a warning and a ghost head, checked below
    "alm004_cycle": Raises(
        "CycleDetected", "Cycle is detected in revisions (4d5e6f7a8b9c, 8c9d0e1f2a3b)", "alembic.ini"
    ),
    # alembic also names the base below the cycle: nothing is a real head, so it lists every revision.
    "alm004_dependency_cycle": Raises(
        "DependencyCycleDetected",
        "Dependency cycle is detected in revisions (e1f2a3b4c5d6, a3b4c5d6e7f8, f2a3b4c5d6e7)",
    ),
    "alm005_two_bases": Loads(),
    "alm006_missing_dependency": Raises("KeyError", ("'expnad'", "'9f8e7d6c5b4a'")),
    "alm007_label_twice": Raises(
        "RevisionError",
        (
            "Branch name 'billing' in revision 7c8d9e0f1a2b already used by revision 6b7c8d9e0f1a",
            "Branch name 'billing' in revision 6b7c8d9e0f1a already used by revision 7c8d9e0f1a2b",
        ),
        "alembic.ini",
    ),
    "alm007_label_is_revision_id": Raises(
        "RevisionError", "Branch name 'reporting' in revision audit already used by revision reporting"
    ),
    "alm008_missing_revision": Raises("CommandError", "Could not determine revision id from filename utils.py."),
    "alm008_missing_down_revision": Raises("AttributeError", "has no attribute 'down_revision'"),
    "alm008_illegal_characters": Raises(
        "RevisionError", "Character(s) '-' not allowed in revision identifier '2024-05-01'"
    ),
    "alm008_self_reference": Raises("LoopDetected", "Self-loop is detected in revisions (bb11cc22dd33)"),
    "alm008_not_a_string": Raises("TypeError", "'int' object is not iterable"),
    # The folder imports the application (`helpdesk`): alembic cannot even load it here.
    "alm009_dynamic": Raises("ModuleNotFoundError", "No module named 'helpdesk'"),
}


def test_every_fixture_has_an_oracle_entry() -> None:
    assert sorted(ORACLE) == CASES


@pytest.fixture
def isolated_imports(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """alembic executes the fixture files: write no bytecode beside them, and leave sys.path
    (alembic prepends `prepend_sys_path`) and sys.modules as they were."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if not name.startswith(("alembic", "sqlalchemy", "mako")):
            del sys.modules[name]


def _script_directory(case: Path, spec: Loads | Raises):  # type: ignore[no-untyped-def]
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    if spec.config:
        config = Config(str(case / spec.config))
        if spec.flask:
            config.set_main_option("script_location", str((case / spec.config).parent))
        return ScriptDirectory.from_config(config)
    return ScriptDirectory(str(case), version_locations=[str(case / "versions")], recursive_version_locations=True)


def _our_graph(case: Path) -> tuple[list[Path], RevisionGraph]:
    (folder,) = discover([case])
    return list(folder.files), RevisionGraph.build(parse_files(folder.files))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.usefixtures("isolated_imports")
def test_alembic_agrees(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("alembic", minversion=ALEMBIC_ORACLE)
    folder = FIXTURES / case
    spec = ORACLE[case]
    monkeypatch.syspath_prepend(str(folder))  # the neutron stand-in package
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        script_dir = _script_directory(folder, spec)
        if isinstance(spec, Raises):
            with pytest.raises(Exception) as info:  # the type is checked by name below
                script_dir.revision_map.heads  # noqa: B018 - builds the map
            assert type(info.value).__name__ == spec.error
            messages = (spec.message,) if isinstance(spec.message, str) else spec.message
            assert any(message in str(info.value) for message in messages), str(info.value)
            return
        scripts = list(script_dir.walk_revisions())
        revision_map = script_dir.revision_map
    files, graph = _our_graph(folder)
    assert sorted(str(p.resolve()) for p in files) == sorted(
        str(Path(path).resolve()) for path in _loaded_paths(script_dir)
    )
    assert set(graph.heads) == set(revision_map.heads)
    assert set(graph.real_heads) == set(revision_map._real_heads)
    assert set(graph.bases) == set(revision_map.bases)
    runtime = dict(spec.labels)
    ours = {rev: sorted(runtime.get(label, label) for label in labels) for rev, labels in graph.labels.items()}
    assert ours == {script.revision: sorted(script.branch_labels) for script in scripts}
    if case == "alm003_duplicate":
        assert revision_map.heads == ("2b3c4d5e6f7a", "2b3c4d5e6f7a")  # the ghost head ALM003 explains
        assert [str(w.message) for w in caught] == ["Revision 2b3c4d5e6f7a is present more than once"]
    if case == "clean_galaxy_gxy_tsi":  # the deprecated separator key is still honoured
        assert [str(w.message) for w in caught] == [
            "The version_path_separator configuration parameter is deprecated; please use path_separator"
        ]


def _loaded_paths(script_dir) -> list[str]:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [script.path for script in script_dir._load_revisions()]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            marks=pytest.mark.xfail(
                strict=True,
                reason="the labels are dynamic: alembic prints the constant's value (`expand`), which only "
                "importing the migration can know; we print its source text (`cli.EXPAND_BRANCH`)",
            ),
        )
        if case == "clean_neutron_dynamic_labels"
        else case
        for case in CASES
        if isinstance(ORACLE[case], Loads)
    ],
)
@pytest.mark.usefixtures("isolated_imports")
def test_graph_text_is_alembic_history(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("alembic", minversion=ALEMBIC_ORACLE)
    folder = FIXTURES / case
    monkeypatch.syspath_prepend(str(folder))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        script_dir = _script_directory(folder, ORACLE[case])
        history = "".join(
            script.cmd_format(False, include_branches=True, include_doc=True, include_parents=True) + "\n"
            for script in script_dir.walk_revisions()
        )
    monkeypatch.chdir(folder)
    out, err = StringIO(), StringIO()
    assert main(["graph"], out, err) == 0
    assert (out.getvalue(), err.getvalue()) == (history, "")
