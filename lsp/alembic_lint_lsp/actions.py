"""Handlers: code actions (the rules' fixes, from `fixes`, and noqa comments for the line or the file)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lsprotocol import types

from alembic_lint import noqa
from alembic_lint.diagnostics import Edit, Span
from alembic_lint_lsp import fixes
from alembic_lint_lsp.positions import Lines
from alembic_lint_lsp.server import AlembicLintServer, guarded, server


def _text_edits(ls: AlembicLintServer, lines: Lines, edits: Iterable[Edit]) -> list[types.TextEdit]:
    return [types.TextEdit(ls.range(lines, edit.span), edit.text) for edit in edits]


def _overlaps(span: Span, start: tuple[int, int], end: tuple[int, int]) -> bool:
    return (span.line, span.col) <= end and start <= (span.end_line, span.end_col)


fixes.register(server)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=fixes.KINDS))
@guarded
async def code_action(ls: AlembicLintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    quick, fix_all = fixes.wanted(params.context.only)
    if not (quick or fix_all):
        return None
    found = await ls.linted(params.text_document.uri)
    if found is None:
        return None
    path, state = found
    text = ls.session.text_of(path) or ""
    lines = Lines(text, ls.encoding)
    start = ls.position(lines, params.range.start)
    end = ls.position(lines, params.range.end)
    comments = noqa.Comments(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    document_uri = params.text_document.uri
    cache: dict[Path, Lines] = {path: lines}
    actions: dict[str, types.CodeAction] = {}

    def add(title: str, diagnostic: types.Diagnostic, edits: list[types.TextEdit]) -> None:
        if title not in actions:
            actions[title] = types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={document_uri: edits}),
            )

    for diagnostic in state.diagnostics.get(path, ()):
        if not quick or not _overlaps(diagnostic.span, start, end):
            continue
        lsp_diagnostic = ls.to_lsp(diagnostic, cache)
        for action in fixes.quick_fixes(ls, state, diagnostic, lsp_diagnostic):
            actions.setdefault(action.title, action)
        line_edit = noqa.line_edit(comments, diagnostic.span.line, diagnostic.code)
        if line_edit is not None:
            add(f"Disable {diagnostic.code} for this line", lsp_diagnostic, _text_edits(ls, lines, [line_edit]))
        file_edit = noqa.file_edit(comments, diagnostic.code, newline)
        if file_edit is not None:
            add(f"Disable {diagnostic.code} for this file", lsp_diagnostic, _text_edits(ls, lines, [file_edit]))
    if fix_all:
        return [*actions.values(), *fixes.fix_all(ls, state, path, state.diagnostics.get(path, ()))]
    return list(actions.values())
