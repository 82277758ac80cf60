"""The language server's pure parts: positions, noqa edits, settings, completion context,
the session's folder bookkeeping, and the `server` subcommand's argument handling."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import migration_source
from lsp_support import ENV, forked, script_dir, write

from alembic_lint.cli import main
from alembic_lint.diagnostics import Diagnostic
from alembic_lint.discover import VersionFolder, folder_for_file
from alembic_lint.lint import check
from alembic_lint.rules.selection import selected_rules
from alembic_lint.settings import RuleSelection, Settings
from alembic_lint_lsp import navigation
from alembic_lint_lsp.positions import Lines, Position
from alembic_lint_lsp.session import FolderState, Session
from alembic_lint_lsp.settings import ClientSettings, settings_for
from benchmarks.generate import generate

# -- positions ------------------------------------------------------------------------------
TEXT = 'x = "é😀"; y = 1\nplain\r\nlast'


@pytest.mark.parametrize(("encoding", "col"), [("utf-8", 14), ("utf-16", 11), ("utf-32", 10)])
def test_columns_convert_both_ways(encoding: str, col: int) -> None:
    lines = Lines(TEXT, encoding)
    assert lines.to_client(1, 10) == Position(0, col)  # "y" comes after "é😀"
    assert lines.from_client(Position(0, col)) == (1, 10)
    assert lines.to_client(3, 2) == Position(2, 2)
    assert lines.from_client(Position(1, 99)) == (2, 5)  # clamped into the line


def test_a_text_that_did_not_decode_keeps_columns() -> None:
    assert Lines(None, "utf-16").to_client(4, 7) == Position(3, 7)


# -- settings ------------------------------------------------------------------------------
def test_client_settings_merge_key_by_key_over_the_project() -> None:
    first = ClientSettings().merged({"select": ["ALM0"], "ignore": "ALM001, ALM002"})
    assert (first.select, first.ignore, first.extend_select) == (("ALM0",), ("ALM001", "ALM002"), None)
    second = first.merged({"alembic-lint": {"extend-select": ["ALM009"], "select": None}})
    assert (second.select, second.ignore, second.extend_select) == (None, ("ALM001", "ALM002"), ("ALM009",))
    assert second.merged(None) == second
    assert ClientSettings().merged([1]).problems == ("settings must be an object, not [1]",)
    folder = Path("/nonexistent-project/migrations")
    assert settings_for(folder, second) == Settings(overrides=(RuleSelection(None, ("ALM009",), ("ALM001", "ALM002")),))
    assert settings_for(folder, ClientSettings()) == Settings()


def test_the_projects_configuration_applies_under_the_editors_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.alembic-lint]\nignore = ["ALM001"]\nextend-select = ["ALM105"]\n')
    folder = tmp_path / "migrations"
    project = settings_for(folder, ClientSettings())
    assert (project.ignore, project.extend_select, project.config_path) == (
        ("ALM001",),
        ("ALM105",),
        tmp_path / "pyproject.toml",
    )
    codes = {rule.code for rule in selected_rules(settings_for(folder, ClientSettings(ignore=("ALM105",))))}
    assert "ALM001" not in codes and "ALM105" not in codes and "ALM002" in codes
    (tmp_path / "pyproject.toml").write_text("[tool.alembic-lint]\nbogus = 1\n")
    told: list[str] = []
    assert settings_for(folder, ClientSettings(), told.append) == Settings()  # the editor keeps working
    assert told == [f"{tmp_path / 'pyproject.toml'}: unknown key `bogus` in [tool.alembic-lint]"]


def test_the_folders_alembic_ini_names_the_dialect_as_on_the_command_line(tmp_path: Path) -> None:
    ini = tmp_path / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://app@db/app\n")
    folder = VersionFolder(tmp_path / "migrations", (), False, (), ini)
    session = Session(lambda path: settings_for(path, ClientSettings()))
    settings = session.settings_of(FolderState(folder))
    assert settings.dialect == "postgresql"
    assert "ALM301" in {rule.code for rule in selected_rules(settings)}


# -- completion context --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lines", "line", "col", "expected"),
    [
        (['down_revision = "'], 1, 17, ("down_revision", 17, "")),
        (["down_revision: Union[str, None] = 'c3d"], 1, 38, ("down_revision", 35, "c3d")),
        (['depends_on = ("a1", "'], 1, 21, ("depends_on", 21, "")),
        (["down_revision = (", '    "a1",', '    "b'], 3, 6, ("down_revision", 5, "b")),
        (['down_revision = "a1"'], 1, 20, None),  # after the closing quote
        (['revision = "'], 1, 12, None),
        (['x = 1  # down_revision = "'], 1, 26, None),
        (["down_revision = (", '    "a1",', ")", 'x = "'], 4, 5, None),
    ],
)
def test_completion_context(lines: list[str], line: int, col: int, expected: tuple[str, int, str] | None) -> None:
    context = navigation.completion_context(lines, line, col)
    assert (None if context is None else (context.variable, context.start, context.typed)) == expected


# -- folders and the session ---------------------------------------------------------------
def test_folder_for_file_needs_a_real_versions_folder(tmp_path: Path) -> None:
    versions = script_dir(tmp_path / "project")
    a1 = write(versions, "a1", None)
    found = folder_for_file(a1)
    assert found is not None and (found.locations, found.files) == ((versions,), (a1,))
    assert folder_for_file(versions / "new_unsaved.py") == found
    (tmp_path / "loose").mkdir()
    assert folder_for_file(tmp_path / "loose" / "x.py") is None
    assert folder_for_file(versions / "notes.txt") is None


def test_folder_for_file_follows_alembic_ini_version_locations(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "env.py").write_text("")
    elsewhere = tmp_path / "revisions"
    elsewhere.mkdir()
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = %(here)s/db\nversion_locations = %(here)s/revisions\npath_separator = os\n"
    )
    a1 = write(elsewhere, "a1", None)
    found = folder_for_file(a1)
    assert found is not None and (found.root, found.locations) == (tmp_path / "db", (elsewhere,))


def test_session_reports_only_changed_files_and_clears_the_ones_that_became_clean(tmp_path: Path) -> None:
    b2, c3 = forked(tmp_path)
    session = Session(lambda folder: Settings())
    state = session.open(b2, b2.read_text())
    assert state is not None
    first = session.lint(state)
    assert {path: [d.code for d in items] for path, items in first.items()} == {b2: ["ALM001"], c3: ["ALM001"]}
    assert session.lint(state) == {}  # nothing changed

    session.change(c3, c3.read_text().replace("down_revision = 'a1'", "down_revision = 'b2'"))
    assert session.lint(state) == {b2: (), c3: ()}

    session.close(c3)  # back to the disk version: two heads again
    assert set(session.lint(state)) == {b2, c3}


def test_an_edit_keeps_the_graph_and_an_edit_of_down_revision_moves_its_edges(tmp_path: Path) -> None:
    versions = script_dir(tmp_path)
    write(versions, "a1", None)
    b2 = write(versions, "b2", "a1", message="add email", depends_on="zz")  # a problem that stays
    c3 = write(versions, "c3", "a1")
    session = Session(lambda folder: Settings())
    state = session.open(b2, b2.read_text())
    assert state is not None
    session.lint(state)
    graph = state.graph
    assert graph is not None
    edited = b2.read_text().replace("add email", "add an email column").replace("    pass", "    op.f()", 1)
    session.change(b2, edited)
    assert session.lint(state) == {}
    assert state.graph is graph  # not rebuilt...
    migration = state.entries[b2].parsed
    assert graph.nodes["b2"].migration is migration  # ...but pointing at the new parse
    assert [p.migration for p in graph.problems] == [migration]  # type: ignore[union-attr]
    # The same diagnostics as a full check of the same files.
    parsed = [state.entries[path].parsed for path in sorted(state.entries)]
    expected = check(parsed, Settings(), root=state.folder.root)[1]
    found = [d for items in state.diagnostics.values() for d in items]
    assert sorted(found, key=Diagnostic.sort_key) == expected
    assert [d.code for d in expected] == ["ALM001", "ALM006", "ALM001"]
    assert set(state.diagnostics) == {b2, c3}

    session.change(b2, edited.replace("down_revision = 'a1'", "down_revision = 'c3'"))
    assert set(session.lint(state)) == {b2, c3}
    assert [d.code for d in state.diagnostics[b2]] == ["ALM006"] and c3 not in state.diagnostics
    assert state.graph is graph  # down_revision changed: its edges moved, not built again
    assert (state.graphs.built, state.graphs.updated) == (1, 2)
    assert state.graph.heads == ("b2",) and state.graph.nodes["c3"].children == ["b2"]
    assert (state.checker.whole, state.checker.partial) == (1, 2)  # both edits: file by file


def test_session_forgets_a_folder_that_disappears(tmp_path: Path) -> None:
    b2, c3 = forked(tmp_path)
    versions = b2.parent
    session = Session(lambda folder: Settings())
    state = session.open(b2, b2.read_text())
    assert state is not None and set(session.lint(state)) == {b2, c3}
    for path in versions.iterdir():
        path.unlink()
    versions.rmdir()
    session.disk_changed(versions)
    assert session.lint(state) == {b2: (), c3: ()}
    assert session.folders == {}


@pytest.mark.parametrize("how", ["watched", "saved"])
def test_a_changed_template_is_followed(tmp_path: Path, how: str) -> None:
    """The template decides whether a missing downgrade() is reported (ALM101): the session
    checks every file again when it is written, reported by file watching or by a save."""
    versions = script_dir(tmp_path)
    a1 = versions / "a1.py"
    a1.write_text(migration_source("a1", None).split("\n\n\ndef downgrade():")[0] + "\n")
    template = versions.parent / "script.py.mako"
    template.write_text("def upgrade():\n    ${upgrades if upgrades else 'pass'}\n")  # upgrade-only project
    session = Session(lambda folder: Settings())
    state = session.open(a1, a1.read_text())
    assert state is not None and session.lint(state) == {}

    template.write_text(template.read_text() + "\n\ndef downgrade():\n    pass\n")
    if how == "watched":
        assert session.disk_changed(template) == {}
    else:
        assert session.saved(template, rescan=False) is state
    found = session.lint(state)
    expected = check([state.entries[a1].parsed], Settings(), root=state.folder.root)[1]
    assert [d.code for d in expected] == ["ALM101"]
    assert found == {a1: tuple(expected)}


# -- the subcommand ------------------------------------------------------------------------
def test_server_subcommand_rejects_a_bad_tcp_address(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["server", "--tcp", "localhost"]) == 2
    assert capsys.readouterr().err == (
        "alembic-lint: error: --tcp 'localhost': expected HOST:PORT, e.g. 127.0.0.1:2087\n"
    )


def test_server_subcommand_without_pygls_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pygls", None)  # makes `import pygls` fail
    assert main(["server"]) == 2
    assert capsys.readouterr().err == (
        "alembic-lint: error: the language server needs pygls: pip install 'alembic-lint[lsp]'\n"
    )


def test_linting_never_imports_the_server_libraries(tmp_path: Path) -> None:
    versions = script_dir(tmp_path)
    write(versions, "a1", None)
    code = (
        "import sys; from alembic_lint.cli import main; "
        f"main([{str(tmp_path)!r}]); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'alembic_lint_lsp')); "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, check=True)
    assert out.stdout == "[]\n"


HIDE_PYGLS = """
import importlib.util, sys
real = importlib.util.find_spec
def find_spec(name, *args, **kwargs):
    return None if name.split(".")[0] in ("pygls", "lsprotocol", "pytest_lsp") else real(name, *args, **kwargs)
