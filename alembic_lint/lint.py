"""The pipeline: discover -> parse (per file) -> graph (per folder) -> rules -> report.

`check` is pure (parsed files in, graph and diagnostics out) and is what the
language server calls with its own per-file parse cache; `lint` adds discovery
and reading files from disk for the command line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.dialect import folder_settings
from alembic_lint.discover import DiscoveryError, VersionFolder, discover, list_migration_files
from alembic_lint.fix import git_revisions
from alembic_lint.globs import matches_any
from alembic_lint.graph import RevisionGraph
from alembic_lint.parallel import gc_paused, parse_many
from alembic_lint.parse import Migration, ParseFailure
from alembic_lint.rules import RULES, Context, FileRule, GraphRule, Rule
from alembic_lint.settings import Settings, selected_rules
from alembic_lint.suppress import apply_suppressions

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

    @property
    def paths(self) -> list[Path]:
        """Every file checked (the files given, or all files of each folder)."""
        return [p for f in self.folders for p in (f.folder.files if f.folder.only is None else sorted(f.folder.only))]


def parse_files(paths: Sequence[Path], *, jobs: int | None = None) -> list[Parsed]:
    """Parse files from disk, in order. Large folders are parsed by several processes (the
    result is the same); the collector is paused: the trees are garbage, the facts are not."""
    return parse_many(paths, jobs=jobs)[0]


def parse_folder(folder: VersionFolder, cache: CacheOptions | None = None, config: Path | None = None) -> list[Parsed]:
    """Every file of a script directory parsed, through its cache when `cache` is enabled
    (`config`: alembic-lint's configuration file, which can decide where the cache goes)."""
    if cache is None or not cache.enabled:
        return parse_files(folder.files)
    from alembic_lint.cache import FolderCache

    with gc_paused():
        store = FolderCache(folder, cache, "", config=config)
        parsed = store.parsed()
        store.save()
    return parsed


@dataclass
class FileRuleMemo:
    """The file rules' findings per parse result, valid while the settings, the rules and
    the root stay the same. A result is reused only for the very same `Migration` object."""

    key: tuple[object, ...] | None = None
    results: dict[int, tuple[Migration, list[Diagnostic]]] = field(default_factory=dict)

    def findings(self, parsed: Sequence[Parsed], rules: Sequence[FileRule], ctx: Context) -> list[Diagnostic]:
        key = (ctx.settings, ctx.root, tuple(rules))
        if key != self.key:
            self.key, self.results = key, {}
        out: list[Diagnostic] = []
        fresh: dict[int, tuple[Migration, list[Diagnostic]]] = {}
        for item in parsed:
            if not isinstance(item, Migration):
                continue
            hit = self.results.get(id(item))
            if hit is None or hit[0] is not item:
                hit = (item, [d for rule in rules for d in rule.check(item, ctx)])
            fresh[id(item)] = hit
            out.extend(hit[1])
        self.results = fresh  # forget replaced files (and keep their ids from being reused)
        return out


def check(
    parsed: Sequence[Parsed],
    settings: Settings,
    *,
    root: Path | None = None,
    rules: Sequence[Rule] | None = None,
    graph: RevisionGraph | None = None,
    memo: FileRuleMemo | None = None,
) -> tuple[RevisionGraph, list[Diagnostic]]:
    """Build the graph of one folder, run the selected rules on it, then drop what
    `per-file-ignores` and `# noqa` comments silence (and report unused ones: ALM900).

    `graph`, when given, must be what `RevisionGraph.build(parsed)` would return: the
    language server passes its last graph when an edit changed no revision variable.
    `memo` keeps the file rules' findings for parse results that are the same objects
    as last time (the language server re-parses only the file being edited).
    """
    active = selected_rules(settings, RULES) if rules is None else tuple(rules)
    parsed, chain = git_revisions.resolve(parsed)  # `get_down_revision()` (alembic-git-revisions) made literal
    ctx = Context(settings=settings, root=root, extra={"git-revisions": chain} if chain else {})
    if graph is None:
        graph = RevisionGraph.build(parsed)
    diagnostics: list[Diagnostic] = []
    for rule in active:
        if isinstance(rule, GraphRule):
            diagnostics.extend(rule.check(graph, ctx))
    file_rules = [rule for rule in active if isinstance(rule, FileRule)]
    if file_rules:
        if memo is None:
            memo = FileRuleMemo()
        diagnostics.extend(memo.findings(parsed, file_rules, ctx))
    diagnostics = apply_suppressions(diagnostics, parsed, settings, active)
    if settings.rule_options:
        diagnostics = _with_configured_severity(diagnostics, settings)
    diagnostics.sort(key=Diagnostic.sort_key)
    return graph, diagnostics


def _with_configured_severity(diagnostics: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """Apply `severity` from `[tool.alembic-lint.rules.<CODE>]`."""
    out = []
    for diagnostic in diagnostics:
        severity = settings.severity_for(diagnostic.code)
        out.append(
            diagnostic
            if severity is None or severity == diagnostic.severity
            else replace(diagnostic, severity=severity)
        )
    return out


def lint_folder(folder: VersionFolder, settings: Settings, cache: CacheOptions | None = None) -> FolderResult:
    """Lint one script directory; with `cache`, through its per-file cache (see cache.py)."""
    settings = folder_settings(settings, folder)  # the dialect its alembic.ini names (ALM3xx gating)
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

    ctx = Context(settings=settings, root=folder.root)
    outside = [(rule.code, rule.outside_inputs(ctx)) for rule in selected_rules(settings, RULES)]
    outside.append(("git-revisions", git_revisions.outside_inputs(folder.locations)))
    store = FolderCache(folder, options, repr((settings, outside)), config=settings.config_path)
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
    for folder in folders_for(paths, settings):
        result.folders.append(lint_folder(folder, settings, cache))
    return result


def folders_for(paths: Sequence[Path], settings: Settings) -> list[VersionFolder]:
    """The folders to lint: discovered, or the configured `version-locations`; minus `exclude`."""
    if settings.version_locations is not None:
        folders = [_configured_folder(paths, settings.version_locations, settings.config_path)]
    else:
        folders = discover(paths)
    if not settings.exclude:
        return folders
    kept = []
    for folder in folders:
        files = tuple(f for f in folder.files if not matches_any(settings.exclude, f, settings.project_root))
        only = None if folder.only is None else folder.only & frozenset(files)
        if files and (only is None or only):
            kept.append(replace(folder, files=files, only=only))
    return kept


def _configured_folder(paths: Sequence[Path], locations: tuple[Path, ...], config: Path | None) -> VersionFolder:
    """One script directory made of the configured locations (read recursively); a path
    argument inside them limits the report to the files under it."""
    files = list_migration_files(locations, recursive=True)
    if not files:
        shown = ", ".join(str(location) for location in locations)
        raise DiscoveryError(f"{shown}: no migration files found (version-locations in {config})")
    only: set[Path] = set()
    for raw in paths:
        path = Path(os.path.normpath(raw.absolute()))
        if not path.exists():
            raise DiscoveryError(f"{raw}: no such file or directory")
        chosen = [f for f in files if f == path or path in f.parents]
        if not chosen and not any(path == location or path in location.parents for location in locations):
            shown = ", ".join(str(location) for location in locations)
            raise DiscoveryError(f"{raw}: not in the version-locations set in {config} ({shown})")
        only.update(chosen)
    root = Path(os.path.commonpath(locations))
    return VersionFolder(root, locations, True, files, config, None if len(only) == len(files) else frozenset(only))
