"""The language server: adapts `Session` (and so `alembic_lint`) to the protocol with pygls 2.x.

Handlers are plain functions taking the server as `ls`. Every handler is guarded:
a failure is logged as a warning and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import itertools
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from alembic_lint import __version__
from alembic_lint.diagnostics import Diagnostic, Edit, Span
from alembic_lint.parse import Migration, Value
from alembic_lint.rules import RULES_BY_CODE
from alembic_lint.source import split_lines
from alembic_lint_lsp import fixes, graph_request, navigation, noqa
from alembic_lint_lsp.positions import Lines, Position
from alembic_lint_lsp.session import FolderState, Report, Session
from alembic_lint_lsp.settings import SECTION, ClientSettings, settings_for

logger = logging.getLogger("alembic_lint_lsp")

SOURCE = "alembic-lint"
WATCH_ID = "alembic-lint-watched-files"
WATCHED = ("**/*.py", "**/alembic.ini", "**/pyproject.toml", "**/versions")
CONFIG_TIMEOUT = 10.0  # seconds to wait for the client's settings before linting without them
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*(["'])(.+?)\1""", re.MULTILINE)

F = TypeVar("F", bound=Callable[..., Any])


class _Protocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            # pygls logs a request it cannot read and drops it; answer it so the client does not wait.
            if "method" in data and "id" in data:
                self._send_response(data["id"], error=exc.to_response_error())
            raise

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Any:
        result = yield from super().lsp_initialize(params)
        if not self._server.pull:  # type: ignore[attr-defined]
            result.capabilities.diagnostic_provider = None  # push only: never both for one client
        return result


class AlembicLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "alembic-lint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
            protocol_cls=_Protocol,
        )
        self.client_settings = ClientSettings()
        self.session = Session(lambda folder: settings_for(folder, self.client_settings))
        self.pull = False  # the client pulls diagnostics (and can be told to refresh them)
        self.watching = False  # the client reports file changes on disk
        self.configurable = False  # the client answers workspace/configuration
        self.markdown = True
        self.ready = asyncio.Event()  # set once the client's settings are known
        self._task: asyncio.Future[None] | None = None
        self._touched: set[Path] = set()  # buffers edited since the last lint
        self._ids = itertools.count(1)
        self._result_ids: dict[Path, str] = {}
        self._changed = asyncio.Event()
        self._uris: dict[Path, str] = {}  # open documents' URIs, as the client spelt them

    # -- errors --------------------------------------------------------------------
    def report_server_error(self, error: Exception, source: Any) -> None:
        logger.warning("%s: %s", getattr(source, "__name__", source), error)

    def uri(self, path: Path) -> str:
        """The URI the client knows a file by."""
        return self._uris.get(path) or uri(path)

    # -- positions -----------------------------------------------------------------
    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding
        return str(getattr(encoding, "value", encoding) or "utf-16")

    def lines(self, path: Path) -> Lines:
        return Lines(self.session.text_of(path), self.encoding)

    def range(self, lines: Lines, span: Span) -> types.Range:
        start, end = lines.span_to_client(span)
        return types.Range(types.Position(start.line, start.character), types.Position(end.line, end.character))

    def location(self, path: Path, span: Span, cache: dict[Path, Lines] | None = None) -> types.Location:
        cache = {} if cache is None else cache
        if path not in cache:
            cache[path] = self.lines(path)
        return types.Location(self.uri(path), self.range(cache[path], span))

    def position(self, lines: Lines, position: types.Position) -> tuple[int, int]:
        return lines.from_client(Position(position.line, position.character))

    def to_lsp(self, diagnostic: Diagnostic, cache: dict[Path, Lines]) -> types.Diagnostic:
        if diagnostic.path not in cache:
            cache[diagnostic.path] = self.lines(diagnostic.path)
        rule = RULES_BY_CODE.get(diagnostic.code)
        return types.Diagnostic(
            range=self.range(cache[diagnostic.path], diagnostic.span),
            message=diagnostic.message,
            severity=_SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Error),
            code=diagnostic.code,
            code_description=types.CodeDescription(href=rule.url()) if rule is not None else None,
            source=SOURCE,
            related_information=[
                types.DiagnosticRelatedInformation(self.location(r.path, r.span, cache), r.message)
                for r in diagnostic.related
            ]
            or None,
        )

    # -- linting -------------------------------------------------------------------
    def request_lint(self) -> None:
        """Lint the changed folders soon; changes that arrive meanwhile are linted together."""
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._lint_soon())

    async def _lint_soon(self) -> None:
        await self.ready.wait()
        await asyncio.sleep(0)  # let queued notifications land first
        self.lint_now()

    async def current(self) -> None:
        """Wait for the settings, then bring every folder up to date (for requests)."""
        await self.ready.wait()
        self.lint_now()

    def lint_now(self) -> None:
        for state in self.session.dirty():
            try:
                changed = self.session.lint(state)
            except Exception:
                logger.warning("%s: linting failed", state.folder.root, exc_info=True)
                continue
            self.deliver(changed, touched=[p for p in self._touched if state.holds(p)])
        self._touched.clear()

    def deliver(self, changed: Report, touched: Iterable[Path] = ()) -> None:
        """Tell the client about changed diagnostics: publish them, or have it pull again."""
        if self.pull:
            for path in changed:
                self._result_ids[path] = str(next(self._ids))
            if changed:
                self._changed.set()
                self._changed = asyncio.Event()
            if set(changed) - set(touched):
                self.workspace_diagnostic_refresh(None)
            return
        cache: dict[Path, Lines] = {}
        for path in list(changed) + [p for p in touched if p not in changed]:
            items = changed.get(path)
            if items is None:
                state = self.session.folder_of(path)
                items = state.diagnostics.get(path, ()) if state is not None else ()
            self.publish(path, items, cache)

    def publish(self, path: Path, items: tuple[Diagnostic, ...], cache: dict[Path, Lines]) -> None:
        document_uri = self.uri(path)
        document = self.workspace.text_documents.get(document_uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=document_uri,
                diagnostics=[self.to_lsp(d, cache) for d in items],
                version=document.version if document is not None else None,
            )
        )

    def result_id(self, path: Path) -> str:
        if path not in self._result_ids:
            self._result_ids[path] = str(next(self._ids))
        return self._result_ids[path]


