"""Recognise script directories by their layout, where no configuration says where they are.

`alembic init` writes env.py, script.py.mako and versions/ into one folder. Projects keep
some of it: aiida-core's env.py and versions/ without a template, galaxy's
`versions_gxy/` and `versions_tsi/`, a versions/ folder beside an alembic.ini whose
configuration cannot be resolved. A folder holding env.py is a script directory, never
a versions folder: its env.py is not a migration.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint.discover.folder import ScriptSpec
from alembic_lint.sourcefile import SourceTooLarge, read_source

if TYPE_CHECKING:
    from alembic_lint.boundary import Boundary

VERSIONS = re.compile(r"versions(?:[_-].+)?$")
MARKERS = ("env.py", "script.py.mako")


def version_folders(folder: Path) -> tuple[Path, ...]:
    """The subfolders named `versions` or `versions_<name>`, sorted."""
    try:
        with os.scandir(folder) as scan:
            names = sorted(entry.name for entry in scan if VERSIONS.match(entry.name) and _is_dir(entry))
    except OSError:
        return ()
    return tuple(folder / name for name in names)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def has_marker(folder: Path) -> bool:
    """True when the folder holds env.py or script.py.mako: alembic's own files, not migrations."""
    return any(os.path.isfile(folder / name) for name in MARKERS)


def is_script_dir(folder: Path) -> bool:
    """A folder with env.py or script.py.mako beside a versions folder."""
    return has_marker(folder) and bool(version_folders(folder))


def layout_spec(folder: Path, *, configured: bool = False) -> ScriptSpec | None:
    """The script directory `folder` is by its layout, or None. `configured`: an alembic.ini
    sits in it (whose configuration could not be resolved), which marks it like env.py does."""
    if not (configured or has_marker(folder)):
        return None
    locations = version_folders(folder)
    if not locations:
        return None
    return ScriptSpec(folder, locations, recursive=False)


def bare_versions(folder: Path, files: frozenset[str], boundary: Boundary | None = None) -> ScriptSpec | None:
    """A versions folder with no script directory around it, found below a folder being linted:
    named `versions` (or `versions_<name>`) and holding a .py file that binds `down_revision`
    (links that resolve outside `boundary` are not probed)."""
    if not VERSIONS.match(folder.name) or not any(name.endswith(".py") for name in files):
        return None
    if has_marker(folder) or not binds_down_revision(folder, boundary):
        return None
    return ScriptSpec(folder, (folder,), recursive=False, boundary=boundary)


def looks_like_versions(folder: Path, boundary: Boundary | None = None) -> bool:
    """A folder named on the command line that is itself a versions folder: named like one, or
    holding a .py file that binds `down_revision` (a cheap text probe, nothing is parsed)."""
    if has_marker(folder):
        return False
    if VERSIONS.match(folder.name):
        return True
    return binds_down_revision(folder, boundary)


_PROBE_LIMIT = 500
_BINDS_DOWN_REVISION = re.compile(rb"^down_revision\b", re.MULTILINE)


def binds_down_revision(folder: Path, boundary: Boundary | None, files: int = 1) -> bool:
    """True when `files` of the folder's .py files bind `down_revision`. Read within the bounds
    of `sourcefile` (a link to /dev/zero is no endless read) and, for a link, within the
    boundary (one `realpath` per link)."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted((entry for entry in scan if entry.name.endswith(".py")), key=lambda entry: entry.name)
    except OSError:
        return False
    for entry in entries[:_PROBE_LIMIT]:
        try:
            if boundary is not None and entry.is_symlink() and boundary.outside(entry.path) is not None:
                continue  # not read: the listing reports it
            if _BINDS_DOWN_REVISION.search(read_source(entry.path)[0]):
                files -= 1
        except (OSError, SourceTooLarge):
            files -= 1  # let the linter report the unreadable file
        if files <= 0:
            return True
    return False
