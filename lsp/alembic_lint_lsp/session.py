"""The server's state, without the protocol: open buffers, per-file parse results,
and the diagnostics last reported for every file.

The unit of work is a versions folder (a script directory's version locations).
Editing a file re-parses that file only; linting a folder rebuilds its graph from
the kept parse results and runs the rules through `alembic_lint.lint.check`.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.discover import DiscoveryError, VersionFolder, folder_for_file, holds_file, list_migration_files
from alembic_lint.graph import RevisionGraph
from alembic_lint.lint import FileRuleMemo, check, parse_files
from alembic_lint.parallel import gc_paused
from alembic_lint.parse import Migration, ParseFailure, parse_migration
from alembic_lint.settings import Settings
from alembic_lint.source import DecodeError, decode_source
from alembic_lint.sourcefile import SourceTooLarge, read_source

logger = logging.getLogger(__name__)

Parsed = Migration | ParseFailure
Report = dict[Path, tuple[Diagnostic, ...]]
CONFIG_FILES = frozenset({"alembic.ini", "pyproject.toml"})
# Reading this many files at once freezes the collector's view of them: its full passes
# over thousands of long-lived parse results would otherwise dominate every later lint.
FREEZE_AFTER = 500


@dataclass(frozen=True)
class Entry:
    """One file's parse result, with its text when it came from an editor buffer."""

    parsed: Parsed
    text: str | None = None  # a buffer's text; None for a file read from disk (read again when needed)
    stamp: tuple[int, int] | None = None  # (mtime_ns, size) when read from disk

    @property
    def graph_key(self) -> object:
        """What the revision graph reads from this file: equal keys give the same graph."""
        parsed = self.parsed
        if isinstance(parsed, ParseFailure):
            return parsed
        return (parsed.path, parsed.revision, parsed.down_revision, parsed.branch_labels, parsed.depends_on)


def _swap(graph: RevisionGraph, old: Parsed, new: Parsed) -> None:
    """Point a graph at a file's new parse result (one with the same graph key as the old)."""
    for node in graph.nodes.values():
        if node.migration is old:
            node.migration = new  # type: ignore[assignment]
    graph.opaque = [new if item is old else item for item in graph.opaque]
    problems = []
    for problem in graph.problems:
        changes = {}
        for item in fields(problem):
            value = getattr(problem, item.name)
            if value is old:
                changes[item.name] = new
            elif isinstance(value, tuple) and any(v is old for v in value):
                changes[item.name] = tuple(new if v is old else v for v in value)
        problems.append(replace(problem, **changes) if changes else problem)
    graph.problems = problems


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def read_entries(paths: list[Path]) -> list[Entry]:
    """Parse files from disk, through the pipeline's own `parse_files`."""
    stamps = [_stamp(path) for path in paths]  # before reading: a later change shows on the next look
    return [Entry(parsed, None, stamp) for parsed, stamp in zip(parse_files(paths), stamps, strict=True)]


def read_text(path: Path) -> str | None:
    """A file's text as Python decodes it; None when it cannot be read or decoded."""
    try:
        text = decode_source(read_source(path)[0])
    except (OSError, SourceTooLarge):
        return None
    return None if isinstance(text, DecodeError) else text


def buffer_entry(path: Path, text: str) -> Entry:
    """Parse an editor buffer."""
    return Entry(parse_migration(path, text), text)


@dataclass
class FolderState:
    """One versions folder: its files, their parse results, its graph and diagnostics."""

    folder: VersionFolder
    entries: dict[Path, Entry] = field(default_factory=dict)
    graph: RevisionGraph | None = None
    diagnostics: Report = field(default_factory=dict)  # files with findings only
    reported: set[Path] = field(default_factory=set)  # files the client was last told have findings
    dirty: bool = True
    rescan: bool = False
    # What `graph` was built from, in alembic's order, and the files changed since then.
    paths: list[Path] = field(default_factory=list)
    index: dict[Path, int] = field(default_factory=dict)
    linted: list[Entry] = field(default_factory=list)
    changed: set[Path] = field(default_factory=set)
    on_disk: frozenset[Path] = frozenset()
    # The file rules' findings for unchanged files; forgotten when files come or go on disk,
    # since a rule such as ALM201 also looks at the project's folders.
    memo: FileRuleMemo = field(default_factory=FileRuleMemo)

    def __post_init__(self) -> None:
        self.on_disk = frozenset(self.folder.files)

    def set_entry(self, path: Path, entry: Entry) -> None:
        self.entries[path] = entry
        self.changed.add(path)
        self.dirty = True

    def drop_entry(self, path: Path) -> None:
        self.entries.pop(path, None)
        self.changed.add(path)
        self.dirty = True

    @property
    def key(self) -> tuple[Path, ...]:
        return self.folder.locations

    def holds(self, path: Path) -> bool:
        return holds_file(self.folder, path)

    def touches(self, path: Path) -> bool:
        """True when a change at `path` (a file or a whole folder) may change this folder's files."""
        return self.holds(path) or any(path == loc or path in loc.parents or loc in path.parents for loc in self.key)

    def order(self, path: Path) -> tuple[int, tuple[str, ...], str]:
        """alembic's walk order: location, then top-down with sorted folder and file names."""
        for index, location in enumerate(self.key):
            if location in path.parents:
                return index, path.parent.relative_to(location).parts, path.name
        return len(self.key), path.parent.parts, path.name


