"""Helpers for the editor tests: the language-server tests' client and helpers (tests/lsp/lsp_support.py)
and the example project."""

from __future__ import annotations

import shutil
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
