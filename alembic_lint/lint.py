"""The pipeline: plan -> parse (per file) -> graph (per folder) -> rules -> report.

`check` is pure (parsed files in, graph and diagnostics out) and is what the
language server calls with its own per-file parse cache; `lint` adds the plan
(plan.py: which graphs and files) and reading files from disk for the command line.
Everything a run finds is a finding in its result, unreadable files (ALM011) and
configurations that cannot be resolved (ALM012) included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint.boundary import Boundary, refusal
from alembic_lint.diagnostics import Diagnostic, Span
from alembic_lint.dialect import folder_settings
from alembic_lint.discover import ConfigProblem, ScriptSpec, VersionFolder, list_migration_files
from alembic_lint.fix import git_revisions
from alembic_lint.graph import RevisionGraph
from alembic_lint.parallel import gc_paused, parse_many
from alembic_lint.parse import Migration, Parsed, ParseFailure
from alembic_lint.plan import Plan, plan
from alembic_lint.records import field, record, replace
from alembic_lint.rules import RULES, ConfigRule, Context, FileRule, GraphRule, Rule
from alembic_lint.rules.selection import selected_rules
from alembic_lint.scope import check_since, reported_files
from alembic_lint.settings import Settings
from alembic_lint.suppress import apply_suppressions, ignored_codes

if TYPE_CHECKING:
    from alembic_lint.cache import CacheOptions, FolderCache
    from alembic_lint.graph.incremental import GraphKeeper


@record(frozen=False)
class FolderResult:
    folder: VersionFolder
    parsed: list[Parsed]
    graph: RevisionGraph
    diagnostics: list[Diagnostic]


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


@record(frozen=False)
class LintResult:
    folders: list[FolderResult] = field(default_factory=list)
    configuration: list[Diagnostic] = field(default_factory=list)  # about configurations (ALM012)
    boundary: Boundary | None = None  # what was read: a report shows no line of a file outside it

    @property
    def diagnostics(self) -> list[Diagnostic]:
        if len(self.folders) == 1 and not self.configuration:
            return list(self.folders[0].diagnostics)  # sorted already (`check`, or the cached verdict)
        found = [d for f in self.folders for d in f.diagnostics] + self.configuration
        return sorted(found, key=Diagnostic.sort_key)

    @property
    def files(self) -> int:
        """How many files were checked: migrations, and configuration files with findings."""
        migrations = sum(len(f.folder.files) if f.folder.only is None else len(f.folder.only) for f in self.folders)
        return migrations + len({d.path for d in self.configuration})

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


@record(frozen=False)
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
        results = self.results
        for item in parsed:  # on every edit in the language server: the reused files first
            hit = results.get(id(item))
            if hit is None or hit[0] is not item:
                if not isinstance(item, Migration) or item.recovered is not None:
                    continue  # a file with a syntax error: ALM000 is its one finding
                hit = (item, file_findings(item, rules, ctx))
            fresh[id(item)] = hit
            if hit[1]:
                out.extend(hit[1])
        self.results = fresh  # forget replaced files (and keep their ids from being reused)
        return out


def file_findings(item: Parsed, rules: Sequence[FileRule], ctx: Context) -> list[Diagnostic]:
    """The file rules' findings on one parse result (none on a file with a syntax error:
    ALM000 is its one finding)."""
    if not isinstance(item, Migration) or item.recovered is not None:
        return []
    return [d for rule in rules for d in rule.check(item, ctx)]


def check(
    parsed: Sequence[Parsed],
    settings: Settings,
    *,
    root: Path | None = None,
    rules: Sequence[Rule] | None = None,
    graph: RevisionGraph | None = None,
    memo: FileRuleMemo | None = None,
    graphs: GraphKeeper | None = None,
) -> tuple[RevisionGraph, list[Diagnostic]]:
    """Build the graph of one folder, run the selected rules on it, then drop what
    `per-file-ignores` and `# noqa` comments silence (and report unused ones: ALM900).

    `graph`, when given, must be what `RevisionGraph.build(parsed)` would return. `graphs`
    keeps the graph across calls and updates it for what changed (the language server's:
    graph/incremental.py). `memo` keeps the file rules' findings for parse results that are the same objects
    as last time (the language server re-parses only the file being edited).
    `since` and `report_files` in the settings limit the file rules (and ALM900) to some
    files (scope.py); the graph rules always report on the whole graph.
    """
    active = selected_rules(settings, RULES) if rules is None else tuple(rules)
    parsed, chain = git_revisions.resolve(parsed)  # `get_down_revision()` (alembic-git-revisions) made literal
    ctx = Context(settings=settings, root=root, extra={"git-revisions": chain} if chain else {})
    if graph is None:
        graph = RevisionGraph.build(parsed) if graphs is None else graphs.graph_for(parsed)[0]
    diagnostics: list[Diagnostic] = []
    for rule in active:
        if isinstance(rule, GraphRule):
            diagnostics.extend(rule.check(graph, ctx))
    reported = reported_files(graph, (item.path for item in parsed), settings)  # since / --diff-base
    file_rules = [rule for rule in active if isinstance(rule, FileRule)]
    if file_rules:
        if memo is None:
            memo = FileRuleMemo()
        scoped = parsed if reported is None else [item for item in parsed if item.path in reported]
        diagnostics.extend(memo.findings(scoped, file_rules, ctx))
    diagnostics = apply_suppressions(diagnostics, parsed, ctx, active)
    if reported is not None:  # the suppression rules' findings are about files too
        graph_codes = {rule.code for rule in active if isinstance(rule, GraphRule)}
        diagnostics = [d for d in diagnostics if d.code in graph_codes or d.path in reported]
    if settings.rule_options:
        diagnostics = with_configured_severity(diagnostics, settings)
    diagnostics.sort(key=Diagnostic.sort_key)
    return graph, diagnostics


def with_configured_severity(diagnostics: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """Apply `severity` from `[tool.alembic-lint.rules.<CODE>]` (when `settings.rule_options` has any)."""
    out = []
    for diagnostic in diagnostics:
        severity = settings.severity_for(diagnostic.code)
        out.append(
            diagnostic
            if severity is None or severity == diagnostic.severity
            else replace(diagnostic, severity=severity)
        )
    return out


def lint_folder(
    folder: VersionFolder,
    settings: Settings,
    cache: CacheOptions | None = None,
    known: dict[Path, Parsed] | None = None,
) -> FolderResult:
    """Lint one script directory; with `cache`, through its per-file cache (see cache.py). A folder
    of it that could not be listed, and a location or link of it that resolves outside its
    boundary (not read), are reported like a file that cannot be read (ALM011). `known`:
    files this run already parsed (for discovery), taken from it instead of read again."""
    settings = folder_settings(settings, folder)  # the dialect its alembic.ini names (ALM3xx gating)
    with gc_paused():
        if cache is not None and cache.enabled and not folder.unlisted and not folder.outside:
            return _lint_folder_cached(folder, settings, cache)
        known = known or {}
        missing = [path for path in folder.files if path not in known]
        fresh = dict(zip(missing, parse_files(missing), strict=True))
        parsed = [known.pop(path) if path in known else fresh[path] for path in folder.files] + [
            ParseFailure(path, Span.point(1), f"cannot list folder: {reason}", "read")
            for path, reason in folder.unlisted
        ]
        parsed += refused(folder)
        graph, diagnostics = check(parsed, settings, root=folder.root)
        return FolderResult(folder, parsed, graph, _shown(folder, diagnostics))


def refused(folder: VersionFolder) -> list[ParseFailure]:
    """The locations and links of a graph that resolve outside its boundary, as files that
    cannot be read (ALM011): `versions/a.py: resolves to /etc/passwd, outside the repository ...`."""
    if not folder.outside or folder.boundary is None:
        return []
    return [ParseFailure(path, Span.point(1), refusal(real, folder.boundary), "read") for path, real in folder.outside]


def _shown(folder: VersionFolder, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    if folder.only is not None:
        return [d for d in diagnostics if d.path in folder.only]
    return diagnostics


def _folder_cache(folder: VersionFolder, settings: Settings, options: CacheOptions) -> FolderCache:
    """A folder's cache, its verdict keyed by the settings and by what the rules read besides
    the files (`settings`: with the folder's dialect filled in, `folder_settings`)."""
    from alembic_lint.cache import FolderCache

    ctx = Context(settings=settings, root=folder.root)
    outside = [(rule.code, rule.outside_inputs(ctx)) for rule in selected_rules(settings, RULES)]
    outside.append(("git-revisions", git_revisions.outside_inputs(folder.locations)))
    return FolderCache(
        folder,
        options,
        repr((settings, outside)),
        config=settings.config_path,
        history=lambda: git_revisions.history_stamp(folder.locations),
    )


def cached_verdict(folder: VersionFolder, settings: Settings, options: CacheOptions) -> list[Diagnostic] | None:
    """The diagnostics of `check` on a whole folder as its cache holds them, when neither its
    files nor the settings changed since a run saved them (`settings`: as `_folder_cache`);
    None otherwise, and for a folder `lint_folder` reads without its cache. Parses nothing."""
    if not options.enabled or folder.unlisted or folder.outside:
        return None
    with gc_paused():
        return _folder_cache(folder, settings, options).cached_diagnostics()


def _lint_folder_cached(folder: VersionFolder, settings: Settings, options: CacheOptions) -> FolderResult:
    store = _folder_cache(folder, settings, options)
    cached = store.cached_diagnostics()
    if cached is not None:
        return _CachedFolderResult(folder, _shown(folder, cached), store.parsed)
    parsed = store.parsed()
    graph, diagnostics = check(parsed, settings, root=folder.root)
    store.save(diagnostics, history=git_revisions.reads_history(parsed))
    return FolderResult(folder, parsed, graph, _shown(folder, diagnostics))


def lint(paths: Sequence[Path], settings: Settings, cache: CacheOptions | None = None) -> LintResult:
    """Lint the given paths. Raises `DiscoveryError` for paths that cannot be linted (usage errors).
    Without `cache` (the library default) nothing is read from or written to a cache."""
    if cache is not None and cache.enabled:
        return lint_plan(plan(paths, settings, _cached_facts(cache, settings.config_path)), settings, cache)
    known: dict[Path, Parsed] = {}  # what discovery parses is not read again

    def facts(spec: ScriptSpec, paths: Sequence[Path]) -> list[Parsed]:
        known.update(zip(paths, parse_files(paths), strict=True))
        return [known[path] for path in paths]

    return lint_plan(plan(paths, settings, facts), settings, cache, known)


def _cached_facts(cache: CacheOptions, config: Path | None) -> Callable[[ScriptSpec, Sequence[Path]], list[Parsed]]:
    """The facts discovery reads to split a script directory, through the cache of the graph
    that reads its version locations whole (keystone's and neutron's graph: the same cache
    file, so a warm run parses nothing twice)."""

    def facts(spec: ScriptSpec, paths: Sequence[Path]) -> list[Parsed]:
        files = list_migration_files(spec.locations, True, boundary=spec.boundary)
        parsed = dict(
            zip(
                files,
                parse_folder(VersionFolder(spec.root, spec.locations, True, files, spec.config), cache, config),
                strict=True,
            )
        )
        missing = [path for path in paths if path not in parsed]
        parsed.update(zip(missing, parse_files(missing), strict=True))
        return [parsed[path] for path in paths]

    return facts


def lint_plan(
    planned: Plan, settings: Settings, cache: CacheOptions | None = None, known: dict[Path, Parsed] | None = None
) -> LintResult:
    """Lint the graphs of a plan, and report the configurations it could not resolve (`known`:
    files already parsed while planning)."""
    result = LintResult(configuration=configuration_findings(planned.problems, settings), boundary=planned.boundary)
    for folder in planned.folders:
        result.folders.append(lint_folder(folder, settings, cache, known))
    if settings.since:  # a revision no graph holds is a mistake (ScopeError), not "nothing is new"
        check_since((found.graph for found in result.folders), settings.since)
    return result


def configuration_findings(problems: Sequence[ConfigProblem], settings: Settings) -> list[Diagnostic]:
    """The selected configuration rules' findings (ALM012) on the problems a plan holds."""
    rules = [rule for rule in selected_rules(settings, RULES) if isinstance(rule, ConfigRule)]
    ctx = Context(settings=settings)
    found = [d for problem in problems for rule in rules for d in rule.check(problem, ctx)]
    found = [d for d in found if d.code not in ignored_codes(d.path, settings)]  # per-file-ignores
    return with_configured_severity(found, settings) if settings.rule_options else found
