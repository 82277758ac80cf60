"""The pipeline: discover -> parse (per file) -> graph (per folder) -> rules -> report.

`check` is pure (parsed files in, graph and diagnostics out) and is what the
language server calls with its own per-file parse cache; `lint` adds discovery
and reading files from disk for the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.discover import VersionFolder, discover
from alembic_lint.graph import RevisionGraph
from alembic_lint.parallel import gc_paused, parse_many
from alembic_lint.parse import Migration, ParseFailure
from alembic_lint.rules import RULES, Context, FileRule, GraphRule, Rule
from alembic_lint.settings import Settings, selected_rules

if TYPE_CHECKING:
    from alembic_lint.cache import CacheOptions

Parsed = Migration | ParseFailure


@dataclass
class FolderResult:
    folder: VersionFolder
    parsed: list[Parsed]
    graph: RevisionGraph
    diagnostics: list[Diagnostic]

    @property
    def unreadable(self) -> list[ParseFailure]:
        return [p for p in self.parsed if isinstance(p, ParseFailure) and p.kind == "read"]


class _CachedFolderResult(FolderResult):
    """A folder whose files and settings are unchanged since the cached verdict: its
    diagnostics come from the cache, its facts and graph are loaded only if asked for."""

    def __init__(self, folder: VersionFolder, diagnostics: list[Diagnostic], load: Callable[[], list[Parsed]]):
        self.folder = folder
        self.diagnostics = diagnostics
        self._load = load
        self._graph: RevisionGraph | None = None

    @property  # type: ignore[override]
    def parsed(self) -> list[Parsed]:
        return self._load()

    @property  # type: ignore[override]
    def graph(self) -> RevisionGraph:
        if self._graph is None:
            self._graph = RevisionGraph.build(self.parsed)
        return self._graph

    @property
    def unreadable(self) -> list[ParseFailure]:
        return []  # a verdict is only cached when every file could be read


@dataclass
class LintResult:
    folders: list[FolderResult] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted((d for f in self.folders for d in f.diagnostics), key=Diagnostic.sort_key)

    @property
    def unreadable(self) -> list[ParseFailure]:
        return [p for f in self.folders for p in f.unreadable]

    @property
    def files(self) -> int:
        return sum(len(f.folder.files) if f.folder.only is None else len(f.folder.only) for f in self.folders)


def parse_files(paths: Sequence[Path], *, jobs: int | None = None) -> list[Parsed]:
    """Parse files from disk, in order. Large folders are parsed by several processes (the
    result is the same); the collector is paused: the trees are garbage, the facts are not."""
    return parse_many(paths, jobs=jobs)[0]


def parse_folder(folder: VersionFolder, cache: CacheOptions | None = None) -> list[Parsed]:
    """Every file of a script directory parsed, through its cache when `cache` is enabled."""
    if cache is None or not cache.enabled:
        return parse_files(folder.files)
    from alembic_lint.cache import FolderCache

    with gc_paused():
        store = FolderCache(folder, cache, "")
        parsed = store.parsed()
        store.save()
    return parsed


def check(
    parsed: Sequence[Parsed],
    settings: Settings,
    *,
    root: Path | None = None,
    rules: Sequence[Rule] | None = None,
) -> tuple[RevisionGraph, list[Diagnostic]]:
    """Build the graph of one folder and run the selected rules on it."""
    active = selected_rules(settings, RULES) if rules is None else tuple(rules)
    ctx = Context(settings=settings, root=root)
    graph = RevisionGraph.build(parsed)
    diagnostics: list[Diagnostic] = []
    for rule in active:
        if isinstance(rule, GraphRule):
            diagnostics.extend(rule.check(graph, ctx))
        elif isinstance(rule, FileRule):
            for item in parsed:
                if isinstance(item, Migration):
                    diagnostics.extend(rule.check(item, ctx))
    diagnostics.sort(key=Diagnostic.sort_key)
    return graph, diagnostics


def lint_folder(folder: VersionFolder, settings: Settings, cache: CacheOptions | None = None) -> FolderResult:
    """Lint one script directory; with `cache`, through its per-file cache (see cache.py)."""
    with gc_paused():
        if cache is not None and cache.enabled:
            return _lint_folder_cached(folder, settings, cache)
        parsed = parse_files(folder.files)
        graph, diagnostics = check(parsed, settings, root=folder.root)
        return FolderResult(folder, parsed, graph, _shown(folder, diagnostics))


def _shown(folder: VersionFolder, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    if folder.only is not None:
        return [d for d in diagnostics if d.path in folder.only]
    return diagnostics


def _lint_folder_cached(folder: VersionFolder, settings: Settings, options: CacheOptions) -> FolderResult:
    from alembic_lint.cache import FolderCache

    store = FolderCache(folder, options, repr(settings))
    cached = store.cached_diagnostics()
    if cached is not None:
        return _CachedFolderResult(folder, _shown(folder, cached), store.parsed)
    parsed = store.parsed()
    graph, diagnostics = check(parsed, settings, root=folder.root)
    store.save(diagnostics)
    return FolderResult(folder, parsed, graph, _shown(folder, diagnostics))


def lint(paths: Sequence[Path], settings: Settings, cache: CacheOptions | None = None) -> LintResult:
    """Lint the given paths. Raises `DiscoveryError` for paths that cannot be linted.
    Without `cache` (the library default) nothing is read from or written to a cache."""
    result = LintResult()
    for folder in discover(paths):
        result.folders.append(lint_folder(folder, settings, cache))
    return result
