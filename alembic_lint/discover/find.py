"""Which revision graphs and files a path means, as alembic would read them.

- A folder: every script directory at or below it (its configuration, else its layout),
  each its own graph; or, when it lies inside one found from above (a script directory,
  a version location), that graph, reporting only the files under the folder. Only a
  folder named on the command line can be a bare versions folder: from a folder above,
  ordinary Python code is never linted as migrations.
- A file: the graph that holds it, found from its folders; on the command line, else its
  own folder read as a versions folder.
- A configuration that cannot be resolved is a problem (data), and the rest goes on;
  beside a versions folder, that folder is still linted by its layout.
- The repository is the boundary (alembic_lint/boundary.py): a configuration file, a
  script directory, a version location or a link that resolves outside it is not read
  (a problem, or the folder's `outside`), and the walk up from a path stops at its root.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from alembic_lint.boundary import Boundary, boundary_for, refusal
from alembic_lint.diagnostics import Span
from alembic_lint.discover.configs import INI, PYPROJECT, read_config
from alembic_lint.discover.files import MIGRATION_FILE
from alembic_lint.discover.folder import ConfigProblem, Discovery, DiscoveryError, ScriptSpec, VersionFolder
from alembic_lint.discover.layouts import (
    MARKERS,
    VERSIONS,
    bare_versions,
    binds_down_revision,
    has_marker,
    layout_spec,
    looks_like_versions,
)
from alembic_lint.discover.locations import resolve
from alembic_lint.discover.subtrees import Facts, graphs
from alembic_lint.discover.tree import walk
from alembic_lint.records import replace


def _parse(spec: ScriptSpec, paths: Sequence[Path]) -> list[object]:
    from alembic_lint.parallel import parse_many  # the parser is needed only when subfolders must be split

    return list(parse_many(paths)[0])


class _Finder:
    """One discovery run: each folder's configuration is read once, each script directory split once."""

    def __init__(self, bound: Path | None, facts: Facts | None, boundary: Boundary) -> None:
        self.bound = bound
        self.boundary = boundary  # of the path being looked at: what may be read
        self.facts: Facts = facts or _parse  # type: ignore[assignment]
        self.problems: dict[tuple[object, ...], ConfigProblem] = {}
        self._specs: dict[tuple[Path, Boundary], tuple[ScriptSpec | None, tuple[ConfigProblem, ...]]] = {}
        self._graphs: dict[tuple[ScriptSpec, Boundary | None], list[VersionFolder]] = {}

    # -- one folder ---------------------------------------------------------------
    def spec_at(
        self, folder: Path, files: Iterable[str] | None = None, boundary: Boundary | None = None
    ) -> tuple[ScriptSpec | None, tuple[ConfigProblem, ...]]:
        """The script directory configured in (or laid out as) `folder`, and the problems of its
        configuration. A configuration that resolves wins; one that does not leaves the layout.
        Read within `boundary` (the finder's by default), which the spec keeps."""
        boundary = boundary or self.boundary
        key = (folder, boundary)
        if key in self._specs:
            return self._specs[key]
        names = set(files) if files is not None else None
        has = (lambda name: name in names) if names is not None else (lambda name: (folder / name).is_file())
        spec: ScriptSpec | None = None
        problems: tuple[ConfigProblem, ...] = ()
        if has(INI) or has(PYPROJECT):
            problems = _refused(folder, [name for name in (INI, PYPROJECT) if has(name)], boundary)
            config = read_config(folder, with_env=has("env.py")) if not problems else None
            if isinstance(config, ConfigProblem):
                problems = (config,)
            elif config is not None:
                spec, problems = resolve(config, self.bound, boundary)
        if spec is None and (has(INI) or any(has(name) for name in MARKERS)):
            spec = layout_spec(folder, configured=has(INI))
        if spec is not None and spec.boundary is None:
            spec = replace(spec, boundary=boundary)
        self._specs[key] = (spec, problems)
        return spec, problems

    def graphs(self, spec: ScriptSpec) -> list[VersionFolder]:
        if spec.boundary is None:  # its locations are listed within the boundary it was found in
            spec = replace(spec, boundary=self.boundary)
        key = (spec, spec.boundary)
        if key not in self._graphs:
            self._graphs[key] = graphs(spec, self.facts)
        return self._graphs[key]

    def report(self, problems: Iterable[ConfigProblem]) -> None:
        for problem in problems:
            self.problems.setdefault((problem.path, problem.kind, problem.key, problem.value), problem)

    # -- a folder and everything below it ----------------------------------------------
    def below(self, top: Path) -> list[ScriptSpec]:
        """Every script directory at or below `top`: configured ones first claim their folders."""
        configured: list[ScriptSpec] = []
        laid_out: list[ScriptSpec] = []
        locations: set[Path] = set()  # not walked into: they hold migrations, not script directories
        for listing in walk(top):
            spec: ScriptSpec | None = None
            if _candidate(listing.files, listing.folders + listing.linked):
                spec, problems = self.spec_at(listing.path, listing.files)
                self.report(problems)
            elif listing.path not in locations:
                spec = bare_versions(listing.path, listing.files, self.boundary)
            if spec is not None:
                (laid_out if spec.config is None else configured).append(spec)
                locations.update(spec.locations)
            listing.folders[:] = [name for name in listing.folders if listing.path / name not in locations]
        claimed = {_real(path) for spec in configured for path in (spec.root, *spec.locations)}
        unclaimed = [s for s in laid_out if not any(_real(path) in claimed for path in (s.root, *s.locations))]
        out: list[ScriptSpec] = []
        seen: set[tuple[str, ...]] = set()
        for spec in configured + unclaimed:
            key = tuple(_real(path) for path in (spec.root, *spec.locations))
            if key not in seen:
                seen.add(key)
                out.append(spec)
        return out

    # -- the folders above a path ---------------------------------------------------------
    def above(self, path: Path) -> tuple[ScriptSpec, tuple[ConfigProblem, ...]] | None:
        """The script directory, found from the folders above `path` up to the boundary's root,
        whose root or version locations hold it (`path` itself excluded): the nearest configured
        one, else the nearest one recognised by its layout (alembic.ini usually sits above the
        folder). With it, the problems of its configuration (the ones beside a layout, or the
        locations of a configured one that are left out)."""
        laid_out: tuple[ScriptSpec, tuple[ConfigProblem, ...]] | None = None
        parents = self._parents(path)
        for folder, boundary in parents:
            spec, problems = self.spec_at(folder, boundary=boundary)
            if spec is None or not (path == spec.root or any(_within(path, loc) for loc in spec.locations)):
                continue
            if spec.config is not None:
                return spec, problems
            laid_out = laid_out or (spec, problems)
        if laid_out is None:  # a versions folder on its own, as the walk from a folder above finds it
            versions = next(((folder, b) for folder, b in parents if VERSIONS.match(folder.name)), None)
            bare = bare_versions(versions[0], _names(versions[0]), versions[1]) if versions is not None else None
            laid_out = (bare, ()) if bare is not None else None
        return laid_out

    def _parents(self, path: Path) -> list[tuple[Path, Boundary]]:
        """The folders above `path` that the walk up looks at, each with the boundary it is read
        within: up to the root, or, for a bare boundary (no repository), every one, as its root."""
        out = []
        for folder in path.parents:
            boundary = self.boundary if self.boundary.spans(folder) else self.boundary.widened(folder)
            if boundary is None:
                break
            out.append((folder, boundary))
        return out


