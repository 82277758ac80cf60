"""Every front-end lints what the one plan says: `check`, `graph`, the pytest plugin and the
language server's session agree on `exclude`, on `version-locations` naming several graphs,
and on a versions folder that only an alembic.ini sits beside."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from helpers import migration_source, tree

from alembic_lint.cli import main

pytest_plugins = ["pytester"]
PLUGIN = "alembic_lint.pytest_plugin"


def run(*argv: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    code = main(["--no-cache", *argv], out, err)
    return out.getvalue(), err.getvalue(), code


def session_codes(path: Path) -> dict[str, list[str]] | None:
    """What the language server's session reports for the graph of a buffer (None: not linted)."""
    pytest.importorskip("pygls")
    from alembic_lint_lsp.session import Session
    from alembic_lint_lsp.settings import ClientSettings, settings_for

    session = Session(lambda where: settings_for(where, ClientSettings()))
    state = session.open(path, path.read_text())
    if state is None:
        return None
    session.lint(state)
    return {
        p.name if p.parent == path.parent else str(p): [d.code for d in items] for p, items in state.diagnostics.items()
    }


# -- exclude ---------------------------------------------------------------------------------
EXCLUDED = {
    "pyproject.toml": '[tool.alembic-lint]\nexclude = ["versions/3c_two.py"]\n',
    "versions/1a_base.py": migration_source("1a"),
    "versions/2b_one.py": migration_source("2b", "1a"),
    "versions/3c_two.py": migration_source("3c", "1a"),  # a second head, excluded
}


def test_exclude_is_honoured_by_check_graph_and_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, EXCLUDED)
    monkeypatch.chdir(tmp_path)
    assert run() == ("", "All checks passed (2 files).\n", 0)
    assert run("graph") == ("1a -> 2b (head), a migration\n<base> -> 1a, a migration\n", "", 0)
    assert session_codes(tmp_path / "versions/2b_one.py") == {}
    assert session_codes(tmp_path / "versions/3c_two.py") is None


def test_exclude_is_honoured_by_the_pytest_plugin(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    tree(pytester.path, EXCLUDED)
    result = pytester.runpytest("-p", PLUGIN, "--alembic-lint")
    result.assert_outcomes(passed=1)


# -- version-locations naming several graphs ----------------------------------------------------
def dialects(config: str) -> dict[str, str]:
    return {
        "pyproject.toml": f"[tool.alembic-lint]\nselect = ['ALM0']\n{config}\n",
        "db/versions/postgresql/a1_initial.py": migration_source("a1"),
        "db/versions/postgresql/b2_shared.py": migration_source("b2", "a1"),
        "db/versions/sqlite/s1_initial.py": migration_source("s1"),
        "db/versions/sqlite/b2_shared.py": migration_source("b2", "s1"),  # the same id in the other graph
    }


NAMED = '[tool.alembic-lint.version-locations]\npostgresql = "db/versions/postgresql"\nsqlite = ["db/versions/sqlite"]'


def test_named_graphs_are_linted_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, dialects(NAMED))
    monkeypatch.chdir(tmp_path)
    assert run() == ("", "All checks passed (4 files).\n", 0)  # no ALM003 across graphs
    assert run("graph")[1:] == (
        f"alembic-lint: error: .: holds 2 revision graphs ({tmp_path / 'db/versions/postgresql'} (postgresql), "
        f"{tmp_path / 'db/versions/sqlite'} (sqlite)); pass one of them\n",
        2,
    )
    assert run("graph", "db/versions/sqlite") == ("s1 -> b2 (head), a migration\n<base> -> s1, a migration\n", "", 0)
    assert session_codes(tmp_path / "db/versions/sqlite/b2_shared.py") == {}
    # The array form is one graph, as before: now the ids collide.
    tree(tmp_path, dialects('version-locations = ["db/versions/postgresql", "db/versions/sqlite"]'))
    out, _, code = run()
    assert (sorted({line.split(": ")[1][:6] for line in out.splitlines()}), code) == (["ALM001", "ALM003", "ALM005"], 1)
    by_file: dict[str, list[str]] = {}
    for line in out.splitlines():  # the command line's findings, as the session keys them
        where, rest = line.split(": ", 1)
        path = tmp_path / where.split(":")[0]
        key = path.name if path.parent.name == "sqlite" else str(path)
        by_file.setdefault(key, []).append(rest.split(" ")[0])
    assert session_codes(tmp_path / "db/versions/sqlite/b2_shared.py") == by_file


def test_named_graphs_in_the_pytest_plugin(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    tree(pytester.path, dialects(NAMED))
    result = pytester.runpytest("-p", PLUGIN, "--alembic-lint", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "db/versions/postgresql[[]postgresql[]]::alembic-lint PASSED*",
            "db/versions/sqlite[[]sqlite[]]::alembic-lint PASSED*",
        ]
    )


def test_a_broken_alembic_ini_is_a_failing_item_and_the_rest_is_checked(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    tree(
        pytester.path,
        {
            "api/alembic.ini": "[alembic]\nscript_location = %(here)s/missing\n",
            "worker/migrations/env.py": "",
            "worker/migrations/versions/a1.py": migration_source("a1"),
        },
    )
    result = pytester.runpytest("-p", PLUGIN, "--alembic-lint")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [f"api/alembic.ini:2:1: ALM012 script_location '{pytester.path}/api/missing' names no folder"]
    )


# -- a versions folder with only an alembic.ini beside it -----------------------------------------
def test_a_versions_folder_beside_an_alembic_ini_without_env_py(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(
        tmp_path,
        {
            "alembic.ini": "[alembic]\nsqlalchemy.url = sqlite://\n",  # alembic itself would say: no script_location
            "versions/3c_first.py": migration_source("3c"),
            "versions/4d_second.py": migration_source("4d", "3c"),
            "versions/5e_third.py": migration_source("5e", "3c"),
        },
    )
    monkeypatch.chdir(tmp_path)
    no_location = "ALM012 no 'script_location' key found in configuration; alembic cannot find the migrations"
    out, err, code = run("versions/5e_third.py")  # linted by its layout, and the configuration says why
    assert ([line.split(": ")[1][:6] for line in out.splitlines()], err, code) == (
        ["ALM012", "ALM001"],
        "Found 2 problems in 2 files: 2 errors (1 ALM001, 1 ALM012).\n",
        1,
    )
    assert out.splitlines()[0] == f"alembic.ini:1:1: {no_location}"
    assert session_codes(tmp_path / "versions/5e_third.py") == {
        "4d_second.py": ["ALM001"],
        "5e_third.py": ["ALM001"],
        str(tmp_path / "alembic.ini"): ["ALM012"],  # the editor shows why the folder is read by its layout
    }
    assert run()[0].splitlines()[0] == f"alembic.ini:1:1: {no_location}"
