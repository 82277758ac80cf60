"""`alembic_lint.lint.check` of one folder across edits, kept file by file (the server's).

`FolderCheck.run(parsed, settings, root, changed)` gives, per file, exactly the diagnostics
`check(parsed, settings, root=root)` gives about it (a test drives random edits through it
and compares). What `check` does once per folder is split by the file it is about:

* the file rules' findings are kept per file and worked out again only for the files an
  edit replaced;
* the graph comes from the `GraphKeeper` (updated for the edited files' edges), and the
  graph rules run again on every edit (they read the graph's problems, heads and bases:
  well under a millisecond at 10,000 migrations);
* the suppression step (`per-file-ignores`, `# noqa`, ALM900) and the configured severities
  are applied per file (`suppress.suppress_file`), again only for the files whose findings or
  directives may have changed: the edited files and those whose graph findings changed.

So a keystroke costs what the edited file costs, not the folder. Anything this does not
keep file by file falls back to `check` on the whole folder: files resolved through
`get_down_revision()` (their parents depend on the other files), `since` and `--diff-base`
(the files reported on depend on the graph), a file rule reporting on another file.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.fix.git_revisions import is_dynamic_call
from alembic_lint.graph import RevisionGraph
from alembic_lint.graph.incremental import GraphKeeper
from alembic_lint.lint import FileRuleMemo, check, file_findings, with_configured_severity
from alembic_lint.parse import Migration, Parsed
from alembic_lint.rules import RULES, Context, FileRule, GraphRule, Rule
from alembic_lint.rules.selection import selected_rules
from alembic_lint.settings import Settings
from alembic_lint.suppress import file_noqa, suppress_file

Found = dict[Path, tuple[Diagnostic, ...]]


class FolderCheck:
    """One folder's diagnostics across edits. `diagnostics` holds the files with findings."""

    def __init__(self) -> None:
        self.graphs = GraphKeeper()
        self.diagnostics: Found = {}
        self.whole = 0  # runs that checked every file (statistics for tests and benchmarks)
        self.partial = 0
        self._key: tuple[object, ...] | None = None  # what the kept findings are valid for
        self._parsed: list[Parsed] = []
        self._index: dict[Path, int] = {}  # path -> its (last) position in `_parsed`
        self._found: list[list[Diagnostic]] = []  # the file rules' findings, per position
        self._graph_found: dict[Path, list[Diagnostic]] = {}  # the graph rules' findings, per file
        self._dynamic: set[int] = set()  # positions whose down_revision is `get_down_revision()`
        self._memo = FileRuleMemo()  # for the runs that fall back to `check`

    def forget(self) -> None:
        """Work out every file's findings again next time (files came or went on disk: a rule
        such as ALM201 also looks at the project's folders)."""
        self._key = None
        self._memo = FileRuleMemo()

    def run(
        self, parsed: Sequence[Parsed], settings: Settings, root: Path | None, changed: Collection[int] | None = None
    ) -> tuple[RevisionGraph, set[Path]]:
        """Bring `diagnostics` up to date for `parsed`; return the graph and the files whose
        diagnostics may have changed. `changed`: the positions replaced since the last run (the
        same files in the same order otherwise); None when files came, went or moved."""
        active = selected_rules(settings, RULES)
        key = (settings, root, active)
        if key != self._key or changed is None:
            return self._run_whole(parsed, settings, root, active, key)
        previous = [self._parsed[i] for i in changed]
        for i in changed:
            self._parsed[i] = parsed[i]
            self._dynamic.discard(i)
            if _dynamic(parsed[i]):
                self._dynamic.add(i)
        if self._dynamic or settings.since or settings.report_files is not None:
            return self._fall_back(parsed, settings, root, active)
        ctx = Context(settings=settings, root=root)
        graph = self.graphs.graph_for(parsed, list(changed))[0]
        dirty = self._run_graph_rules(graph, ctx, active)
        file_rules = [rule for rule in active if isinstance(rule, FileRule)]
        for i, old in zip(changed, previous, strict=True):
            path = parsed[i].path
            found = file_findings(parsed[i], file_rules, ctx) if file_rules else []
            if old.path != path or any(d.path != path for d in (*self._found[i], *found)):
                return self._run_whole(parsed, settings, root, active, key)  # findings about another file
            self._found[i] = found
            dirty.add(path)
        for path in dirty:
            self._assemble(path, ctx, active)
        self.partial += 1
        return graph, dirty

    # -- the whole folder ------------------------------------------------------------------
    def _run_whole(
        self,
        parsed: Sequence[Parsed],
        settings: Settings,
        root: Path | None,
        active: tuple[Rule, ...],
        key: tuple[object, ...],
    ) -> tuple[RevisionGraph, set[Path]]:
        kept = (
            {id(item): (item, found) for item, found in zip(self._parsed, self._found, strict=True)}
            if key == self._key
            else {}
        )
        self._key = None
        self._parsed = list(parsed)
        self._index = {item.path: i for i, item in enumerate(self._parsed)}
        self._dynamic = {i for i, item in enumerate(self._parsed) if _dynamic(item)}
        if self._dynamic or settings.since or settings.report_files is not None:
            return self._fall_back(parsed, settings, root, active)
        ctx = Context(settings=settings, root=root)
        graph = self.graphs.graph_for(self._parsed)[0]
        dirty = self._run_graph_rules(graph, ctx, active)
        file_rules = [rule for rule in active if isinstance(rule, FileRule)]
        self._found = [_kept_or(kept, item, file_rules, ctx) for item in self._parsed]
        if file_rules and any(
            d.path != item.path for item, found in zip(self._parsed, self._found, strict=True) for d in found
        ):
            return self._fall_back(parsed, settings, root, active)  # findings about another file
        dirty.update(self.diagnostics)
        dirty.update(self._index)
        self.diagnostics = {}
        for path in dirty:
            self._assemble(path, ctx, active)
        self._key = key
        self.whole += 1
        return graph, dirty

    def _fall_back(
        self, parsed: Sequence[Parsed], settings: Settings, root: Path | None, active: tuple[Rule, ...]
    ) -> tuple[RevisionGraph, set[Path]]:
        """`check` on the whole folder; nothing is kept file by file (the next run is whole too)."""
        self._key = None
        graph, diagnostics = check(parsed, settings, root=root, rules=active, memo=self._memo, graphs=self.graphs)
        grouped: dict[Path, list[Diagnostic]] = {}
        for diagnostic in diagnostics:
            grouped.setdefault(diagnostic.path, []).append(diagnostic)
        dirty = set(self.diagnostics) | set(grouped)
        self.diagnostics = {path: tuple(items) for path, items in grouped.items()}
        self.whole += 1
        return graph, dirty

    # -- pieces ----------------------------------------------------------------------------
    def _run_graph_rules(self, graph: RevisionGraph, ctx: Context, active: tuple[Rule, ...]) -> set[Path]:
        """Run the graph rules; return the files whose graph findings changed."""
        grouped: dict[Path, list[Diagnostic]] = {}
        for rule in active:
            if isinstance(rule, GraphRule):
                for diagnostic in rule.check(graph, ctx):
                    grouped.setdefault(diagnostic.path, []).append(diagnostic)
        old = self._graph_found
        dirty = {path for path in old.keys() | grouped.keys() if old.get(path) != grouped.get(path)}
        self._graph_found = grouped
        return dirty

    def _assemble(self, path: Path, ctx: Context, active: tuple[Rule, ...]) -> None:
        """One file's diagnostics as `check` gives them: its graph findings, then its file
        findings, through the suppression step, with the configured severities, sorted."""
        position = self._index.get(path)
        found = list(self._graph_found.get(path, ()))
        lookup = None
        if position is not None:
            found += self._found[position]
            lookup = file_noqa(self._parsed[position])
        if not found and lookup is None:
            self.diagnostics.pop(path, None)
            return
        out = suppress_file(path, found, lookup, ctx, active)
        if ctx.settings.rule_options:
            out = with_configured_severity(out, ctx.settings)
        out.sort(key=Diagnostic.sort_key)
        if out:
            self.diagnostics[path] = tuple(out)
        else:
            self.diagnostics.pop(path, None)


def _dynamic(item: Parsed) -> bool:
    """A file whose down_revision `git_revisions.resolve` replaces (`get_down_revision()`)."""
    if not isinstance(item, Migration):
        return False
    binding = item.down_revision
    return binding is not None and binding.shape == "dynamic" and is_dynamic_call(binding)


def _kept_or(
    kept: dict[int, tuple[Parsed, list[Diagnostic]]], item: Parsed, rules: list[FileRule], ctx: Context
) -> list[Diagnostic]:
    """The findings kept for this very parse result, else worked out now."""
    hit = kept.get(id(item))
    if hit is not None and hit[0] is item:
        return hit[1]
    return file_findings(item, rules, ctx) if rules else []