def _refused(folder: Path, names: list[str], boundary: Boundary) -> tuple[ConfigProblem, ...]:
    """The configuration files of a folder that resolve outside the boundary (a link out of the
    repository): not read, one problem each. One `realpath` per configuration file."""
    out = []
    for name in names:
        path = folder / name
        real = boundary.outside(path)
        if real is not None:
            shown = Path(boundary.shown(path, real))
            out.append(ConfigProblem(path, Span.point(1), "outside", detail=boundary.label, tried=(shown,)))
    return tuple(out)


def _names(folder: Path) -> frozenset[str]:
    try:
        return frozenset(os.listdir(folder))
    except OSError:
        return frozenset()


def _candidate(files: frozenset[str], folders: list[str]) -> bool:
    if INI in files or PYPROJECT in files:
        return True
    return any(name in files for name in MARKERS) and any(VERSIONS.match(name) for name in folders)


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def find(
    paths: Sequence[Path], *, bound: Path | None = None, facts: Facts | None = None, allow: Sequence[Path] = ()
) -> Discovery:
    """The revision graphs for the given paths, and the configurations that cannot be resolved.

    Raises `DiscoveryError` for a path that does not exist or in which nothing can be linted.
    `facts` parses files (the pipeline's parser by default): discovery reads the revisions of
    migrations in subfolders to tell which graph they belong to. Each path is read within its
    repository (`allow`: more folders the user lets it read: `--allow-outside`)."""
    finder = _Finder(bound, facts, Boundary.of(()))
    found: dict[tuple[object, ...], VersionFolder] = {}
    boundary: Boundary | None = None  # every boundary read within
    for raw in paths:
        path = Path(raw)
        try:
            if not path.exists():
                raise DiscoveryError(f"{raw}: no such file or directory")
            absolute = Path(os.path.abspath(path))
            finder.boundary = boundary_for([absolute], allow)
            if path.is_dir():
                real = finder.boundary.outside(absolute)
                if real is not None:
                    shown = finder.boundary.shown(absolute, real)
                    raise DiscoveryError(f"{raw}: {refusal(shown, finder.boundary)} (--allow-outside {real} reads it)")
            if finder.bound is None and path.is_dir():
                finder.bound = absolute
            folders = _for_file(finder, absolute) if path.is_file() else _for_folder(finder, absolute)
        except OSError as exc:  # e.g. a folder we may not list, a name too long
            raise DiscoveryError(f"{exc.filename or raw}: {exc.strerror or exc}") from None
        for folder in folders:
            key = (folder.locations, folder.excluded)
            previous = found.get(key)
            if previous is not None and folder.only is not None:
                folder = _with_only(folder, None if previous.only is None else previous.only | folder.only)
            elif previous is not None:
                folder = _with_only(folder, None)
            found[key] = folder
        used = finder.boundary
        for folder in folders:
            if folder.boundary is not None and folder.boundary != used:
                used = used | folder.boundary
        boundary = used if boundary is None else boundary | used
    return Discovery(tuple(found.values()), tuple(finder.problems.values()), boundary)


