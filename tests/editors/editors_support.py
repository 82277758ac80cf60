"""Helpers for the editor tests: the language-server tests' client and helpers (tests/lsp/lsp_support.py)
and the example project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lsp"))

import lsp_support

WORKTREE = lsp_support.WORKTREE
ENV = lsp_support.ENV
EXAMPLE = WORKTREE / "examples" / "shop"
VERSIONS = "migrations/versions"


def shop(parent: Path) -> Path:
    """A copy of examples/shop under `parent`."""
    return Path(shutil.copytree(EXAMPLE, parent / "shop", ignore=shutil.ignore_patterns(".alembic_lint_cache")))


HEAD = "3c4d5e6f7a8b_add_email_to_users.py"


def with_safe_fixes(project: Path) -> Path:
    """Give examples/shop's head two findings with safe fixes (a `Revises:` header that disagrees with
    down_revision, ALM105, and an unused `# noqa`, ALM900, both selected in pyproject.toml); returns it."""
    (project / "pyproject.toml").write_text('[tool.alembic-lint]\nextend-select = ["ALM105", "ALM900"]\n')
    head = project / VERSIONS / HEAD
    text = head.read_text().replace("Revises: 2b3c4d5e6f7a", "Revises: 1a2b3c4d5e6f")
    line = "branch_labels: Union[str, Sequence[str], None] = None"
    head.write_text(text.replace(line, line + "  # noqa: ALM005"))
    return head


def fixed_by_the_cli(project: Path, parent: Path) -> str:
    """What `alembic-lint --fix` makes of `project`'s head, in a copy under `parent`."""
    copy = Path(shutil.copytree(project, parent / "fixed-by-the-cli"))
    done = subprocess.run(
        [sys.executable, "-m", "alembic_lint", "--no-cache", "--fix", "--exit-zero", f"{VERSIONS}/{HEAD}"],
        cwd=copy,
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert done.returncode == 0, done.stderr
    return (copy / VERSIONS / HEAD).read_text()
