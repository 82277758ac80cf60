"""Fixes as code actions: every diagnostic's fix as a `quickfix` (ALM001 with both strategies,
"Re-chain X onto Y (git order)" and "Create a merge revision"), and the document's safe fixes
as one `source.fixAll.alembic-lint` (as ruff's `source.fixAll.ruff`).

Recipes are resolved here, when the client asks, through `alembic_lint.fix.resolve` (git,
libcst and alembic are imported then), from the buffers as they are at that moment. A merge revision is created
with a `CreateFile` resource operation when the client supports it, else through the
`alembic-lint.createFile` command the server runs itself (never overwriting a file).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from alembic_lint.diagnostics import Diagnostic, Fix
from alembic_lint.fix.recipes import HEADS_STRATEGIES, JoinHeads
from alembic_lint.fix.resolve import FixContext, Resolved, Unresolved, resolve
from alembic_lint.fix.text import EditError, apply
from alembic_lint_lsp.positions import Lines

if TYPE_CHECKING:
    from alembic_lint_lsp.server import AlembicLintServer
    from alembic_lint_lsp.session import FolderState

logger = logging.getLogger("alembic_lint_lsp")

FIX_ALL = "source.fixAll.alembic-lint"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL]
CREATE_COMMAND = "alembic-lint.createFile"


def wanted(only: Sequence[Any] | None) -> tuple[bool, bool]:
    """Whether the client asks for quick fixes, and for the fix-all source action."""
    if not only:
        return True, False
    kinds = [str(getattr(kind, "value", kind)) for kind in only]

    def asks(kind: str) -> bool:
        return any(kind == k or kind.startswith(k + ".") for k in kinds)

    return asks(types.CodeActionKind.QuickFix.value), asks(FIX_ALL)


class _Files:
    """The files as the editor has them: open buffers, else the disk."""

    def __init__(self, ls: AlembicLintServer) -> None:
        self.session = ls.session

    def text(self, path: Path) -> str | None:
        return self.session.text_of(path)

    def exists(self, path: Path) -> bool:
        return path in self.session.documents or path.exists()


def _context(ls: AlembicLintServer, state: FolderState) -> FixContext | None:
    if state.graph is None:
        return None
    parsed = [entry.parsed for entry in state.linted]
    return FixContext(state.folder, state.graph, parsed, ls.session.settings_of(state), _Files(ls))


def _resolved(ctx: FixContext | None, diagnostic: Diagnostic) -> Resolved | Unresolved | None:
    """The fix made concrete from the texts as they are now (never kept between requests: an edit
    that changes no diagnostic still moves the spans a fix would edit)."""
    if ctx is None:
        return None
    try:
        return resolve(diagnostic, ctx)
    except Exception as exc:  # git, libcst or alembic failing must not take the request down
        logger.warning("%s: cannot resolve the %s fix: %s", diagnostic.path, diagnostic.code, exc)
        return None


def _variants(diagnostic: Diagnostic) -> list[Diagnostic]:
    """The diagnostic with each fix the editor offers: ALM001 with both heads strategies."""
    fix = diagnostic.fix
    if fix is None:
        return []
    recipe = fix.recipe
    if not isinstance(recipe, JoinHeads):
        return [diagnostic]
    out = [diagnostic]
    for strategy in HEADS_STRATEGIES:
        if strategy != recipe.strategy:
            other = replace(fix, recipe=replace(recipe, strategy=strategy))
            out.append(replace(diagnostic, fix=other))
    return out


def _can_create(ls: AlembicLintServer) -> bool:
    caps = ls.client_capabilities
    workspace = getattr(caps, "workspace", None)
    edit = getattr(workspace, "workspace_edit", None)
    operations = getattr(edit, "resource_operations", None) or ()
    return bool(getattr(edit, "document_changes", None)) and types.ResourceOperationKind.Create in operations


def _text_edits(ls: AlembicLintServer, fix: Fix) -> dict[Path, list[types.TextEdit]]:
    out: dict[Path, list[types.TextEdit]] = {}
    cache: dict[Path, Lines] = {}
    for edit in fix.edits:
        assert edit.path is not None
        if edit.path not in cache:
            cache[edit.path] = ls.lines(edit.path)
        out.setdefault(edit.path, []).append(types.TextEdit(ls.range(cache[edit.path], edit.span), edit.text))
    return out


def action(
    ls: AlembicLintServer, fix: Fix, diagnostics: list[types.Diagnostic], kind: str = types.CodeActionKind.QuickFix
) -> types.CodeAction:
    """The code action applying one resolved fix."""
    edits = _text_edits(ls, fix)
    found = types.CodeAction(title=fix.title, kind=kind, diagnostics=diagnostics or None, is_preferred=fix.safe or None)
    if not fix.creates:
        found.edit = types.WorkspaceEdit(changes={ls.uri(path): items for path, items in edits.items()})
    elif not _can_create(ls):  # the server writes the file itself
        arguments = [[ls.uri(new.path), new.text] for new in fix.creates]
        found.command = types.Command(title=fix.title, command=CREATE_COMMAND, arguments=arguments)
    else:
        operations: list[Any] = []
        start = types.Range(types.Position(0, 0), types.Position(0, 0))
        for new in fix.creates:
            target = ls.uri(new.path)
            operations.append(types.CreateFile(uri=target, options=types.CreateFileOptions(overwrite=False)))
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=target, version=None)
            operations.append(types.TextDocumentEdit(text_document=identifier, edits=[types.TextEdit(start, new.text)]))
        for path, items in edits.items():
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=ls.uri(path), version=None)
            operations.append(types.TextDocumentEdit(text_document=identifier, edits=items))
        found.edit = types.WorkspaceEdit(document_changes=operations)
    return found


def quick_fixes(
    ls: AlembicLintServer, state: FolderState, diagnostic: Diagnostic, lsp_diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    """One quick fix per fix the diagnostic has (both strategies for ALM001)."""
    out = []
    ctx = _context(ls, state)
    for variant in _variants(diagnostic):
        resolved = _resolved(ctx, variant)
        if isinstance(resolved, Resolved) and (resolved.fix.edits or resolved.fix.creates):
            out.append(action(ls, resolved.fix, [lsp_diagnostic]))
    return out


def fix_all(
    ls: AlembicLintServer, state: FolderState, path: Path, diagnostics: Iterable[Diagnostic]
) -> list[types.CodeAction]:
    """The document's safe fixes that edit only it and need neither git nor a new file, as one
    action; fixes that overlap one taken before are left for the next request."""
    text = ls.session.text_of(path)
    if text is None:
        return []
    taken: list[tuple[Any, str]] = []
    edits = []
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if fix is None or fix.recipe is not None or not fix.safe or fix.creates:
            continue
        if any(edit.path not in (None, path) for edit in fix.edits):
            continue
        changes = [(edit.span, edit.text) for edit in fix.edits]
        try:
            apply(text, [*taken, *changes])
        except EditError:
            continue
        taken.extend(changes)
        edits.extend(fix.edits)
    if not edits:
        return []
    combined = Fix("Fix all alembic-lint safe fixes", tuple(replace(e, path=path) for e in edits), "safe")
    return [action(ls, combined, [], FIX_ALL)]


def register(server: Any) -> None:
    """The command that creates a file for clients without `CreateFile` support."""
    from alembic_lint.atomic import create_bytes_atomic

    @server.command(CREATE_COMMAND)
    def create_file(ls: Any, *arguments: Any) -> None:  # pygls reads these annotations at run time
        from pygls.uris import to_fs_path

        for target, text in arguments:
            path = Path(to_fs_path(target) or "")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                create_bytes_atomic(path, str(text).encode("utf-8"))
            except OSError as exc:
                ls.window_show_message(
                    types.ShowMessageParams(types.MessageType.Error, f"alembic-lint: cannot create {path}: {exc}")
                )
                continue
            ls.deliver(ls.session.disk_changed(path))
        ls.request_lint()