def uri(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def path_of(document_uri: str) -> Path | None:
    """The file of a `file:` URI; None for other schemes (untitled buffers, ...)."""
    if not document_uri.startswith("file:"):
        return None
    fs_path = to_fs_path(document_uri)
    return Path(fs_path) if fs_path else None


def guarded(handler: F) -> F:
    """Log a failing handler's error as a warning and answer "nothing" instead."""
    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def run_async(ls: AlembicLintServer, params: Any) -> Any:
            try:
                return await handler(ls, params)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("%s failed", handler.__name__, exc_info=True)
                return None

        return run_async  # type: ignore[return-value]

    @functools.wraps(handler)
    def run(ls: AlembicLintServer, params: Any) -> Any:
        try:
            return handler(ls, params)
        except Exception:
            logger.warning("%s failed", handler.__name__, exc_info=True)
            return None

    return run  # type: ignore[return-value]


server = AlembicLintServer()


# -- lifecycle and settings ------------------------------------------------------------
def _capability(root: object, *names: str) -> Any:
    for name in names:
        root = getattr(root, name, None)
        if root is None:
            return None
    return root


def _apply_settings(ls: AlembicLintServer, raw: object) -> None:
    settings = ls.client_settings.merged(raw)
    for problem in settings.problems:
        logger.warning("settings: %s", problem)
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"alembic-lint: {problem}"))
    ls.client_settings = settings


@server.feature(types.INITIALIZE)
@guarded
def initialize(ls: AlembicLintServer, params: types.InitializeParams) -> None:
    caps = params.capabilities
    ls.pull = bool(_capability(caps, "text_document", "diagnostic")) and bool(
        _capability(caps, "workspace", "diagnostics", "refresh_support")
    )
    ls.watching = bool(_capability(caps, "workspace", "did_change_watched_files", "dynamic_registration"))
    ls.configurable = bool(_capability(caps, "workspace", "configuration"))
    formats = _capability(caps, "text_document", "hover", "content_format")
    ls.markdown = formats is None or types.MarkupKind.Markdown in formats
    _apply_settings(ls, params.initialization_options)
    if not ls.configurable:
        ls.ready.set()