def discover(paths: Sequence[Path]) -> list[VersionFolder]:
    """The revision graphs for the given paths (problems with configurations left out)."""
    return list(find(paths).folders)


def _with_only(folder: VersionFolder, only: frozenset[Path] | None) -> VersionFolder:
    from alembic_lint.records import replace

    return replace(folder, only=only)


def _for_folder(finder: _Finder, folder: Path) -> list[VersionFolder]:
    held = finder.above(folder)
    if held is not None:
        spec, problems = held
        finder.report(problems)
        return _narrowed(finder.graphs(spec), folder, spec)
    known = len(finder.problems)
    specs = finder.below(folder)
    if specs:
        return [graph for spec in specs for graph in finder.graphs(spec)]
    if len(finder.problems) > known:
        return []  # a configuration that cannot be resolved: reported, nothing else to lint here
    if not looks_like_versions(folder, finder.boundary):
        raise DiscoveryError(
            f"{folder}: no Alembic migrations found (no alembic.ini or [tool.alembic], no script directory "
            "with env.py or script.py.mako beside a versions folder, and no .py file here that sets down_revision)"
            + _bare_folders_hint(folder, finder.boundary)
        )
    found = finder.graphs(ScriptSpec(folder, (folder,), recursive=False))
    if not any(graph.files for graph in found):
        raise DiscoveryError(f"{folder}: no migration files found")
    return found


