"""Version locations set in code: the subfolders of a version location that alembic's
configuration does not read, and the revision graphs they belong to.

keystone and neutron keep `versions/<release>/{expand,contract}` and list those folders
as version locations in Python; prefect keeps `versions/postgresql` and
`versions/sqlite` and picks one at run time. Their alembic.ini reads only the top of
`versions/`. So, unless the configuration reads subfolders itself
(`recursive_version_locations`), each first-level subfolder holding migrations is a
unit, and units that revise (or depend on, or are revised by) each other's revisions
are one graph: the units joined to the top-level files are the script directory's own
graph; sibling trees that never reference it, nor each other, are graphs of their own.
A subfolder whose files declare no revision (helpers) is no migration folder at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from alembic_lint.discover.files import list_migration_files
from alembic_lint.discover.folder import ScriptSpec, VersionFolder
from alembic_lint.parse import Migration, Parsed, ParseFailure
from alembic_lint.records import record

# Parse a script directory's files from disk, in order (the pipeline passes its cache's).
Facts = Callable[[ScriptSpec, Sequence[Path]], Sequence[Parsed]]


@record(frozen=False)
class _Unit:
    folder: Path
    location: Path
    files: tuple[Path, ...]
    unlisted: bool = False  # a folder of it could not be listed: what it holds is unknown


def graphs(spec: ScriptSpec, facts: Facts) -> list[VersionFolder]:
    """The revision graphs of one script directory (one, unless subfolders form separate trees)."""
    if spec.recursive:
        return [_graph(spec, spec.locations, True)]
    whole = _graph(spec, spec.locations, False)  # the top level: the graph itself when no subfolder is a unit
    top = whole.files
    inside = [loc for loc in spec.locations if spec.boundary is None or spec.boundary.outside(loc) is None]
    units = [unit for location in inside for unit in _units(location, spec)]
    if not units:
        return [whole]
    every = top + tuple(path for unit in units for path in unit.files)
    joined, trees, dropped = _group(top, units, dict(zip(every, facts(spec, every), strict=True)))
    if not top and not joined and len(trees) <= 1:  # at most one tree below an empty top level: the graph
        joined, trees = trees[0] if trees else [], []
    excluded = tuple(unit.folder for unit in dropped) + tuple(unit.folder for tree in trees for unit in tree)
    out = []
    if top or joined or not trees:
        out.append(_graph(spec, spec.locations, bool(joined), excluded if joined else ()))
    for tree in trees:
        name = ", ".join(unit.folder.relative_to(unit.location).as_posix() for unit in tree)
        out.append(_graph(spec, tuple(unit.folder for unit in tree), True, name=name))
    return out


def _graph(
    spec: ScriptSpec, locations: tuple[Path, ...], recursive: bool, excluded: tuple[Path, ...] = (), name: str = ""
) -> VersionFolder:
    unlisted: list[tuple[Path, str]] = []
    outside: list[tuple[Path, str]] = []
    files = list_migration_files(locations, recursive, excluded, unlisted, spec.boundary, outside)
    return VersionFolder(
        spec.root,
        locations,
        recursive,
        files,
        spec.config,
        None,
        name,
        excluded,
        tuple(unlisted),
        tuple(outside),
        spec.boundary,
    )


def _units(location: Path, spec: ScriptSpec) -> list[_Unit]:
    """The first-level subfolders of a location that hold .py files, as alembic would walk them."""
    try:
        with os.scandir(location) as scan:
            folders = sorted(  # a link to a folder is no unit: `is_dir(follow_symlinks=False)`, from readdir alone
                entry.name
                for entry in scan
                if entry.is_dir(follow_symlinks=False) and not entry.name.endswith("__pycache__")
            )
    except OSError:
        return []
    units = []
    for name in folders:
        unlisted: list[tuple[Path, str]] = []
        files = list_migration_files([location / name], True, (), unlisted, spec.boundary)
        if files or unlisted:
            units.append(_Unit(location / name, location, files, bool(unlisted)))
    return units


def _group(
    top: tuple[Path, ...], units: list[_Unit], parsed: dict[Path, Parsed]
) -> tuple[list[_Unit], list[list[_Unit]], list[_Unit]]:
    """(the units joined to the top-level files, the other trees, the units holding no migration)."""
    parent = list(range(len(units) + 1))  # union-find over the units; 0 is the top level

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: int, b: int) -> None:
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)  # the top level stays the root of its group

    owners: dict[str, set[int]] = {}  # revision id or branch label -> the units declaring it
    references: list[tuple[int, str]] = []
    dropped: list[_Unit] = []
    unknown = {0} if any(isinstance(parsed.get(path), ParseFailure) for path in top) else set()
    for node, unit in enumerate(units, start=1):
        if unit.unlisted or any(isinstance(parsed.get(path), ParseFailure) for path in unit.files):
            unknown.add(node)  # files whose revisions are unknown: they may declare what others reference
        migrations = [item for item in map(parsed.get, unit.files) if isinstance(item, Migration)]
        migrations = [item for item in migrations if item.revision is not None]  # not helper modules
        if not migrations:
            if node in unknown:
                union(0, node)  # report them with the top level's
            else:
                dropped.append(unit)
            continue
        _declare(owners, references, node, migrations)
    _declare(owners, references, 0, [item for item in map(parsed.get, top) if isinstance(item, Migration)])
    for node, ref in references:
        # A reference resolved inside its own unit joins nothing: prefect's dialect trees share some ids.
        # One resolved nowhere may name a revision of a file that could not be read.
        for other in owners.get(ref, unknown) if node not in owners.get(ref, ()) else ():
            union(node, other)
    groups: dict[int, list[_Unit]] = {}
    for node, unit in enumerate(units, start=1):
        if unit not in dropped:
            groups.setdefault(find(node), []).append(unit)
    joined = groups.pop(0, [])
    return joined, list(groups.values()), dropped


def _declare(
    owners: dict[str, set[int]], references: list[tuple[int, str]], node: int, migrations: list[Migration]
) -> None:
    for item in migrations:
        for ident in (*_strings(item, "revision"), *_strings(item, "branch_labels")):
            owners.setdefault(ident, set()).add(node)
        references.extend((node, ref) for ref in (*_strings(item, "down_revision"), *_strings(item, "depends_on")))


def _strings(item: Migration, name: str) -> tuple[str, ...]:
    binding = item.binding(name)
    return binding.strings if binding is not None else ()
