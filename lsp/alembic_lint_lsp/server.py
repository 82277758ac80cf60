"""The language server object: adapts `Session` (and so `alembic_lint`) to the protocol with pygls 2.x.

It holds what the protocol needs besides the session: the client's capabilities and
settings, position conversion in the negotiated encoding, and delivering diagnostics
(published, or pulled with result ids). The handlers are plain functions in their own
modules (lifecycle, sync, pull, features, actions), registered on `server` with
`@server.feature`; `run.serve` loads them. Every handler is `guarded`: a failure is
logged as a warning and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import itertools
import logging
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
from alembic_lint.diagnostics import Diagnostic, Span
from alembic_lint.rules import RULES_BY_CODE
from alembic_lint_lsp.positions import Lines, Position
from alembic_lint_lsp.session import FolderState, Report, Session
from alembic_lint_lsp.settings import ClientSettings, settings_for

logger = logging.getLogger("alembic_lint_lsp")

SOURCE = "alembic-lint"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}

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
        self.session = Session(
            lambda path: settings_for(path, self.client_settings, self.config_problem), self.workspace_roots
        )
        self.pull = False  # the client pulls diagnostics (and can be told to refresh them)
        self.watching = False  # the client reports file changes on disk
        self.configurable = False  # the client answers workspace/configuration
        self.markdown = True
        self.ready = asyncio.Event()  # set once the client's settings are known
        self._task: asyncio.Future[None] | None = None
        self._ids = itertools.count(1)
        self._result_ids: dict[Path, str] = {}
        self._changed = asyncio.Event()
        self._problems: set[str] = set()  # configuration problems already shown to the user

    # -- errors --------------------------------------------------------------------
    def report_server_error(self, error: Exception, source: Any) -> None:
        logger.warning("%s: %s", getattr(source, "__name__", source), error)

    def config_problem(self, message: str) -> None:
        """A project configuration that cannot be used: shown once, then linted with the defaults."""
        if message not in self._problems:
            self._problems.add(message)
            logger.warning("%s; using the default settings", message)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"alembic-lint: {message}"))

    def workspace_roots(self) -> list[Path]:
        """The workspace folders (else the root the client named): the boundary of what is read."""
        try:
            workspace = self.workspace
        except Exception:  # not initialized yet
            return []
        roots = [path_of(folder.uri) for folder in workspace.folders.values()]
        if not roots and workspace.root_uri:
            roots = [path_of(workspace.root_uri)]
        return [root for root in roots if root is not None]

    # -- documents -----------------------------------------------------------------
    def uri(self, path: Path) -> str:
        """The URI the client knows a file by."""
        return self.session.uri_of(path) or uri(path)

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
        """Lint the changed graphs soon; changes that arrive meanwhile are linted together."""
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._lint_soon())

    async def _lint_soon(self) -> None:
        await self.ready.wait()
        await asyncio.sleep(0)  # let queued notifications land first
        self.lint_now(defer=True)
        if self.session.pending():  # published from the command line's cache: now read the files
            await asyncio.sleep(0)
            self.lint_now()

    async def current(self) -> None:
        """Wait for the settings, then bring every graph up to date (for requests)."""
        await self.ready.wait()
        self.lint_now()

    async def linted(self, document_uri: str) -> tuple[Path, FolderState] | None:
        """A document's file and graph, with the graph's diagnostics up to date; None outside any graph."""
        await self.current()
        path = path_of(document_uri)
        state = self.session.folder_of(path) if path is not None else None
        if path is None or state is None:
            return None
        self.lint_now()  # a graph seen for the first time
        return path, state

    def lint_now(self, defer: bool = False) -> None:
        for changed, touched in self.session.lint_dirty(defer):
            self.deliver(changed, touched)

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
            self.publish(path, items if items is not None else self.session.diagnostics_of(path), cache)

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

    def next_change(self) -> asyncio.Event:
        """An event set when some file's diagnostics next change (for long-polled pulls)."""
        return self._changed


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
