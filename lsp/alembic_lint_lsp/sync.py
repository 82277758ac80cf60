"""Handlers: documents opened, edited, saved and closed, and files changed on disk."""

from __future__ import annotations

from lsprotocol import types

from alembic_lint_lsp.server import AlembicLintServer, guarded, path_of, server


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded
def did_open(ls: AlembicLintServer, params: types.DidOpenTextDocumentParams) -> None:
    document = params.text_document
    path = path_of(document.uri)
    if path is None or ls.session.open(path, document.text, document.uri) is None:
        return
    if not ls.watching:
        ls.session.saved(path, rescan=True)  # files may have appeared since the last look
    ls.request_lint()


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded
def did_change(ls: AlembicLintServer, params: types.DidChangeTextDocumentParams) -> None:
    document_uri = params.text_document.uri
    path = path_of(document_uri)
    if path is not None and ls.session.change(path, ls.workspace.get_text_document(document_uri).source) is not None:
        ls.request_lint()


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@guarded
def did_save(ls: AlembicLintServer, params: types.DidSaveTextDocumentParams) -> None:
    path = path_of(params.text_document.uri)
    if path is not None and ls.session.saved(path, rescan=not ls.watching) is not None:
        ls.request_lint()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@guarded
def did_close(ls: AlembicLintServer, params: types.DidCloseTextDocumentParams) -> None:
    path = path_of(params.text_document.uri)
    if path is not None and ls.session.close(path) is not None:
        ls.request_lint()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded
def did_change_watched_files(ls: AlembicLintServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        path = path_of(change.uri)
        if path is not None:
            ls.deliver(ls.session.disk_changed(path))
    ls.request_lint()


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
@guarded
def did_change_workspace_folders(ls: AlembicLintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    """The workspace folders are the boundary of what is read: find every graph again within the new ones."""
    ls.deliver(ls.session.reload())
    ls.request_lint()