importlib.util.find_spec = find_spec
for name in ("pygls", "lsprotocol", "pytest_lsp"):
    sys.modules[name] = None
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-p", "asyncio", "-rs", sys.argv[1]]))
"""


def test_without_pygls_every_module_of_this_folder_is_skipped_with_the_reason() -> None:
    here = Path(__file__).parent
    modules = sorted(p.name for p in here.glob("test_*.py"))
    env = {**ENV, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    out = subprocess.run(
        [sys.executable, "-c", HIDE_PYGLS, str(here)], capture_output=True, text=True, env=env, cwd=here.parent.parent
    )
    reason = "the language-server tests need lsprotocol, pygls, pytest_lsp (pip install -e '.[test]')"
    summary = [line for line in out.stdout.splitlines() if line.startswith("SKIPPED")]
    assert (summary, out.returncode) == (
        [f"SKIPPED [{len(modules)}] tests/lsp/conftest.py:18: {reason}"],
        pytest.ExitCode.NO_TESTS_COLLECTED,  # skipped while collecting, so nothing ran: not an error
    ), out.stdout + out.stderr


def test_a_folder_read_through_the_command_lines_cache_gives_the_same_diagnostics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    """Opening a file of a folder the command line has linted reads the folder's facts from
    the CLI's cache, not by parsing every file; the diagnostics are the same either way."""
    monkeypatch.delenv("ALEMBIC_LINT_NO_CACHE", raising=False)
    root = tmp_path / "project"
    generate(root, 40, heads=2, seed=5)
    files = sorted((root / "migrations" / "versions").iterdir())
    newest, names = files[-1], {path.name for path in files}

    def opened() -> dict[Path, tuple[Diagnostic, ...]]:
        session = Session(lambda folder: Settings())
        state = session.open(newest, newest.read_text())
        assert state is not None
        session.lint(state)
        return state.diagnostics

    monkeypatch.setenv("ALEMBIC_LINT_NO_CACHE", "1")
    without = opened()
    assert len([name for name in parses if name in names]) == 40  # the buffer, then every other file
    monkeypatch.delenv("ALEMBIC_LINT_NO_CACHE")
    assert main([str(root)], io.StringIO(), io.StringIO()) == 1  # the command line leaves its cache
    parses.clear()
    assert opened() == without
    assert [name for name in parses if name in names] == [newest.name]  # the others came from the cache
    assert sorted({d.code for items in without.values() for d in items}) == ["ALM001", "ALM301"]


