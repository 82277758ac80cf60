"""The fix flags of `alembic-lint check` (ruff's): `--fix`, `--unsafe-fixes`, `--diff`,
`--show-fixes`, `--add-noqa`, `--heads-strategy`. `cli.run_check` calls `start` before it
lints and `summary` for its last line; everything else about fixing happens here."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from alembic_lint.fix.recipes import HEADS_STRATEGIES
from alembic_lint.records import record, replace

if TYPE_CHECKING:
    from alembic_lint.diagnostics import Diagnostic, Fix
    from alembic_lint.discover import VersionFolder
    from alembic_lint.fix.engine import FixRun
    from alembic_lint.settings import Settings

HEADS_RULE = "ALM001"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fixes")
    group.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what remains")
    group.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply (or show) the unsafe fixes, which need a review"
    )
    group.add_argument(
        "--diff", action="store_true", help="print the changes the fixes would make as a diff; write nothing"
    )
    group.add_argument(
        "--show-fixes", action="store_true", help="list the fixes applied (with --fix) or available (without)"
    )
    group.add_argument(
        "--add-noqa", action="store_true", help="add a `# noqa: CODE` comment on the line of every finding"
    )
    group.add_argument(
        "--heads-strategy",
        choices=HEADS_STRATEGIES,
        help="how the ALM001 fix leaves one head: re-chain the later branch onto the other head (default), "
        "or write a merge revision (`heads-strategy` in [tool.alembic-lint.rules.ALM001])",
    )


def requested(args: argparse.Namespace) -> bool:
    return bool(args.fix or args.diff or args.show_fixes or args.add_noqa)


def adjust(settings: Settings, args: argparse.Namespace) -> Settings:
    """The settings with `--heads-strategy` in ALM001's options."""
    if not getattr(args, "heads_strategy", None):
        return settings
    options = dict(settings.options_for(HEADS_RULE))
    options["heads-strategy"] = args.heads_strategy
    others = tuple(item for item in settings.rule_options if item[0] != HEADS_RULE)
    merged = tuple(sorted((*others, (HEADS_RULE, tuple(sorted(options.items()))))))
    return replace(settings, rule_options=merged)


@record(frozen=False)
class Started:
    """What fixing left for `run_check` to do: `exit` set means the command is done."""

    args: argparse.Namespace
    run: FixRun | None = None
    exit: int | None = None
    listed: tuple[int, int] | None = None  # (safe, unsafe) fixes `--show-fixes` found, without --fix
    listing: str = ""  # what `--show-fixes` prints before the summary

    def summary(self, diagnostics: Sequence[Diagnostic], files: int) -> str:
        """The last line(s), ruff's after a fix: `Found 3 errors (2 fixed, 1 remaining).`"""
        from alembic_lint.report import summary

        fixed = len(self.run.fixed) if self.run is not None else 0
        if fixed:
            total = fixed + len(diagnostics)
            line = f"Found {total} error{'s' if total != 1 else ''} ({fixed} fixed, {len(diagnostics)} remaining)."
        else:
            line = summary(diagnostics, files)
        safe, unsafe = self.listed if self.listed is not None else (0, _unsafe(diagnostics))
        if self.args.unsafe_fixes and self.run is None:
            safe, unsafe = safe + unsafe, 0
        return self.listing + line + _hint(safe, 0 if self.args.unsafe_fixes else unsafe)


def _hint(fixable: int, hidden: int) -> str:
    """ruff's line about the fixes left: `[*] 2 fixable with `--fix`.`"""
    more = f"{hidden} unsafe fix{'es' if hidden != 1 else ''} available with `--fix --unsafe-fixes`"
    if fixable and hidden:
        return f"\n[*] {fixable} fixable with `--fix` ({more})."
    if fixable:
        return f"\n[*] {fixable} fixable with `--fix`."
    if hidden:
        return f"\n{more[0].upper()}{more[1:]}."
    return ""