@server.feature(types.INITIALIZED)
@guarded
async def initialized(ls: AlembicLintServer, params: types.InitializedParams) -> None:
    try:
        if ls.configurable:
            await _pull_settings(ls)
    finally:
        ls.ready.set()
    if ls.watching:
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id=WATCH_ID,
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[types.FileSystemWatcher(glob_pattern=p) for p in WATCHED]
                            ),
                        )
                    ]
                )
            )
        except Exception as exc:
            logger.warning("cannot watch files (%s); the folder is re-read on save instead", exc)
            ls.watching = False


async def _pull_settings(ls: AlembicLintServer) -> None:
    try:
        answer = await asyncio.wait_for(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            ),
            CONFIG_TIMEOUT,
        )
    except Exception as exc:
        logger.warning("workspace/configuration failed: %s", exc or type(exc).__name__)
        return
    if answer:
        _apply_settings(ls, answer[0])


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
@guarded
async def did_change_configuration(ls: AlembicLintServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
        _apply_settings(ls, settings[SECTION])
    elif ls.configurable:
        await _pull_settings(ls)
    else:
        _apply_settings(ls, settings)
    ls.session.invalidate_all()
    ls.request_lint()


# -- documents and files ---------------------------------------------------------------
def _buffer(ls: AlembicLintServer, document_uri: str, text: str, *, opened: bool) -> None:
    """An open buffer's text is new: parse it again and lint its folder soon."""
    path = path_of(document_uri)
    if path is None or (ls.session.open if opened else ls.session.change)(path, text) is None:
        return
    if opened:
        ls._uris[path] = document_uri
        if not ls.watching:
            ls.session.saved(path, rescan=True)  # files may have appeared since the last look
    ls._touched.add(path)
    ls.request_lint()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded
def did_open(ls: AlembicLintServer, params: types.DidOpenTextDocumentParams) -> None:
    _buffer(ls, params.text_document.uri, params.text_document.text, opened=True)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded
def did_change(ls: AlembicLintServer, params: types.DidChangeTextDocumentParams) -> None:
    document_uri = params.text_document.uri
    _buffer(ls, document_uri, ls.workspace.get_text_document(document_uri).source, opened=False)


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
    if path is not None:
        ls._uris.pop(path, None)
        if ls.session.close(path) is not None:
            ls.request_lint()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded
def did_change_watched_files(ls: AlembicLintServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        path = path_of(change.uri)
        if path is not None:
            ls.deliver(ls.session.disk_changed(path))
    ls.request_lint()


async def _linted(ls: AlembicLintServer, document_uri: str) -> tuple[Path, FolderState] | None:
    """A document's file and folder, with the folder's diagnostics up to date; None outside any folder."""
    await ls.current()
    path = path_of(document_uri)
    state = ls.session.folder_of(path) if path is not None else None
    if path is None or state is None:
        return None
    ls.lint_now()  # a folder seen for the first time
    return path, state


# -- pull diagnostics --------------------------------------------------------------------
@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=True),
)
@guarded
async def document_diagnostic(
    ls: AlembicLintServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    found = await _linted(ls, params.text_document.uri)
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
        changed = ls._changed
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


# -- navigation --------------------------------------------------------------------------
def _markup(ls: AlembicLintServer, text: str) -> types.MarkupContent:
    return types.MarkupContent(types.MarkupKind.Markdown if ls.markdown else types.MarkupKind.PlainText, text)


async def _value_under_cursor(
    ls: AlembicLintServer, params: types.TextDocumentPositionParams
) -> tuple[FolderState, Value, Lines] | None:
    """The revision id string under the cursor, in a file that parses."""
    found = await _linted(ls, params.text_document.uri)
    if found is None:
        return None
    path, state = found
    entry = state.entries.get(path)
    if entry is None or not isinstance(entry.parsed, Migration) or state.graph is None:
        return None
    lines = ls.lines(path)
    line, col = ls.position(lines, params.position)
    hit = navigation.value_at(entry.parsed, line, col)
    if hit is None:
        return None
    return state, hit[1], lines


@server.feature(types.TEXT_DOCUMENT_HOVER)
@guarded
async def hover(ls: AlembicLintServer, params: types.HoverParams) -> types.Hover | None:
    await ls.current()
    path = path_of(params.text_document.uri)
    if path is None:
        return None
    lines = ls.lines(path)
    line, col = ls.position(lines, params.position)
    for written in noqa.codes_at(lines.line(line), line):
        rule = RULES_BY_CODE.get(written.code)
        if rule is not None and written.col <= col <= written.end_col:
            span = Span(line, written.col, line, written.end_col)
            text = f"**{rule.code}** `{rule.name}`\n\n{rule.documentation()}\n\n{rule.url()}"
            return types.Hover(_markup(ls, text), ls.range(lines, span))
    hit = await _value_under_cursor(ls, params)
    if hit is None:
        return None
    state, value, lines = hit
    text = navigation.describe(state.graph, value.text, state.folder.root)
    return types.Hover(_markup(ls, text), ls.range(lines, value.span))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@guarded
async def definition(ls: AlembicLintServer, params: types.DefinitionParams) -> list[types.Location] | None:
    hit = await _value_under_cursor(ls, params)
    if hit is None:
        return None
    state, value, _ = hit
    target = navigation.definition(state.graph, value.text)
    return [ls.location(target.path, target.span)] if target is not None else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
@guarded
async def references(ls: AlembicLintServer, params: types.ReferenceParams) -> list[types.Location] | None:
    hit = await _value_under_cursor(ls, params)
    if hit is None:
        return None
    state, value, _ = hit
    cache: dict[Path, Lines] = {}
    found = navigation.references(state.graph, value.text, include_declaration=params.context.include_declaration)
    return [ls.location(t.path, t.span, cache) for t in found]


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=['"', "'"]))
@guarded
async def completion(ls: AlembicLintServer, params: types.CompletionParams) -> types.CompletionList | None:
    found = await _linted(ls, params.text_document.uri)
    if found is None or found[1].graph is None:
        return None
    path, state = found
    text = ls.session.text_of(path) or ""
    lines = Lines(text, ls.encoding)
    line, col = ls.position(lines, params.position)
    context = navigation.completion_context(split_lines(text), line, col)
    if context is None:
        return None
    own = _REVISION.search(text)
    edit_range = ls.range(lines, Span(line, context.start, line, col))
    items = []
    for index, (identifier, node, is_head) in enumerate(
        navigation.candidates(state.graph, context, own.group(2) if own else None)
    ):
        header = node.migration.header
        message = header.message if header is not None else ""
        items.append(
            types.CompletionItem(
                label=identifier,
                kind=types.CompletionItemKind.Reference,
                detail=("head: " if is_head else "") + message,
                documentation=navigation.describe(state.graph, identifier, state.folder.root),
                sort_text=f"{index:08d}",
                filter_text=identifier,
                preselect=index == 0 and is_head,
                text_edit=types.TextEdit(edit_range, identifier),
            )
        )
    return types.CompletionList(is_incomplete=False, items=items)