def test_a_folder_the_command_line_checked_is_published_from_its_verdict_then_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    """Opening a file of a folder the command line has checked, unchanged since, publishes the
    diagnostics its cache holds (a check of exactly those files) before reading any file; the
    next lint reads the folder and finds the same. A buffer unlike the file on disk, or a file
    changed since, is checked the usual way."""
    monkeypatch.delenv("ALEMBIC_LINT_NO_CACHE", raising=False)
    root = tmp_path / "project"
    generate(root, 40, heads=2, seed=5)
    files = sorted((root / "migrations" / "versions").iterdir())
    newest, names = files[-1], {path.name for path in files}

    def session_for(text: str) -> tuple[Session, FolderState]:
        session = Session(lambda folder: Settings())
        state = session.open(newest, text)
        assert state is not None
        return session, state

    monkeypatch.setenv("ALEMBIC_LINT_NO_CACHE", "1")
    session, state = session_for(newest.read_text())
    list(session.lint_dirty(defer=True))
    full = dict(state.diagnostics)  # without a cache: read and checked
    assert not state.pending and sorted({d.code for items in full.values() for d in items}) == ["ALM001", "ALM301"]
    monkeypatch.delenv("ALEMBIC_LINT_NO_CACHE")
    assert main([str(root)], io.StringIO(), io.StringIO()) == 1  # the command line leaves its cache
    parses.clear()
    session, state = session_for(newest.read_text())
    published: dict[Path, tuple[Diagnostic, ...]] = {}
    for changed, touched in session.lint_dirty(defer=True):
        published.update(changed)
        assert touched == [newest]
    assert (state.pending, state.graph, published, state.diagnostics) == (True, None, full, full)
    assert [name for name in parses if name in names] == [newest.name]  # the buffer only
    assert session.pending()
    assert list(session.lint_dirty()) == [({}, [])]  # read now (through the cache): the same
    assert (state.pending, session.pending(), state.diagnostics) == (False, False, full)
    assert state.graph is not None and len(state.graph.nodes) == 40

    edited = newest.read_text() + "\n"
    session, state = session_for(edited)  # unsaved: the verdict is not about this text
    list(session.lint_dirty(defer=True))
    assert not state.pending and state.graph is not None and state.diagnostics == full
    newest.write_text(edited)  # saved: the verdict is about the file before
    session, state = session_for(edited)
    list(session.lint_dirty(defer=True))
    assert not state.pending and state.graph is not None and state.diagnostics == full
    # Only a folder read for the first time: after a save (the folder listed again), a file
    # changed on disk is read, whatever verdict the command line left since.
    other = files[0]
    other.write_text(other.read_text() + "\n\ndef upgrade():\n    pass\n")  # its upgrade() is now empty
    assert main([str(root)], io.StringIO(), io.StringIO()) == 1
    session.saved(newest, rescan=True)
    list(session.lint_dirty(defer=True))
    assert not state.pending
    list(session.lint_dirty())
    monkeypatch.setenv("ALEMBIC_LINT_NO_CACHE", "1")
    fresh, fresh_state = session_for(newest.read_text())
    list(fresh.lint_dirty())
    assert state.diagnostics == fresh_state.diagnostics != full
