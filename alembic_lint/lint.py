"""The pipeline: discover -> parse (per file) -> graph (per folder) -> rules -> report.

`check` is pure (parsed files in, graph and diagnostics out) and is what the
language server calls with its own per-file parse cache; `lint` adds discovery
and reading files from disk for the command line.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.discover import VersionFolder, discover
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
) -> tuple[RevisionGraph, list[Diagnostic]]:
    """Build the graph of one folder, run the selected rules on it, then drop what
    `per-file-ignores` and `# noqa` comments silence (and report unused ones: ALM900)."""
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
    for folder in discover(paths):
        result.folders.append(lint_folder(folder, settings))
    return result