# -- code actions ------------------------------------------------------------------------
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
    found = await _linted(ls, params.text_document.uri)
    if found is None:
        return None
    path, state = found
    text = ls.session.text_of(path) or ""
    lines = Lines(text, ls.encoding)
    start = ls.position(lines, params.range.start)
    end = ls.position(lines, params.range.end)
    comments = noqa.Comments(split_lines(text))
    newline = "\r\n" if "\r\n" in text else "\n"
    document_uri = params.text_document.uri
    cache: dict[Path, Lines] = {path: lines}
    actions: dict[str, types.CodeAction] = {}

    def add(title: str, diagnostic: types.Diagnostic, edits: list[types.TextEdit], preferred: bool = False) -> None:
        if title not in actions:
            actions[title] = types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=preferred or None,
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


graph_request.register(server)  # the custom `alembic-lint/graph` request


# -- entry point ---------------------------------------------------------------------------
class _OneLine(logging.Filter):
    """pygls logs a message it cannot read with a traceback; keep it to one line below DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = record.exc_text = None
        return True


def serve(tcp: tuple[str, int] | None = None, log_level: str = "WARNING") -> int:
    """Run the server on stdio (or TCP, for debugging) until the client says exit."""
    logging.basicConfig(format="alembic-lint server: %(levelname)s: %(message)s", level=log_level.upper())
    if log_level.upper() != "DEBUG":
        for handler in logging.getLogger().handlers:
            handler.addFilter(_OneLine())
    if tcp is not None:
        server.start_tcp(*tcp)
    else:
        server.start_io()
    return 0
