"""The pipeline: discover -> parse (per file) -> graph (per folder) -> rules -> report.

`check` is pure (parsed files in, graph and diagnostics out) and is what the
language server calls with its own per-file parse cache; `lint` adds discovery
and reading files from disk for the command line.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.discover import DiscoveryError, VersionFolder, discover, list_migration_files
from alembic_lint.globs import matches_any
from alembic_lint.graph import RevisionGraph
from alembic_lint.parse import Migration, ParseFailure, read_migration
from alembic_lint.rules import RULES, Context, FileRule, GraphRule, Rule
from alembic_lint.settings import Settings, selected_rules
from alembic_lint.suppress import apply_suppressions

Parsed = Migration | ParseFailure


@dataclass
class FolderResult:
    folder: VersionFolder
    parsed: list[Parsed]
    graph: RevisionGraph
    diagnostics: list[Diagnostic]


@dataclass
class LintResult:
    folders: list[FolderResult] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted((d for f in self.folders for d in f.diagnostics), key=Diagnostic.sort_key)

    @property
    def unreadable(self) -> list[ParseFailure]:
        return [p for f in self.folders for p in f.parsed if isinstance(p, ParseFailure) and p.kind == "read"]

    @property
    def files(self) -> int:
        return sum(len(f.folder.files) if f.folder.only is None else len(f.folder.only) for f in self.folders)

    @property
    def paths(self) -> list[Path]:
        """Every file checked (the files given, or all files of each folder)."""
        return [p for f in self.folders for p in (f.folder.files if f.folder.only is None else sorted(f.folder.only))]


def parse_files(paths: Sequence[Path]) -> list[Parsed]:
    """Parse files from disk. The collector is paused: the trees are garbage, the facts are not."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [read_migration(path) for path in paths]
    finally:
        if enabled:
            gc.enable()


def check(
    parsed: Sequence[Parsed],
    settings: Settings,
    *,
    root: Path | None = None,
    rules: Sequence[Rule] | None = None,
    graph: RevisionGraph | None = None,
) -> tuple[RevisionGraph, list[Diagnostic]]:
    """Build the graph of one folder, run the selected rules on it, then drop what
    `per-file-ignores` and `# noqa` comments silence (and report unused ones: ALM900).

    `graph`, when given, must be what `RevisionGraph.build(parsed)` would return: the
    language server passes its last graph when an edit changed no revision variable.
    """
    active = selected_rules(settings, RULES) if rules is None else tuple(rules)
    ctx = Context(settings=settings, root=root)
    if graph is None:
        graph = RevisionGraph.build(parsed)
    diagnostics: list[Diagnostic] = []
    for rule in active:
        if isinstance(rule, GraphRule):
            diagnostics.extend(rule.check(graph, ctx))
        elif isinstance(rule, FileRule):
            for item in parsed:
                if isinstance(item, Migration):
                    diagnostics.extend(rule.check(item, ctx))
    diagnostics = apply_suppressions(diagnostics, parsed, settings, active)
    diagnostics.sort(key=Diagnostic.sort_key)
    return graph, diagnostics


def lint_folder(folder: VersionFolder, settings: Settings) -> FolderResult:
    parsed = parse_files(folder.files)
    graph, diagnostics = check(parsed, settings, root=folder.root)
    if folder.only is not None:
        diagnostics = [d for d in diagnostics if d.path in folder.only]
    return FolderResult(folder, parsed, graph, diagnostics)


def lint(paths: Sequence[Path], settings: Settings) -> LintResult:
    """Lint the given paths. Raises `DiscoveryError` for paths that cannot be linted."""
    result = LintResult()
    for folder in folders_for(paths, settings):
        result.folders.append(lint_folder(folder, settings))
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
