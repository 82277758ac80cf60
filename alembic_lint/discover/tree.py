"""Walk a repository once, top-down, skipping what is not the project's own code.

Skipped: hidden folders (.git, .venv, .tox), virtualenvs (any folder holding
pyvenv.cfg), the usual installed or generated folders (node_modules, site-packages,
build, dist, *.egg-info, __pycache__) and what .gitignore files ignore. Links to
folders are not followed, so a link loop cannot trap the walk. A folder that cannot
be listed is passed over.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from alembic_lint.discover.gitignore import Ignores
from alembic_lint.records import field, record

SKIP = frozenset({"node_modules", "site-packages", "__pycache__", "venv", "env", "build", "dist"})


@record(frozen=False)
class Listing:
    """One folder of the walk. Remove names from `folders` to keep the walk out of them."""

    path: Path
    files: frozenset[str]
    folders: list[str] = field(default_factory=list)  # the walk goes into these
    linked: list[str] = field(default_factory=list)  # links to folders: not walked (a versions folder may be one)


def walk(top: Path) -> Iterator[Listing]:
    """Every folder at or below `top` worth looking into, parents before children, names sorted."""
    stack: list[tuple[Path, Ignores]] = [(top, Ignores.above(top))]
    while stack:
        folder, ignores = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            continue
        files = frozenset(entry.name for entry in entries if not _is_dir(entry))
        if "pyvenv.cfg" in files and folder != top:
            continue
        if ".gitignore" in files:
            ignores = ignores.below(folder)
        folders = [entry for entry in entries if _is_dir(entry)]
        listing = Listing(
            folder,
            files,
            [entry.name for entry in folders if not _skipped(entry, folder, ignores)],
            [entry.name for entry in folders if entry.is_symlink()],
        )
        yield listing
        stack.extend((folder / name, ignores) for name in reversed(listing.folders))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _skipped(entry: os.DirEntry[str], folder: Path, ignores: Ignores) -> bool:
    name = entry.name
    if name.startswith(".") or name in SKIP or name.endswith(".egg-info") or entry.is_symlink():
        return True
    return bool(ignores.patterns) and ignores.ignores(folder / name)
