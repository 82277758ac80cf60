"""The one plan: paths and settings in, the revision graphs and files to lint out.

Every front-end asks it: `check` and `graph` on the command line, the pytest plugin,
and the language server (which graph an open buffer belongs to). It applies, in order:
discovery (or the graphs `version-locations` names instead), then `exclude`. A
configuration that cannot be resolved is not an error here but a problem in the plan,
reported like any finding (ALM012) while every other graph is linted. Nothing outside
the boundary (the repositories of the paths, and `--allow-outside`) is read: the plan
carries it, so that a report shows no line of a file outside it either.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from alembic_lint.boundary import Boundary, boundary_for, refusal
from alembic_lint.discover import ConfigProblem, DiscoveryError, VersionFolder, find, find_buffer
from alembic_lint.discover.files import list_migration_files
from alembic_lint.discover.subtrees import Facts
from alembic_lint.globs import matches_any
from alembic_lint.records import record, replace
from alembic_lint.settings import Settings


@record
class Plan:
    """What to lint: the graphs (each with its files), and the configurations that could not be resolved."""

    folders: tuple[VersionFolder, ...] = ()
    problems: tuple[ConfigProblem, ...] = ()
    boundary: Boundary | None = None  # what may be read (and shown)

    def folder_of(self, path: Path) -> VersionFolder | None:
        """The graph that holds `path` (a file, which need not exist)."""
        return next((folder for folder in self.folders if folder.holds(path)), None)


def plan(paths: Sequence[Path], settings: Settings, facts: Facts | None = None) -> Plan:
    """The graphs and files to lint for the given paths. Raises `DiscoveryError` for a path
    that does not exist or holds nothing to lint (usage errors: exit 2). `facts` parses the
    files discovery must read to split a script directory (the pipeline's parser by default)."""
    if settings.version_locations is not None:
        boundary = boundary_for(paths, settings.allow_outside, settings.config_path)
        found = Plan(_configured(paths, settings, boundary), boundary=boundary)
    else:
        discovery = find(paths, facts=facts, allow=settings.allow_outside)
        found = Plan(discovery.folders, discovery.problems, discovery.boundary)
    return _without_excluded(found, settings)


def plan_buffer(path: Path, settings: Settings, boundary: Boundary | None = None) -> Plan:
    """What an editor's buffer belongs to: the graph `version-locations` names that holds it, else
    the one discovery finds above it (with the problem of a configuration beside it, if any);
    no graph for a file `exclude` drops, or for any other file. `boundary`: what may be read
    (the language server's workspace folders); by default the file's repository."""
    path = Path(os.path.abspath(path))
    if settings.exclude and matches_any(settings.exclude, path, settings.project_root):
        return Plan()
    if boundary is None:
        boundary = boundary_for([path], settings.allow_outside, settings.config_path)
    if settings.version_locations is not None:
        graph = Plan(_graphs(settings, boundary)).folder_of(path)
        found = Plan((graph,) if graph is not None else (), boundary=boundary)
    else:
        discovery = find_buffer(path, boundary)
        found = Plan(discovery.folders, discovery.problems, discovery.boundary or boundary)
    kept = _without_excluded(found, settings)
    if found.folders and not kept.folders:  # every file of it excluded but this buffer: still its graph
        kept = replace(kept, folders=(replace(found.folders[0], files=()),))
    return kept


def graph_of(path: Path, settings: Settings) -> VersionFolder | None:
    """The graph an editor's buffer belongs to, or None (see `plan_buffer`)."""
    folders = plan_buffer(path, settings).folders
    return folders[0] if folders else None


def _graphs(settings: Settings, boundary: Boundary) -> tuple[VersionFolder, ...]:
    """The graphs `version-locations` names, each read recursively. A folder outside the boundary
    is a usage error, like any bad value of alembic-lint's own configuration."""
    out = []
    for name, locations in settings.version_locations or ():
        for location in locations:
            real = boundary.outside(location)
            if real is not None:
                where = refusal(boundary.shown(location, real), boundary, str(location))
                raise DiscoveryError(
                    f"{settings.config_path}: `version-locations`: {location} {where} (--allow-outside {real} reads it)"
                )
        root = Path(os.path.commonpath(locations))
        unlisted: list[tuple[Path, str]] = []
        outside: list[tuple[Path, str]] = []
        files = list_migration_files(locations, True, (), unlisted, boundary, outside)
        out.append(
            VersionFolder(
                root,
                locations,
                True,
                files,
                settings.config_path,
                name=name,
                unlisted=tuple(unlisted),
                outside=tuple(outside),
                boundary=boundary,
            )
        )
    return tuple(out)


def _configured(paths: Sequence[Path], settings: Settings, boundary: Boundary) -> tuple[VersionFolder, ...]:
    """The configured graphs; a path argument inside one limits its report to the files under it."""
    graphs = _graphs(settings, boundary)
    if not any(graph.files for graph in graphs):
        shown = ", ".join(str(location) for graph in graphs for location in graph.locations)
        raise DiscoveryError(f"{shown}: no migration files found (version-locations in {settings.config_path})")
    chosen: dict[int, set[Path]] = {}
    whole: set[int] = set()
    for raw in paths:
        path = Path(os.path.normpath(raw.absolute()))
        if not path.exists():
            raise DiscoveryError(f"{raw}: no such file or directory")
        hit = False
        for index, graph in enumerate(graphs):
            if any(path == location or path in location.parents for location in graph.locations):
                whole.add(index)  # the path holds the whole graph
                hit = True
            elif any(location in path.parents or location == path for location in graph.locations):
                chosen.setdefault(index, set()).update(f for f in graph.files if f == path or path in f.parents)
                hit = True
        if not hit:
            shown = ", ".join(str(location) for graph in graphs for location in graph.locations)
            raise DiscoveryError(f"{raw}: not in the version-locations set in {settings.config_path} ({shown})")
    out = []
    for index, graph in enumerate(graphs):
        if index in whole:
            out.append(graph)
        elif index in chosen:
            out.append(replace(graph, only=frozenset(chosen[index])))
    return tuple(out)


def _without_excluded(found: Plan, settings: Settings) -> Plan:
    """`exclude` drops files before anything reads them; a graph left without files is dropped."""
    if not settings.exclude:
        return found

    def excluded(path: Path) -> bool:
        return matches_any(settings.exclude, path, settings.project_root)

    kept = []
    for folder in found.folders:
        files = tuple(f for f in folder.files if not excluded(f))
        only = None if folder.only is None else frozenset(f for f in folder.only if not excluded(f))
        if folder.files and (not files or only == frozenset() != folder.only):
            continue
        kept.append(replace(folder, files=files, only=only))
    problems = tuple(problem for problem in found.problems if not excluded(problem.path))
    return Plan(tuple(kept), problems, found.boundary)
