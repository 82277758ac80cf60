"""Handlers: pull diagnostics (textDocument/diagnostic, workspace/diagnostic as a long poll)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from alembic_lint_lsp.positions import Lines
from alembic_lint_lsp.server import SOURCE, AlembicLintServer, guarded, server


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=True),
)
@guarded
async def document_diagnostic(
    ls: AlembicLintServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    found = await ls.linted(params.text_document.uri)
    if found is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    path, state = found
    result_id = ls.result_id(path)
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    cache: dict[Path, Lines] = {}
    items = [ls.to_lsp(d, cache) for d in state.diagnostics.get(path, ())]
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


@server.feature(types.WORKSPACE_DIAGNOSTIC)
@guarded
async def workspace_diagnostic(
    ls: AlembicLintServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    previous = {item.uri: item.value for item in params.previous_result_ids}
    while True:
        await ls.current()
        changed = ls.next_change()
        cache: dict[Path, Lines] = {}
        items: list[types.WorkspaceDocumentDiagnosticReport] = []
        fresh = False
        for path, diagnostics in ls.session.reports():
            document_uri = ls.uri(path)
            result_id = ls.result_id(path)
            document = ls.workspace.text_documents.get(document_uri)
            version = document.version if document is not None else None
            if previous.get(document_uri) == result_id:
                items.append(
                    types.WorkspaceUnchangedDocumentDiagnosticReport(
                        uri=document_uri, result_id=result_id, version=version
                    )
                )
            else:
                fresh = True
                lsp_items = [ls.to_lsp(d, cache) for d in diagnostics]
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=document_uri, items=lsp_items, version=version, result_id=result_id
                    )
                )
        if fresh:
            return types.WorkspaceDiagnosticReport(items=items)
        await changed.wait()  # nothing new: answer when something changes (long poll)
