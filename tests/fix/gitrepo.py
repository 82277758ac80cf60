"""Real git repositories in temporary folders, with fixed dates (so commits are reproducible)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed (.ci/run installs it)")


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.day = 0
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        stamp = f"2025-01-{self.day + 1:02d}T10:00:00+00:00"
        env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        result = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return result.stdout

    def commit(self, message: str, files: dict[str, str] | None = None) -> str:
        """Write the files, commit them one day after the last commit; the short hash."""
        for name, text in (files or {}).items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        self.day += 1
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.short("HEAD")

    def merge(self, branch: str, *options: str) -> str:
        self.day += 1
        self.git("merge", "-q", *options, branch, "-m", f"merge {branch}")
        return self.short("HEAD")

    def short(self, ref: str) -> str:
        return self.git("rev-parse", "--short", ref).strip()

    def checkout(self, *args: str) -> None:
        self.git("checkout", "-q", *args)
