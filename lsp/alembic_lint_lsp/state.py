"""One revision graph as the server keeps it: each file's parse result (from disk or from
an editor buffer), the graph built from them, and the diagnostics last reported."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.discover import ConfigProblem, VersionFolder, list_migration_files
from alembic_lint.graph import RevisionGraph
from alembic_lint.graph.incremental import GraphKeeper
from alembic_lint.lint import parse_files
from alembic_lint.lint import refused as refused_links
from alembic_lint.parse import Parsed, parse_migration
from alembic_lint.source import DecodeError, decode_source
from alembic_lint.sourcefile import SourceTooLarge, read_source
from alembic_lint_lsp.checker import FolderCheck

Report = dict[Path, tuple[Diagnostic, ...]]
CacheCall = Callable[[VersionFolder], list[Parsed]]  # a folder's facts through the CLI's cache


@dataclass(frozen=True)
class Entry:
    """One file's parse result, with its text when it came from an editor buffer."""

    parsed: Parsed
    text: str | None = None  # a buffer's text; None for a file read from disk (read again when needed)
    stamp: tuple[int, int] | None = None  # (mtime_ns, size) when read from disk


def stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def read_entries(paths: list[Path], folder: VersionFolder | None = None, cache: CacheCall | None = None) -> list[Entry]:
    """Parse files from disk, through the pipeline's own `parse_files`; with `cache`, the files
    of `folder` come through the command line's cache (its facts, read or parsed and saved)."""
    stamps = [stamp(path) for path in paths]  # before reading: a later change shows on the next look
    known: dict[Path, Parsed] = {}
    if cache is not None and folder is not None:
        known = dict(zip(folder.files, cache(folder), strict=True))
    rest = [path for path in paths if path not in known]
    known.update(zip(rest, parse_files(rest), strict=True))
    return [Entry(known[path], None, stamp) for path, stamp in zip(paths, stamps, strict=True)]


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
    problems: tuple[ConfigProblem, ...] = ()  # of the configuration beside it (the graph was found by its layout)
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
    parsed: list[Parsed] = field(default_factory=list)  # what is linted: `linted`'s, then the links refused
    changed: set[Path] = field(default_factory=set)
    on_disk: frozenset[Path] = frozenset()
    # The diagnostics across edits, file by file, and the graph, updated for what an edit changed.
    checker: FolderCheck = field(default_factory=FolderCheck)
    extra: frozenset[Path] = frozenset()  # the files of the last configuration findings (ALM012)
    # The diagnostics came from the command line's cached verdict; the files are not read yet.
    pending: bool = False

    def __post_init__(self) -> None:
        self.on_disk = frozenset(self.folder.files)

    @property
    def graphs(self) -> GraphKeeper:
        return self.checker.graphs

    @property
    def refused(self) -> frozenset[Path]:
        """Its locations and links that resolve outside its boundary: never read, nor linted as buffers."""
        return frozenset(path for path, _ in self.folder.outside)

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
        return self.folder.holds(path)

    def touches(self, path: Path) -> bool:
        """True when a change at `path` (a file or a whole folder) may change this folder's files."""
        return self.holds(path) or any(path == loc or path in loc.parents or loc in path.parents for loc in self.key)

    def order(self, path: Path) -> tuple[int, tuple[str, ...], str]:
        """alembic's walk order: location, then top-down with sorted folder and file names."""
        for index, location in enumerate(self.key):
            if location in path.parents:
                return index, path.parent.relative_to(location).parts, path.name
        return len(self.key), path.parent.parts, path.name

    # -- bringing it up to date (`documents`: the open buffers, path -> text) ------------------
    def listed(self, path: Path, documents: Mapping[Path, str]) -> bool:
        """Whether a file belongs in the folder's list: on disk, or an open buffer of it."""
        return path in self.on_disk or (path in documents and self.holds(path) and path not in self.refused)

    def entry(self, path: Path) -> Entry:
        """The file's parse result: the buffer's, else read from disk now."""
        entry = self.entries.get(path)
        if entry is None:
            entry = self.entries[path] = read_entries([path])[0]
        return entry

    def update(self, changed: set[Path]) -> list[int]:
        """Replace the changed files' parse results; return their positions."""
        positions = []
        for path in changed:
            position = self.index.get(path)
            if position is not None:  # else neither listed before nor now (a closed, never saved buffer)
                entry = self.linted[position] = self.entry(path)
                self.parsed[position] = entry.parsed
                positions.append(position)
        return positions

    def relist(self, documents: Mapping[Path, str], cache: CacheCall | None = None) -> int:
        """List the files in alembic's order (what is on disk plus unsaved open buffers), reading
        those not read yet; returns how many were read. With `cache`, a folder read for the
        first time comes through the command line's cache."""
        paths = list(self.folder.files)
        refused = self.refused
        extra = [path for path in documents if path not in self.on_disk and self.holds(path) and path not in refused]
        if extra:
            paths = sorted(paths + extra, key=self.order)
        for path in set(self.entries) - set(paths):
            del self.entries[path]
        missing = [path for path in paths if path not in self.entries]
        folder = self.folder  # read as the command line reads it: through the cache, unless it does not
        whole = cache is not None and len(missing) > len(paths) // 2 and not folder.unlisted and not folder.outside
        entries = read_entries(missing, self.folder, cache) if whole else read_entries(missing)
        self.entries.update(zip(missing, entries, strict=True))
        self.paths = paths
        self.index = {path: position for position, path in enumerate(paths)}
        self.linted = [self.entries[path] for path in paths]
        self.parsed = [entry.parsed for entry in self.linted] + refused_links(folder)  # links out: ALM011
        self.checker.forget()
        return len(missing)

    def rescan_disk(self, documents: Mapping[Path, str]) -> bool:
        """List the files on disk again and drop parse results whose file changed there.
        False when none of the version locations exists any more."""
        existing = tuple(location for location in self.key if location.is_dir())
        if not existing:
            return False
        outside: list[tuple[Path, str]] = []
        files = list_migration_files(
            existing, self.folder.recursive, self.folder.excluded, boundary=self.folder.boundary, outside=outside
        )
        self.folder = replace(self.folder, files=files, outside=tuple(outside))
        self.on_disk = frozenset(files)
        for path, entry in list(self.entries.items()):
            if path not in documents and entry.stamp != stamp(path):
                del self.entries[path]
        return True

    def report(
        self, found: Mapping[Path, tuple[Diagnostic, ...]], extra: list[Diagnostic], paths: set[Path] | None = None
    ) -> Report:
        """Take a check's diagnostics per file (`found`), with `extra` (about the configuration)
        after them; return the files whose diagnostics changed (empty tuple: now clean).
        `paths`: the only files whose diagnostics in `found` may have changed (None: any)."""
        grouped: dict[Path, list[Diagnostic]] = {}
        for diagnostic in extra:
            grouped.setdefault(diagnostic.path, []).append(diagnostic)
        candidates = self.extra | grouped.keys()
        candidates |= self.reported | found.keys() if paths is None else paths
        self.extra = frozenset(grouped)
        changed: Report = {}
        for path in candidates:
            current = found.get(path, ()) + tuple(grouped.get(path, ()))
            if self.diagnostics.get(path, ()) == current:
                continue
            changed[path] = current
            if current:
                self.diagnostics[path] = current
                self.reported.add(path)
            else:
                self.diagnostics.pop(path, None)
                self.reported.discard(path)
        return changed
