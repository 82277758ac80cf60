"""Which files of a version location alembic loads, in alembic's order.

See alembic's `Script._list_py_dir` and `_only_source_rev_file`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Sequence
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic_lint.boundary import Boundary

_NAME = attrgetter("name")  # a DirEntry's name, read in C: the key sorting 10,000 entries
# alembic's `_only_source_rev_file`: what counts as a migration file.
MIGRATION_FILE = re.compile(r"(?!\.\#|__init__)(.*\.py)$")


def list_migration_files(
    locations: Sequence[Path],
    recursive: bool,
    excluded: Sequence[Path] = (),
    unlisted: list[tuple[Path, str]] | None = None,
    boundary: Boundary | None = None,
    outside: list[tuple[Path, str]] | None = None,
) -> tuple[Path, ...]:
    """alembic's walk: top-down, names sorted, `__pycache__` skipped, links to folders not followed.

    `excluded` are subfolders that belong to another revision graph: they are not entered.
    Folders that cannot be listed are added to `unlisted` with the reason (they may hide migrations).
    A file reached twice (two overlapping locations, or a link to a file already
    listed) counts once, like alembic's "loaded twice! ignoring". Only links are
    resolved one by one: a plain file's real path is its folder's real path plus
    its name, which spares a `realpath` (one `lstat` per path component) per file.
    Paths are made with pathlib's own child constructor where it has one
    (Python < 3.12 parses every `Path(str)` again, a third of the listing time).

    With a `boundary`, a location or a link whose real path is outside it is not read: it is
    added to `outside` with where it leads (`Boundary.shown`). The walk never enters a link to
    a folder, so the real paths computed anyway (one per folder, one per link) are all it compares.
    """
    files: list[Path] = []
    seen: set[str] = set()
    skip = frozenset(str(path) for path in excluded)
    for location in locations:
        if not location.is_dir():
            continue
        top = str(location)
        real_top = os.path.realpath(top)
        if boundary is not None and not boundary.admits(real_top):
            if outside is not None:
                outside.append((location, boundary.shown(top, real_top)))
            continue
        for folder, entries in _walk(top, recursive, skip, unlisted):
            if folder.endswith("__pycache__"):
                continue
            real_folder = real_top if folder == top else os.path.realpath(folder)
            real_prefix = real_folder if real_folder.endswith(os.sep) else real_folder + os.sep
            folder_path = Path(folder)
            child = getattr(folder_path, "_make_child_relpath", folder_path.joinpath)
            # Python 3.11's pathlib formats str(path) again on first use (a third of a 10,000-file
            # warm run's listing); the string is already known. 3.12+ keeps it by itself.
            known_str = sys.version_info < (3, 12) and folder == str(folder_path)
            for entry in entries:
                if not MIGRATION_FILE.match(entry.name):
                    continue
                try:
                    linked = entry.is_symlink()
                except OSError:
                    linked = True
                real = os.path.realpath(entry.path) if linked else real_prefix + entry.name
                if real in seen:
                    continue
                if linked and boundary is not None and not boundary.admits(real):
                    if outside is not None:
                        outside.append((Path(entry.path), boundary.shown(entry.path, real)))
                    continue
                seen.add(real)
                path = child(entry.name)
                if known_str and getattr(path, "_str", None) is None:
                    path._str = entry.path  # type: ignore[attr-defined]
                files.append(path)
    return tuple(files)


def _walk(
    top: str, recursive: bool, skip: frozenset[str], unlisted: list[tuple[Path, str]] | None
) -> Iterator[tuple[str, list[os.DirEntry[str]]]]:
    """`os.walk(top)` with sorted names, as (folder, non-folder entries): depth first, top-down,
    `*__pycache__` folders skipped, links to folders listed as folders but not entered."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=_NAME)
        except OSError as exc:
            if unlisted is not None and not isinstance(exc, FileNotFoundError):
                unlisted.append((Path(folder), exc.strerror or str(exc)))
            continue
        files: list[os.DirEntry[str]] = []
        subfolders: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(entry)
            elif (
                recursive
                and not entry.name.endswith("__pycache__")
                and not entry.is_symlink()
                and entry.path not in skip
            ):
                subfolders.append(entry.path)
        yield folder, files
        stack.extend(reversed(subfolders))


def holds(location: Path, path: Path, recursive: bool) -> bool:
    """True when a file at `path` is read from `location` (the file need not exist)."""
    if recursive:
        return location in path.parents
    return path.parent == location


def is_migration_name(path: Path) -> bool:
    """A name alembic loads, outside any `__pycache__` folder."""
    return bool(MIGRATION_FILE.match(path.name)) and not any(part.endswith("__pycache__") for part in path.parts)
