"""The VS Code extension's launcher (editors/vscode/bundled/tool/alembic_lint_server.py) picks which
alembic-lint to import by `alembic-lint.importStrategy`; the end-to-end test runs it with a bare Python."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from editors_support import ENV, WORKTREE

LAUNCHER = WORKTREE / "editors" / "vscode" / "bundled" / "tool" / "alembic_lint_server.py"


@pytest.fixture
def launcher(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("alembic_lint_server", LAUNCHER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "LIBS", str(tmp_path / "libs"))
    monkeypatch.setattr(sys, "path", list(sys.path))
    return module


def test_libs_are_beside_the_tool_folder() -> None:
    spec = importlib.util.spec_from_file_location("launcher_as_shipped", LAUNCHER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert Path(module.LIBS) == LAUNCHER.parent.parent / "libs"


def test_from_environment_keeps_the_installed_server_first(launcher: ModuleType) -> None:
    assert importlib.util.find_spec("alembic_lint_lsp") is not None  # this test environment has it
    assert launcher.choose_path("fromEnvironment") == "the environment's"
    assert sys.path[-1] == launcher.LIBS and launcher.LIBS not in sys.path[:-1]


def test_from_environment_without_the_server_uses_the_bundled_one(
    launcher: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launcher.importlib.util, "find_spec", lambda name: None)
    assert launcher.choose_path("fromEnvironment") == "the bundled"
    assert sys.path[0] == launcher.LIBS


def test_use_bundled_goes_first_whatever_is_installed(launcher: ModuleType) -> None:
    assert launcher.choose_path("useBundled") == "the bundled"
    assert sys.path[0] == launcher.LIBS


def test_it_runs_the_server_command_and_says_which_alembic_lint() -> None:
    done = subprocess.run(
        [sys.executable, str(LAUNCHER), "--help"],
        env={**ENV, "ALEMBIC_LINT_IMPORT_STRATEGY": "fromEnvironment"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: alembic-lint server ")
    package = WORKTREE / "alembic_lint"
    assert done.stderr.startswith("alembic-lint server: the environment's alembic-lint ")
    assert f"({package}), Python {sys.version.split()[0]} ({sys.executable})\n" in done.stderr