class Session:
    """Everything the server knows, independent of the protocol."""

    def __init__(self, settings: Callable[[VersionFolder], Settings]) -> None:
        self.settings = settings
        self.documents: dict[Path, str] = {}  # open buffers
        self.folders: dict[tuple[Path, ...], FolderState] = {}
        self._outside: set[Path] = set()  # files known to be in no versions folder
        self.generation = 0  # bumped whenever some file's diagnostics change

    # -- where files belong ----------------------------------------------------------
    def folder_of(self, path: Path) -> FolderState | None:
        for state in self.folders.values():
            if state.holds(path):
                return state
        if path in self._outside:
            return None
        try:
            found = folder_for_file(path)
        except (DiscoveryError, OSError) as exc:
            logger.warning("%s: cannot find its versions folder: %s", path, exc)
            found = None
        if found is None:
            logger.warning("%s: not in any alembic versions folder; not linted", path)
            self._outside.add(path)
            return None
        state = self.folders.get(found.locations)
        if state is None:
            state = self.folders[found.locations] = FolderState(found)
        return state

    def text_of(self, path: Path) -> str | None:
        """The text of a file: the open buffer's, else what is on disk."""
        if path in self.documents:
            return self.documents[path]
        return read_text(path)

    # -- events ----------------------------------------------------------------------
    def open(self, path: Path, text: str) -> FolderState | None:
        self._outside.discard(path)  # look again: the project may have changed since
        return self.change(path, text)

    def change(self, path: Path, text: str) -> FolderState | None:
        self.documents[path] = text
        state = self.folder_of(path)
        if state is not None:
            state.set_entry(path, buffer_entry(path, text))
        return state

    def close(self, path: Path) -> FolderState | None:
        self.documents.pop(path, None)
        state = self.folder_of(path)
        if state is not None:
            state.drop_entry(path)  # back to what is on disk (or gone, if never saved)
        return state

    def saved(self, path: Path, *, rescan: bool) -> FolderState | None:
        """A buffer was written. Without file watching, the folder is re-listed from disk."""
        state = self.folder_of(path)
        if state is not None and rescan:
            state.rescan = state.dirty = True
        return state

    def disk_changed(self, path: Path) -> Report:
        """A file or folder was created, changed or deleted on disk.

        Returns the files to clear at once (folders that are no longer found)."""
        self._outside.clear()  # a new env.py or config can put files into a folder
        if path.name in CONFIG_FILES:
            return self.reload()
        for state in self.folders.values():
            if state.touches(path):
                if path not in self.documents:
                    state.drop_entry(path)
                state.rescan = state.dirty = True
        return {}

    def reload(self) -> Report:
        """A project config changed: find every folder again, keeping what is still valid.

        Returns the files to clear: those of folders that are no longer found."""
        old, self.folders = self.folders, {}
        cleared: Report = {}
        for key, previous in old.items():
            probe = next(iter(previous.entries), None) or next(iter(previous.folder.files), None)
            state = self.folder_of(probe) if probe is not None else None
            if state is None or state.key != key:
                cleared.update(dict.fromkeys(previous.reported, ()))
                continue
            state.entries, state.reported, state.diagnostics = previous.entries, previous.reported, previous.diagnostics
        for path in self.documents:
            self.folder_of(path)
        for state in self.folders.values():
            state.rescan = state.dirty = True
        for state in self.folders.values():
            for path in state.reported:
                cleared.pop(path, None)
        if cleared:
            self.generation += 1
        return cleared

    def invalidate_all(self) -> None:
        """Settings changed: every folder is linted again (parse results are kept)."""
        for state in self.folders.values():
            state.dirty = True

    # -- linting ---------------------------------------------------------------------
    def dirty(self) -> Iterator[FolderState]:
        while True:
            state = next((s for s in self.folders.values() if s.dirty), None)
            if state is None:
                return
            yield state

    def lint(self, state: FolderState) -> Report:
        """Lint one folder; return the files whose diagnostics changed (empty tuple: now clean)."""
        state.dirty = False
        full = state.graph is None
        if state.rescan:
            state.rescan, full = False, True
            if not self._rescan(state):
                return self._forget(state)
        changed, state.changed = state.changed, set()
        read = 0
        if not full and all((path in state.index) == self._listed(state, path) for path in changed):
            graph = self._update(state, changed)  # the same files: only the changed ones are new
        else:
            graph, read = None, self._reload(state)
            state.memo = FileRuleMemo()
        parsed = [entry.parsed for entry in state.linted]
        with gc_paused():  # the graph holds no cycles: reference counting frees the last one
            graph, diagnostics = check(
                parsed, self.settings(state.folder), root=state.folder.root, graph=graph, memo=state.memo
            )
        if read >= FREEZE_AFTER:
            gc.collect()  # many files were read: move their parse results out of the collector's way
            gc.freeze()
        state.graph = graph
        return self._compare(state, diagnostics)

    def _listed(self, state: FolderState, path: Path) -> bool:
        """Whether a file belongs in the folder's list: on disk, or an open buffer of it."""
        return path in state.on_disk or (path in self.documents and state.holds(path))

    def _entry(self, state: FolderState, path: Path) -> Entry:
        entry = state.entries.get(path)
        if entry is None:
            entry = state.entries[path] = read_entries([path])[0]
        return entry

    def _update(self, state: FolderState, changed: set[Path]) -> RevisionGraph | None:
        """Replace the changed files' parse results; the last graph still holds when no
        revision variable changed."""
        reuse = True
        swaps = []
        for path in changed:
            position = state.index.get(path)
            if position is None:
                continue  # neither listed before nor now (a closed buffer that was never saved)
            old, new = state.linted[position], self._entry(state, path)
            state.linted[position] = new
            if old.graph_key != new.graph_key:
                reuse = False
            elif old is not new:
                swaps.append((old.parsed, new.parsed))
        if not reuse or state.graph is None:
            return None
        for old_parsed, new_parsed in swaps:
            _swap(state.graph, old_parsed, new_parsed)
        return state.graph

    def _reload(self, state: FolderState) -> int:
        """List the folder's files in alembic's order (what is on disk plus unsaved open buffers),
        reading those not read yet; returns how many were read."""
        paths = list(state.folder.files)
        extra = [path for path in self.documents if path not in state.on_disk and state.holds(path)]
        if extra:
            paths = sorted(paths + extra, key=state.order)
        for path in set(state.entries) - set(paths):
            del state.entries[path]
        missing = [path for path in paths if path not in state.entries]
        state.entries.update(zip(missing, read_entries(missing), strict=True))
        state.paths = paths
        state.index = {path: position for position, path in enumerate(paths)}
        state.linted = [state.entries[path] for path in paths]
        return len(missing)

    def _compare(self, state: FolderState, diagnostics: list[Diagnostic]) -> Report:
        grouped: dict[Path, list[Diagnostic]] = {}
        for diagnostic in diagnostics:
            grouped.setdefault(diagnostic.path, []).append(diagnostic)
        current = {path: tuple(items) for path, items in grouped.items()}
        changed: Report = {}
        for path in state.reported | set(current):
            if state.diagnostics.get(path, ()) != current.get(path, ()):
                changed[path] = current.get(path, ())
        state.diagnostics = current
        state.reported = set(current)
        if changed:
            self.generation += 1
        return changed

    def _rescan(self, state: FolderState) -> bool:
        """List the folder's files again and drop parse results whose file changed on disk.
        False when none of its version locations exists any more."""
        existing = tuple(loc for loc in state.key if loc.is_dir())
        if not existing:
            return False
        files = list_migration_files(existing, state.folder.recursive)
        state.folder = replace(state.folder, files=files)
        state.on_disk = frozenset(files)
        for path, entry in list(state.entries.items()):
            if path not in self.documents and entry.stamp != _stamp(path):
                del state.entries[path]
        return True

    def _forget(self, state: FolderState) -> Report:
        logger.warning("%s: versions folder no longer exists; clearing its diagnostics", state.folder.root)
        del self.folders[state.key]
        changed: Report = dict.fromkeys(state.reported, ())
        self._outside.difference_update(self.documents)
        if changed:
            self.generation += 1
        return changed

    def reports(self) -> Iterable[tuple[Path, tuple[Diagnostic, ...]]]:
        """Every file of every known folder with its current diagnostics (empty when clean)."""
        for state in self.folders.values():
            for path in state.entries:
                yield path, state.diagnostics.get(path, ())
