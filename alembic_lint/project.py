"""Where a project starts: the one answer every stage uses (globs, ALM201's first-party
code, discovery's relative paths)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic_lint.settings import Settings

# What marks the top of a repository or a Python project (issue 9: ruff and pytest look for these).
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


def project_root(settings: Settings, folder: Path | None = None) -> Path | None:
    """The project's root folder: the folder of alembic-lint's configuration file; without
    one, the parent of the script directory that `folder` (a versions folder or the script
    directory itself) belongs to; None when neither is known."""
    if settings.config_path is not None:
        return settings.config_path.parent
    if folder is None:
        return None
    script_dir = folder.parent if folder.name == "versions" else folder
    return script_dir.parent


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding one of PROJECT_MARKERS, or None."""
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return None
