"""Fix rounds: lint, take every applicable fix that overlaps none taken before it, check
that each rewritten file still parses, apply, and lint again until nothing changes.

Everything happens in a `Workspace` (memory): `--diff` shows it, `--fix` writes it. A fix
whose edits overlap an earlier one waits for the next round (the diagnostic it fixes may be
gone by then); a fix that would leave a file that does not parse, touch a file that does not
parse, or create a file that exists is dropped, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic, Fix, Span
from alembic_lint.discover import VersionFolder
from alembic_lint.fix.resolve import Clock, FixContext, Resolved, Unresolved, can_be_safe, resolve
from alembic_lint.fix.text import EditError, apply, encode
from alembic_lint.fix.workspace import Workspace
from alembic_lint.lint import check
from alembic_lint.parse import failure_of, parse_migration
from alembic_lint.settings import Settings

MAX_ROUNDS = 100  # as ruff: a fix that keeps re-appearing stops here


@dataclass
class Applied:
    fix: Fix
    diagnostics: list[Diagnostic]  # the findings it fixes
    note: str = ""


@dataclass
class Available:
    """A fix found (not applied): what `--show-fixes` lists."""

    resolved: Resolved | Unresolved
    diagnostics: list[Diagnostic]


@dataclass
class FixRun:
    workspace: Workspace
    applied: list[Applied] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # fixes dropped, and why (one line each)
    converged: bool = True

    @property
    def fixed(self) -> list[Diagnostic]:
        return [d for applied in self.applied for d in applied.diagnostics]


def folder_files(folder: VersionFolder, workspace: Workspace) -> list[Path]:
    """The folder's files in alembic's order, with the files fixes created in it."""
    files = list(folder.files)
    for path in workspace.created():
        if path in files or not folder.holds(path):
            continue
        after = [i for i, other in enumerate(files) if other.parent == path.parent and other.name < path.name]
        same = [i for i, other in enumerate(files) if other.parent == path.parent]
        position = (after[-1] + 1) if after else (same[0] if same else len(files))
        files.insert(position, path)
    return files


def lint_folder(
    folder: VersionFolder, settings: Settings, workspace: Workspace, clock: Clock | None = None
) -> tuple[FixContext, list[Diagnostic]]:
    """Lint a folder as the workspace has it; the findings shown for it, and what fixes may see."""
    files = folder_files(folder, workspace)
    parsed = [workspace.parsed(path) for path in files]
    graph, diagnostics = check(parsed, settings, root=folder.root)
    if folder.only is not None:
        diagnostics = [d for d in diagnostics if d.path in folder.only]
    return FixContext(folder, graph, parsed, settings, workspace, clock or Clock()), diagnostics


def candidates(
    diagnostics: Iterable[Diagnostic], ctx: FixContext, *, unsafe: bool, resolve_all: bool = False
) -> list[Available]:
    """The diagnostics' fixes, resolved, one entry per distinct fix (in diagnostic order).
    Unless `resolve_all`, a recipe is only resolved when its fix could be applied."""
    found: dict[object, Available] = {}
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if fix is None or fix.applicability == "display":
            continue
        if not (unsafe or resolve_all or can_be_safe(fix)):
            continue
        resolved = resolve(diagnostic, ctx)
        if resolved is None:
            continue
        key: object = (resolved.fix.edits, resolved.fix.creates) if isinstance(resolved, Resolved) else resolved
        if key in found:
            found[key].diagnostics.append(diagnostic)
        else:
            found[key] = Available(resolved, [diagnostic])
    return list(found.values())


class _Round:
    """The fixes one round takes, and the files as they would be with them."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.edits: dict[Path, list[tuple[Span, str]]] = {}
        self.creates: dict[Path, str] = {}

    def take(self, fix: Fix) -> str | None:
        """Take the fix; None when taken, "wait" when it overlaps one taken before, else why not."""
        edits: dict[Path, list[tuple[Span, str]]] = {}
        for edit in fix.edits:
            assert edit.path is not None
            edits.setdefault(edit.path, []).append((edit.span, edit.text))
        texts: dict[Path, str] = {}
        for path, changes in edits.items():
            document = self.workspace.document(path)
            if document is None or failure_of(self.workspace.parsed(path)) is not None:
                return f"{path}: does not parse; not touched"
            try:
                texts[path] = apply(document.text, [*self.edits.get(path, ()), *changes])
            except EditError:
                return "wait"
        for path, text in texts.items():
            problem = _still_parses(path, text, self.workspace.documents[path].encoding)
            if problem is not None:
                return problem
        for new in fix.creates:
            if self.workspace.exists(new.path) or new.path in self.creates:
                return f"{new.path}: already exists; not overwritten"
            problem = _still_parses(new.path, new.text, "utf-8")
            if problem is not None:
                return problem
        for path, changes in edits.items():
            self.edits.setdefault(path, []).extend(changes)
        for new in fix.creates:
            self.creates[new.path] = new.text
        return None

    def commit(self) -> bool:
        """Apply what was taken; False when that changes nothing."""
        changed = bool(self.creates)
        for path, changes in self.edits.items():
            document = self.workspace.document(path)
            assert document is not None
            text = apply(document.text, changes)
            if text != document.text:
                self.workspace.set_text(path, text)
                changed = True
        for path, text in self.creates.items():
            self.workspace.create(path, text)
        return changed


def _still_parses(path: Path, text: str, encoding: str) -> str | None:
    try:
        encode(text, encoding)
    except EditError as exc:
        return f"{path}: {exc}"
    failure = failure_of(parse_migration(path, text))
    if failure is not None:
        return f"{path}: the fix would leave {failure.message} (line {failure.span.line}); not applied"
    return None


def run(
    folders: Sequence[VersionFolder],
    settings: Settings,
    *,
    unsafe: bool = False,
    clock: Clock | None = None,
    workspace: Workspace | None = None,
) -> FixRun:
    """Apply fixes in rounds, in memory, until none applies or nothing changes."""
    outcome = FixRun(workspace if workspace is not None else Workspace())
    clock = clock or Clock()
    dropped: set[object] = set()
    for _ in range(MAX_ROUNDS):
        step = _Round(outcome.workspace)
        taken: list[Applied] = []
        for folder in folders:
            ctx, diagnostics = lint_folder(folder, settings, outcome.workspace, clock)
            for available in candidates(diagnostics, ctx, unsafe=unsafe):
                resolved = available.resolved
                if isinstance(resolved, Unresolved):
                    _once(outcome, dropped, resolved.reason, available.diagnostics[0])
                    continue
                if resolved.fix.applicability == "display" or (resolved.fix.applicability == "unsafe" and not unsafe):
                    continue
                key = (resolved.fix.edits, resolved.fix.creates)
                if key in dropped:
                    continue
                why = step.take(resolved.fix)
                if why is None:
                    taken.append(Applied(resolved.fix, available.diagnostics, resolved.note))
                elif why != "wait":
                    dropped.add(key)
                    _once(outcome, dropped, why, available.diagnostics[0])
        if not taken or not step.commit():
            return outcome
        outcome.applied.extend(taken)
    outcome.converged = False
    outcome.problems.append(f"fixes did not converge after {MAX_ROUNDS} rounds; the files keep the last round's")
    return outcome


def _once(outcome: FixRun, seen: set[object], reason: str, diagnostic: Diagnostic) -> None:
    line = f"{diagnostic.code}: {reason}"
    if line not in seen:
        seen.add(line)
        outcome.problems.append(line)