_HINTED = 3


def _bare_folders_hint(top: Path, boundary: Boundary) -> str:
    """Folders below `top` that hold migrations but no script directory (invenio's packages
    register theirs with an extension at run time): from a root they are not linted, but
    named on the command line they are. Only on the way to an error: it walks the tree again."""
    found: list[str] = []
    for listing in walk(top):
        # Two files at least: a docs snippet or a test that mentions down_revision is no history.
        if any(name.endswith(".py") for name in listing.files) and binds_down_revision(listing.path, boundary, 2):
            found.append(listing.path.relative_to(top).as_posix())
            listing.folders.clear()
            if len(found) > _HINTED:
                break
    if not found:
        return ""
    shown = ", ".join(found[:_HINTED]) + (", ..." if len(found) > _HINTED else "")
    return f"; migrations without a script directory are in {shown}: name a folder to lint it"


def _narrowed(found: list[VersionFolder], folder: Path, spec: ScriptSpec) -> list[VersionFolder]:
    """The graphs with files under `folder`, reporting only those files (all of them: the script directory)."""
    if folder == spec.root:
        return found
    out = []
    for graph in found:
        chosen = frozenset(path for path in graph.files if folder in path.parents)
        if chosen or any(_within(location, folder) for location in graph.locations):
            out.append(_with_only(graph, None if chosen == frozenset(graph.files) else chosen))
    if not out:
        out = [_with_only(graph, frozenset()) for graph in found if graph.holds(folder / "_.py")]
    return out


def _for_file(finder: _Finder, path: Path) -> list[VersionFolder]:
    if not MIGRATION_FILE.match(path.name):
        raise DiscoveryError(f"{path}: not a migration file (alembic only loads *.py files)")
    graph = held_by(path, finder)
    if graph is not None:
        return [_with_only(graph, frozenset({path}))]
    if has_marker(path.parent):
        raise DiscoveryError(f"{path}: not a migration: it is beside env.py, not in a versions folder")
    for graph in finder.graphs(ScriptSpec(path.parent, (path.parent,), recursive=False)):
        if graph.holds(path):
            return [_with_only(graph, frozenset({path}))]
    raise DiscoveryError(f"{path}: not a migration file of any revision graph")


def held_by(path: Path, finder: _Finder | None = None) -> VersionFolder | None:
    """The graph that holds a file, found from the folders above it; None when none does.
    A configuration problem met on the way is reported to `finder` (by default, one that
    reads within the file's repository)."""
    finder = finder or _Finder(None, None, boundary_for([path]))
    held = finder.above(path)
    if held is None:
        return None
    spec, problems = held
    finder.report(problems)
    return next((graph for graph in finder.graphs(spec) if graph.holds(path)), None)


def find_buffer(path: Path, boundary: Boundary | None = None) -> Discovery:
    """The graph an editor's buffer belongs to (none, or one), and the problems of its
    configuration (the one beside it when that graph was found by its layout instead, or the
    locations it names outside the boundary). The file need not exist yet.

    Unlike `find([path])` this never falls back to "the file's own folder": a file counts
    only when a configuration above it names its version location, or it sits in a
    versions folder of a script directory (or in a versions folder the walk would find).
    `boundary`: what may be read (the language server's workspace folders); by default the
    file's repository."""
    path = Path(os.path.abspath(path))
    if not MIGRATION_FILE.match(path.name):
        return Discovery()
    finder = _Finder(None, None, boundary if boundary is not None else boundary_for([path]))
    graph = held_by(path, finder)
    if graph is None:
        return Discovery()
    return Discovery((graph,), tuple(finder.problems.values()), graph.boundary)


def folder_for_file(path: Path) -> VersionFolder | None:
    """The graph an editor's buffer belongs to, or None (see `find_buffer`)."""
    found = find_buffer(path).folders
    return found[0] if found else None
