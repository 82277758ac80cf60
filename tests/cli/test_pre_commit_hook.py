"""The pre-commit hook definition: its structure always, and a real `pre-commit try-repo`
run when pre-commit and git are available."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import copy_checkout

ROOT = Path(__file__).parent.parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
# What pip prints when it cannot reach the package index to install hatchling.
OFFLINE = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "No matching distribution found",
    "Could not find a version that satisfies the requirement",
)


def test_hook_definition_structure() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML (installed with pre-commit) is needed to read the manifest")
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert hooks == [
        {
            "id": "alembic-lint",
            "name": "alembic-lint",
            "description": "Check Alembic migration folders (multiple heads, dangling down_revision, ...) "
            "without importing them.",
            "entry": "alembic-lint",
            "language": "python",
            "pass_filenames": False,
            "types_or": ["python", "ini", "toml"],
            "require_serial": True,
            "minimum_pre_commit_version": "2.9.0",
        }
    ]


def test_hook_definition_passes_pre_commits_own_validation() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is not installed")
    (hook,) = clientlib.load_manifest(str(MANIFEST))
    assert (hook["id"], hook["language"], hook["pass_filenames"]) == ("alembic-lint", "python", False)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _snapshot(target: Path) -> None:
    """This worktree's files (committed or not, minus ignored ones) as a new git repository."""
    copy_checkout(target)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "snapshot")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout: no file list to snapshot")
def test_try_repo_runs_the_hook_on_a_project(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is not installed")
    hook_repo, project = tmp_path / "hook", tmp_path / "project"
    hook_repo.mkdir()
    _snapshot(hook_repo)
    shutil.copytree(ROOT / "examples" / "shop", project)
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("PRE_COMMIT", None)

    def try_repo() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "alembic-lint", "--all-files"]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)

    done = try_repo()
    output = done.stdout + done.stderr
    if done.returncode != 0 and any(marker in output for marker in OFFLINE):
        pytest.skip("pre-commit try-repo installs the hook with pip, which needs the package index; it is offline")
    assert done.returncode == 1, output
    v = "migrations/versions"
    for line in (
        f"{v}/3c4d5e6f7a8b_add_email_to_users.py:15:17: ALM001 revision '3c4d5e6f7a8b' is a head alongside "
        "'4d5e6f7a8b9c': `alembic upgrade head` will fail; set down_revision to the latest head or run "
        "`alembic merge heads`",
        f"{v}/4d5e6f7a8b9c_add_status_to_orders.py:15:17: ALM001 revision '4d5e6f7a8b9c' is a head alongside "
        "'3c4d5e6f7a8b': `alembic upgrade head` will fail; set down_revision to the latest head or run "
        "`alembic merge heads`",
        f"{v}/5e6f7a8b9c0d_index_orders_by_user.py:16:50: ALM002 down_revision '9f8e7d6c5b4a' names no "
        "revision in this folder; point it at an existing revision (None for a base)",
        "Found 3 problems in 5 files: 3 errors (2 ALM001, 1 ALM002).",
    ):
        assert line in output.splitlines(), output

    # Fix the folder: one chain, one head. The same hook now passes.
    (project / v / "4d5e6f7a8b9c_add_status_to_orders.py").unlink()
    (project / v / "5e6f7a8b9c0d_index_orders_by_user.py").unlink()
    _git(project, "add", "-A")
    done = try_repo()
    assert done.returncode == 0, done.stdout + done.stderr
    assert any(line.startswith("alembic-lint") and line.endswith("Passed") for line in done.stdout.splitlines())
