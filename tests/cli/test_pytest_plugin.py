"""The pytest plugin, run in a nested pytest session with pytester."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from helpers import migration_source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

pytest_plugins = ["pytester"]

ROOT = Path(__file__).parent.parent.parent
PLUGIN = "alembic_lint.pytest_plugin"
HEADS = (
    "migrations/versions/b2.py:11:12: ALM001 revision 'b2' is a head alongside 'c3': `alembic upgrade head` "
    "will fail; set down_revision to the latest head or run `alembic merge heads`",
    "migrations/versions/c3.py:11:12: ALM001 revision 'c3' is a head alongside 'b2': `alembic upgrade head` "
    "will fail; set down_revision to the latest head or run `alembic merge heads`",
)


def write_project(root: Path, folder: str = "migrations", heads: int = 2) -> None:
    """A Flask-Migrate-style script directory with a chain and `heads` heads."""
    versions = root / folder / "versions"
    versions.mkdir(parents=True)
    (root / folder / "env.py").write_text("")
    (root / folder / "script.py.mako").write_text("")
    (versions / "a1.py").write_text(migration_source("a1", None))
    for name in ("b2", "c3")[:heads]:
        (versions / f"{name}.py").write_text(migration_source(name, "a1"))


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project with one passing test and a migrations folder with two heads.

    Plugin autoloading is off in the nested session, so it runs the same whether or
    not alembic-lint is installed; the plugin is loaded with `-p` instead."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile(test_app="def test_app():\n    pass\n")
    write_project(pytester.path)
    return pytester


def failure_text(result: pytest.RunResult, title: str) -> list[str]:
    """The lines of one failure section, between its title bar and the next bar."""
    lines = result.stdout.lines
    start = next(n for n, line in enumerate(lines) if line.strip("_ ") == title and line.startswith("_"))
    end = next(n for n in range(start + 1, len(lines)) if lines[n].startswith(("_", "=")))
    return lines[start + 1 : end]


def test_off_unless_enabled(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=1)
    assert "alembic-lint" not in result.stdout.str()


def test_command_line_option_adds_a_failing_item_with_the_findings(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", PLUGIN, "--alembic-lint")
    result.assert_outcomes(passed=1, failed=1)
    assert failure_text(result, "migrations alembic-lint") == list(HEADS)
    assert any(line.startswith("FAILED migrations::alembic-lint - ") for line in result.stdout.lines)


def test_ini_option_enables_it_and_a_clean_folder_passes(project: pytest.Pytester) -> None:
    (project.path / "migrations" / "versions" / "c3.py").unlink()
    project.makeini("[pytest]\nalembic_lint = true\n")
    result = project.runpytest("-p", PLUGIN, "-v")
    result.assert_outcomes(passed=2)
    assert "migrations::alembic-lint PASSED" in " ".join(result.stdout.lines)


def test_one_item_per_folder_and_k_selects_them(project: pytest.Pytester) -> None:
    write_project(project.path / "services", "billing", heads=1)
    project.makeini("[pytest]\nalembic_lint = true\nalembic_lint_paths = migrations services/billing\n")
    result = project.runpytest("-p", PLUGIN, "--collect-only", "-q", "-k", "alembic")
    assert result.stdout.lines[:2] == ["migrations::alembic-lint", "services/billing::alembic-lint"]
    result = project.runpytest("-p", PLUGIN, "-k", "alembic")
    result.assert_outcomes(passed=1, failed=1, deselected=1)


def test_a_discovery_error_is_one_failing_item(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeini("[pytest]\nalembic_lint = true\nalembic_lint_paths = nowhere\n")
    result = pytester.runpytest("-p", PLUGIN)
    result.assert_outcomes(failed=1)
    assert failure_text(result, "alembic-lint") == [f"{pytester.path / 'nowhere'}: no such file or directory"]


def test_importing_the_plugin_is_cheap() -> None:
    code = (
        "import sys, alembic_lint.pytest_plugin\n"
        "heavy = ('alembic_lint.lint', 'alembic_lint.rules', 'alembic', 'sqlalchemy', 'libcst', 'pygls')\n"
        "print(sorted(m for m in sys.modules if m in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_entry_point_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["entry-points"]["pytest11"] == {"alembic-lint": PLUGIN}


def _installed_entry_point() -> bool:
    return any(ep.value == PLUGIN for ep in metadata.entry_points(group="pytest11"))


@pytest.mark.skipif(not _installed_entry_point(), reason="alembic-lint is not installed, so pytest cannot find it")
def test_installed_plugin_loads_through_its_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_app="def test_app():\n    pass\n")
    write_project(pytester.path)
    result = pytester.runpytest_subprocess("--alembic-lint", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    # Every installed plugin is loaded, pytest-lsp among them (the test extras), whose runtest wrapper
    # crashed on items without fixtures ("did not yield"): the failure is the findings, nothing else.
    assert failure_text(result, "migrations alembic-lint") == list(HEADS)


@pytest.mark.skipif(not _installed_entry_point(), reason="alembic-lint is not installed, so pytest cannot find it")
def test_the_plugin_runs_beside_pytest_lsp(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_lsp")
    pytester.makepyfile(test_app="def test_app():\n    pass\n")
    write_project(pytester.path, heads=1)
    result = pytester.runpytest_subprocess("--alembic-lint", "-p", "no:cacheprovider", "-v")  # pytest-lsp autoloaded
    result.assert_outcomes(passed=2)
    assert "migrations::alembic-lint PASSED" in result.stdout.str()


def test_pyproject_configuration_from_the_readme(project: pytest.Pytester) -> None:
    project.makepyprojecttoml('[tool.pytest.ini_options]\nalembic_lint = true\nalembic_lint_paths = ["migrations"]\n')
    result = project.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=1, failed=1)
    assert failure_text(result, "migrations alembic-lint") == list(HEADS)


def test_the_project_configuration_applies(project: pytest.Pytester) -> None:
    project.makepyprojecttoml(
        '[tool.pytest.ini_options]\nalembic_lint = true\n\n[tool.alembic-lint]\nignore = ["multiple-heads"]\n'
    )
    project.runpytest("-p", PLUGIN).assert_outcomes(passed=2)
    (project.path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nalembic_lint = true\n\n[tool.alembic-lint]\nignroe = ["ALM001"]\n'
    )
    result = project.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=1, failed=1)
    assert failure_text(result, "migrations alembic-lint") == [
        f"{project.path / 'pyproject.toml'}: unknown key `ignroe` in [tool.alembic-lint]; did you mean `ignore`?"
    ]


def test_a_since_no_graph_holds_fails_every_folder_as_the_command_line_does(project: pytest.Pytester) -> None:
    write_project(project.path / "services", "billing", heads=1)
    project.makeini("[pytest]\nalembic_lint = true\nalembic_lint_paths = migrations services/billing\n")
    (project.path / "pyproject.toml").write_text('[tool.alembic-lint]\nsince = "nope"\n')
    result = project.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=1, failed=2)
    message = [f"{project.path / 'pyproject.toml'}: `since`: no revision 'nope' in the revision graphs checked"]
    assert failure_text(result, "migrations alembic-lint") == message
    assert failure_text(result, "services/billing alembic-lint") == message


def test_a_since_of_another_folder_is_no_error(project: pytest.Pytester) -> None:
    """`since = "c3"` keeps the file findings of c3 on in its folder, and says nothing about a
    folder without c3: all of its findings are reported, as the command line does."""
    write_project(project.path / "services", "billing", heads=1)
    template = "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
    for folder, name, down in (
        ("migrations", "a1", None),
        ("migrations", "c3", "a1"),
        ("services/billing", "a1", None),
    ):
        (project.path / folder / "script.py.mako").write_text(template)
        no_downgrade = migration_source(name, down).split("\n\n\ndef downgrade():")[0] + "\n"
        (project.path / folder / "versions" / f"{name}.py").write_text(no_downgrade)
    project.makeini("[pytest]\nalembic_lint = true\nalembic_lint_paths = migrations services/billing\n")
    (project.path / "pyproject.toml").write_text('[tool.alembic-lint]\nsince = "c3"\n')
    result = project.runpytest("-p", PLUGIN, "-k", "alembic")
    result.assert_outcomes(failed=2, deselected=1)
    missing = (
        "ALM101 migration has no downgrade(): `alembic downgrade` through it fails; write one that reverses "
        'upgrade(), or `raise NotImplementedError("...")` if it cannot be undone'
    )
    assert failure_text(result, "migrations alembic-lint") == [
        HEADS[0],
        f"migrations/versions/c3.py:11:1: {missing}",
        HEADS[1],
    ]
    assert failure_text(result, "services/billing alembic-lint") == [f"services/billing/versions/a1.py:11:1: {missing}"]
