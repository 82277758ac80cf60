"""The server's state, without the protocol: open buffers, the revision graphs they belong to,
and the diagnostics last reported for every file.

The unit of work is a revision graph, as the plan (`alembic_lint.plan.plan_buffer`) finds it
for a buffer: the same graph the command line lints for that file, `version-locations`
and `exclude` included. Editing a file re-parses that file only; linting a graph then
updates the diagnostics of that file (and of those whose graph findings changed) through
`checker.FolderCheck`, the same as `alembic_lint.lint.check` of the whole folder. A folder
read for the first time that the command line checked, unchanged since, is first published
from the verdict the command line's cache holds, and read right after.

The workspace folders are the boundary (alembic_lint/boundary.py): a configuration, a
versions folder or a link in it that resolves outside them is not read (a file outside
every workspace folder is read within its own repository, as the command line reads it).
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from alembic_lint.boundary import Boundary, boundary_for
from alembic_lint.cache.options import CacheOptions
from alembic_lint.diagnostics import Diagnostic
from alembic_lint.dialect import folder_settings
from alembic_lint.discover import DiscoveryError
from alembic_lint.lint import cached_verdict, configuration_findings, parse_folder
from alembic_lint.parallel import gc_paused
from alembic_lint.plan import Plan, plan_buffer
from alembic_lint.settings import Settings
from alembic_lint.template import TEMPLATE_NAME
from alembic_lint_lsp.state import CacheCall, FolderState, Report, buffer_entry, read_text

logger = logging.getLogger(__name__)

CONFIG_FILES = frozenset({"alembic.ini", "pyproject.toml", "alembic-lint.toml"})
# Reading this many files at once freezes the collector's view of them: its full passes
# over thousands of long-lived parse results would otherwise dominate every later lint.
FREEZE_AFTER = 500

__all__ = ["FolderState", "Report", "Session"]


class Session:
    """Everything the server knows, independent of the protocol.

    `settings(path)` gives the settings that apply to a file or folder (the project's
    configuration, with the editor's choices over it); `roots()` the workspace folders, and
    `allow` the paths outside them that may be read anyway (`--allow-outside`)."""

    def __init__(
        self,
        settings: Callable[[Path], Settings],
        roots: Callable[[], Sequence[Path]] = tuple,
        allow: Sequence[Path] = (),
    ) -> None:
        self.settings = settings
        self.roots = roots
        self.allow = tuple(allow)
        self.documents: dict[Path, str] = {}  # open buffers
        self.folders: dict[tuple[Path, ...], FolderState] = {}
        self.generation = 0  # bumped whenever some file's diagnostics change
        self._uris: dict[Path, str] = {}  # open documents' URIs, as the client spelt them
        self._touched: set[Path] = set()  # buffers edited since they were last linted
        self._outside: set[Path] = set()  # files known to be in no revision graph

    # -- where files belong ----------------------------------------------------------
    def boundary_of(self, path: Path) -> Boundary:
        """What may be read for a file: the workspace folders when one holds it, else its repository."""
        roots = tuple(self.roots())
        if any(root == path or root in path.parents for root in roots):
            name = "the workspace folder" if len(roots) == 1 else "the workspace folders"
            return Boundary.of(roots, self.allow, name)
        return boundary_for([path], self.allow)

    def folder_of(self, path: Path) -> FolderState | None:
        """The graph `path` belongs to (found once, then kept); None for any other file."""
        for state in self.folders.values():
            if state.holds(path):
                return state
        if path in self._outside:
            return None
        try:
            planned = plan_buffer(path, self.settings(path), self.boundary_of(path))
        except (DiscoveryError, OSError) as exc:
            logger.debug("%s: cannot find its revision graph: %s", path, exc)
            planned = Plan()
        if not planned.folders:
            logger.debug("%s: in no revision graph; not linted", path)
            self._outside.add(path)
            return None
        found = planned.folders[0]
        state = self.folders.get(found.locations)
        if state is None:
            state = self.folders[found.locations] = FolderState(found, problems=planned.problems)
        return state

    def text_of(self, path: Path) -> str | None:
        """The text of a file: the open buffer's, else what is on disk (never that of a link a
        graph refused: it leads outside the boundary)."""
        if path in self.documents:
            return self.documents[path]
        if any(path in state.refused for state in self.folders.values()):
            return None
        return read_text(path)

    def settings_of(self, state: FolderState) -> Settings:
        """The settings a graph is linted with (the dialect its alembic.ini names filled in)."""
        return folder_settings(self.settings(state.folder.root), state.folder)

    def uri_of(self, path: Path) -> str | None:
        """The URI the client opened a document by (None: not open)."""
        return self._uris.get(path)

    def diagnostics_of(self, path: Path) -> tuple[Diagnostic, ...]:
        """A file's current diagnostics (empty when clean or outside every graph)."""
        state = self.folder_of(path)
        return state.diagnostics.get(path, ()) if state is not None else ()

    # -- events ----------------------------------------------------------------------
    def open(self, path: Path, text: str, uri: str | None = None) -> FolderState | None:
        self._outside.discard(path)  # look again: the project may have changed since
        if uri is not None:
            self._uris[path] = uri
        return self.change(path, text)

    def change(self, path: Path, text: str) -> FolderState | None:
        self.documents[path] = text
        state = self.folder_of(path)
        if state is not None:
            state.set_entry(path, buffer_entry(path, text))
            self._touched.add(path)
        return state

    def close(self, path: Path) -> FolderState | None:
        self.documents.pop(path, None)
        self._uris.pop(path, None)
        state = self.folder_of(path)
        if state is not None:
            state.drop_entry(path)  # back to what is on disk (or gone, if never saved)
        return state

    def saved(self, path: Path, *, rescan: bool) -> FolderState | None:
        """A buffer was written. Without file watching, the folder is re-listed from disk."""
        if path.name == TEMPLATE_NAME:
            return next(iter(self._template_changed(path)), None)
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
        if path.name == TEMPLATE_NAME:
            self._template_changed(path)
            return {}
        for state in self.folders.values():
            if state.touches(path):
                if path not in self.documents:
                    state.drop_entry(path)
                state.rescan = state.dirty = True
        return {}

    def reload(self) -> Report:
        """A project config changed: find every graph again, keeping what is still valid.

        Returns the files to clear: those of graphs that are no longer found."""
        old, self.folders = self.folders, {}
        self._outside.clear()
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
            for path in state.reported:
                cleared.pop(path, None)
        if cleared:
            self.generation += 1
        return cleared

    def _template_changed(self, path: Path) -> list[FolderState]:
        """The `script.py.mako` at `path` was written: the file rules that follow the template
        (ALM101, ALM102, ALM104, ALM201's imports) look at every file of its folders again."""
        changed = [
            state for state in self.folders.values() if path.parent in (state.folder.root, state.folder.root.parent)
        ]
        for state in changed:
            state.checker.forget()
            state.dirty = True
        return changed

    def invalidate_all(self) -> None:
        """Settings changed: every graph is linted again (parse results are kept)."""
        for state in self.folders.values():
            state.dirty = True

    # -- linting ---------------------------------------------------------------------
    def dirty(self, defer: bool = False) -> Iterator[FolderState]:
        while True:
            state = next((s for s in self.folders.values() if s.dirty or (s.pending and not defer)), None)
            if state is None:
                return
            yield state

    def pending(self) -> bool:
        """Whether some graph's diagnostics came from the command line's cache, its files unread."""
        return any(state.pending for state in self.folders.values())

    def lint_dirty(self, defer: bool = False) -> Iterator[tuple[Report, list[Path]]]:
        """Lint every graph that changed: per graph, the files whose diagnostics changed and the
        buffers edited in it since its last lint (their diagnostics are sent even when unchanged).

        With `defer`, a graph read for the first time takes its diagnostics from the command
        line's cached verdict when it holds them (the same as checking it: `lint.cached_verdict`)
        and reads its files later: at the next lint without `defer`."""
        for state in self.dirty(defer):
            try:
                changed = self.lint(state, defer=defer)
            except Exception:
                logger.warning("%s: linting failed", state.folder.label, exc_info=True)
                state.dirty = False
                continue
            touched = [path for path in self._touched if state.holds(path)]
            self._touched.difference_update(touched)
            yield changed, touched

    def lint(self, state: FolderState, *, defer: bool = False) -> Report:
        """Lint one graph; return the files whose diagnostics changed (empty tuple: now clean).
        `defer`: see `lint_dirty`."""
        state.dirty = False
        first = state.graph is None  # read for the first time (or published from the cache's verdict since)
        full = first
        if state.rescan:
            state.rescan, full = False, True
            if not state.rescan_disk(self.documents):
                return self._forget(state)
        settings = self.settings_of(state)
        if first and defer:
            verdict = self._verdict(state, settings)
            if verdict is not None:
                state.pending = True
                return self._reported(state, verdict, configuration_findings(state.problems, settings), None)
        state.pending = False
        changed, state.changed = state.changed, set()
        read = 0
        positions: list[int] | None = None
        if not full and all((path in state.index) == state.listed(path, self.documents) for path in changed):
            positions = state.update(changed)  # the same files: only the changed ones are new
        else:
            read = state.relist(self.documents, _through_cache(settings))
        with gc_paused():  # the graph holds no cycles: reference counting frees the last one
            graph, paths = state.checker.run(state.parsed, settings, state.folder.root, positions)
        # The configuration beside a graph found by its layout, when it cannot be resolved (ALM012).
        extra = configuration_findings(state.problems, settings)
        if read >= FREEZE_AFTER:
            # Many files were read: move their parse results out of the collector's way. (Without
            # a full collection first: reading leaves no cycles; at 10,000 files one found nothing
            # to free and took 0.5 s.)
            gc.freeze()
        state.graph = graph
        return self._reported(state, state.checker.diagnostics, extra, None if positions is None else paths)

    def _reported(
        self,
        state: FolderState,
        found: Mapping[Path, tuple[Diagnostic, ...]],
        extra: list[Diagnostic],
        paths: set[Path] | None,
    ) -> Report:
        changes = state.report(found, extra, paths)
        if changes:
            self.generation += 1
        return changes

    def _verdict(self, state: FolderState, settings: Settings) -> dict[Path, tuple[Diagnostic, ...]] | None:
        """The diagnostics the command line's cache holds for the folder, per file, when every
        open buffer of it is byte for byte the file on disk (the verdict is about those); None
        otherwise, or without a cache."""
        folder = state.folder
        for path, text in self.documents.items():
            if state.holds(path) and (path not in state.on_disk or _on_disk(path) != text.encode("utf-8")):
                return None
        options = _cache_options(settings)
        verdict = cached_verdict(folder, settings, options) if options is not None else None
        if verdict is None:
            return None
        grouped: dict[Path, list[Diagnostic]] = {}
        for diagnostic in verdict:
            grouped.setdefault(diagnostic.path, []).append(diagnostic)
        return {path: tuple(items) for path, items in grouped.items()}

    def _forget(self, state: FolderState) -> Report:
        logger.info("%s: versions folder no longer exists; clearing its diagnostics", state.folder.label)
        del self.folders[state.key]
        changed: Report = dict.fromkeys(state.reported, ())
        self._outside.difference_update(self.documents)
        if changed:
            self.generation += 1
        return changed

    def reports(self) -> Iterable[tuple[Path, tuple[Diagnostic, ...]]]:
        """Every file of every known graph with its current diagnostics (empty when clean), and
        the other files its diagnostics are on (a configuration, a link it does not read)."""
        for state in self.folders.values():
            for path in state.entries:
                yield path, state.diagnostics.get(path, ())
            for path, diagnostics in state.diagnostics.items():
                if path not in state.entries:
                    yield path, diagnostics


def _cache_options(settings: Settings) -> CacheOptions | None:
    """The command line's cache as it would use it: where it would put it (the `cache-dir`
    setting, ALEMBIC_LINT_CACHE_DIR), None with ALEMBIC_LINT_NO_CACHE."""
    if os.environ.get("ALEMBIC_LINT_NO_CACHE", "") not in ("", "0", "false"):
        return None
    environment = os.environ.get("ALEMBIC_LINT_CACHE_DIR")
    return CacheOptions(directory=Path(environment) if environment else settings.cache_dir)


def _through_cache(settings: Settings) -> CacheCall | None:
    """How a folder read whole comes through the command line's cache."""
    options = _cache_options(settings)
    if options is None:
        return None
    return lambda folder: parse_folder(folder, options, settings.config_path)


def _on_disk(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
