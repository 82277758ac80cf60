"""Where a project starts: the answers every stage uses (ALM201's first-party code,
discovery's relative paths; globs are relative to the configuration file's folder,
`Settings.project_root`)."""

from __future__ import annotations

from pathlib import Path

# What marks the top of a repository or a Python project (issue 9: ruff and pytest look for these).
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding one of PROJECT_MARKERS, or None."""
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return None


def code_root(script_dir: Path, config: Path | None = None) -> Path:
    """Where the project's own code starts, for a script directory: the nearest folder at or
    above it that holds one of PROJECT_MARKERS or alembic-lint's configuration file `config`
    (whichever is nearer); without either (an unpacked wheel), the folder above the outermost
    package that holds the script directory (itself a package or not: Flask-Migrate's
    `migrations/` has no `__init__.py`), else the script directory's parent."""
    found = [repository_root(script_dir)]
    if config is not None and (config.parent == script_dir or config.parent in script_dir.parents):
        found.append(config.parent)
    nearest = max((folder for folder in found if folder is not None), key=lambda f: len(f.parts), default=None)
    if nearest is not None:
        return nearest
    package = script_dir if (script_dir / "__init__.py").is_file() else script_dir.parent
    if not (package / "__init__.py").is_file():
        return script_dir.parent
    while (package.parent / "__init__.py").is_file() and package.parent.parent != package.parent:
        package = package.parent
    return package.parent