def _unsafe(diagnostics: Sequence[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == "unsafe")


def start(args: argparse.Namespace, groups: dict[Settings, list[Path]], out: TextIO, err: TextIO) -> Started:
    """Fix, diff, list fixes or add noqa comments, before `run_check` lints and reports."""
    from alembic_lint.plan import plan
    from alembic_lint.usage import UsageError

    if args.add_noqa and (args.fix or args.diff):
        raise UsageError("--add-noqa cannot be used with --fix or --diff")
    work = [(settings, list(plan(paths, settings).folders)) for settings, paths in groups.items()]
    cwd = Path.cwd()
    if args.add_noqa:
        return Started(args, exit=_add_noqa(work, cwd, err))
    if args.fix or args.diff:
        return _fix(args, work, cwd, out, err)
    listing, listed = _list_fixes(work, cwd)
    return Started(args, listed=listed, listing=listing)


def _fix(
    args: argparse.Namespace, work: list[tuple[Settings, list[VersionFolder]]], cwd: Path, out: TextIO, err: TextIO
) -> Started:
    from alembic_lint.fix.diff import diffs
    from alembic_lint.fix.engine import run
    from alembic_lint.fix.workspace import Workspace

    workspace = Workspace()
    outcome = None
    for settings, folders in work:
        step = run(folders, settings, unsafe=args.unsafe_fixes, workspace=workspace)
        if outcome is None:
            outcome = step
        else:
            outcome.applied.extend(step.applied)
            outcome.problems.extend(step.problems)
    assert outcome is not None
    for applied in outcome.applied:
        if applied.note:
            first = applied.diagnostics[0]
            err.write(f"{_shown(_subject(applied.fix, first), cwd)}: {first.code}: {applied.note}\n")
    for problem in outcome.problems:
        err.write(f"alembic-lint: warning: {problem}\n")
    if args.diff:
        changed = workspace.changed()
        out.write(diffs(changed, {d.path: _shown(d.path, cwd) for d in changed}))
        err.write(_would_fix(outcome, args, work))
        return Started(args, outcome, exit=1 if changed else 0)
    problems = workspace.write()
    for problem in problems:
        err.write(f"alembic-lint: error: {problem}\n")
    if problems:
        return Started(args, outcome, exit=2)
    if args.show_fixes and outcome.applied:
        err.write(_fixed_summary(outcome, cwd))
    return Started(args, outcome)


def _would_fix(outcome: FixRun, args: argparse.Namespace, work: list[tuple[Settings, list[VersionFolder]]]) -> str:
    """ruff's line after `--diff`."""
    from alembic_lint.fix.engine import lint_folder

    fixed = len(outcome.fixed)
    hidden = 0
    if not args.unsafe_fixes:
        for settings, folders in work:
            for folder in folders:
                hidden += _unsafe(lint_folder(folder, settings, outcome.workspace)[1])
    more = ""
    if hidden:
        more = f" ({hidden} additional fix{'es' if hidden != 1 else ''} available with `--unsafe-fixes`)"
    if fixed:
        return f"Would fix {fixed} error{'s' if fixed != 1 else ''}{more}.\n"
    if hidden:
        available = f"{hidden} fix{'es' if hidden != 1 else ''} available with `--unsafe-fixes`"
        return f"No errors would be fixed ({available}).\n"
    return ""


def _fixed_summary(outcome: FixRun, cwd: Path) -> str:
    """ruff's `--show-fixes` after `--fix`: per file, how many findings of each rule were fixed."""
    table: dict[str, dict[tuple[str, str], int]] = {}
    for diagnostic in outcome.fixed:
        rules = table.setdefault(_shown(diagnostic.path, cwd), {})
        rules[(diagnostic.code, diagnostic.name)] = rules.get((diagnostic.code, diagnostic.name), 0) + 1
    total = len(outcome.fixed)
    width = len(str(max(n for rules in table.values() for n in rules.values())))
    lines = [f"Fixed {total} error{'s' if total != 1 else ''}:"]
    for path in sorted(table):
        lines.append(f"- {path}:")
        for (code, name), count in sorted(table[path].items()):
            lines.append(f"    {count:>{width}} × {code} ({name})")  # noqa: RUF001 (ruff's own sign)
    return "\n".join(lines) + "\n\n"


def _list_fixes(work: list[tuple[Settings, list[VersionFolder]]], cwd: Path) -> tuple[str, tuple[int, int]]:
    """`--show-fixes` without `--fix`: every fix the findings have, resolved, with its applicability."""
    from alembic_lint.fix.engine import candidates, lint_folder
    from alembic_lint.fix.resolve import Resolved, Unresolved
    from alembic_lint.fix.workspace import Workspace

    workspace = Workspace()
    lines: list[str] = []
    counts = {"safe": 0, "unsafe": 0, "display": 0}
    for settings, folders in work:
        for folder in folders:
            ctx, diagnostics = lint_folder(folder, settings, workspace)
            for available in candidates(diagnostics, ctx, unsafe=True, resolve_all=True):
                first = available.diagnostics[0]
                if isinstance(available.resolved, Resolved):
                    subject = _subject(available.resolved.fix, first)
                    first = next((d for d in available.diagnostics if d.path == subject), first)
                where = f"{_shown(first.path, cwd)}:{first.span.line}:{first.span.col + 1}: {first.code}"
                resolved = available.resolved
                if isinstance(resolved, Unresolved):
                    lines.append(f"{where} [none] {resolved.reason}")
                    continue
                counts[resolved.fix.applicability] += len(available.diagnostics)
                lines.append(f"{where} [{resolved.fix.applicability}] {resolved.fix.title}")
                if resolved.note:
                    lines.append(f"    {resolved.note}")
    listing = ""
    if lines:
        title = "Fixes available (`--fix` applies the safe ones, with `--unsafe-fixes` also the unsafe ones):"
        listing = "".join(f"{line}\n" for line in [title, *lines, ""])
    return listing, (counts["safe"], counts["unsafe"])


def _add_noqa(work: list[tuple[Settings, list[VersionFolder]]], cwd: Path, err: TextIO) -> int:
    from alembic_lint.fix.add_noqa import add_noqa
    from alembic_lint.fix.engine import lint_folder
    from alembic_lint.fix.workspace import Workspace
    from alembic_lint.parse import failure_of

    workspace = Workspace()
    added = 0
    for settings, folders in work:
        for folder in folders:
            _, diagnostics = lint_folder(folder, settings, workspace)
            by_path: dict[Path, list[Diagnostic]] = {}
            for diagnostic in diagnostics:
                by_path.setdefault(diagnostic.path, []).append(diagnostic)
            for path, found in by_path.items():
                if failure_of(workspace.parsed(path)) is not None:
                    continue  # never touch a file that does not parse
                text, count = add_noqa(workspace.text(path) or "", found)
                if count:
                    workspace.set_text(path, text)
                    added += count
    problems = workspace.write()
    for problem in problems:
        err.write(f"alembic-lint: error: {problem}\n")
    err.write(f"Added {added} noqa directive{'s' if added != 1 else ''}.\n")
    return 2 if problems else 0


def _subject(fix: Fix, diagnostic: Diagnostic) -> Path:
    """The file a fix is about: the first it edits or creates, else the diagnostic's."""
    if fix.edits and fix.edits[0].path is not None:
        return fix.edits[0].path
    if fix.creates:
        return fix.creates[0].path
    return diagnostic.path


def _shown(path: Path, cwd: Path) -> str:
    from alembic_lint.report import display_path

    return display_path(path, cwd)
