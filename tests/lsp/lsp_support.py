"""Helpers for the language-server tests: script directories, a test client, waiting for diagnostics."""

from __future__ import annotations

import asyncio
import concurrent.futures
import difflib
import itertools
import os
import pprint
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import migration_source
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from alembic_lint.rules import RULES_BY_CODE

WORKTREE = Path(__file__).resolve().parent.parent.parent
SERVER = [sys.executable, "-m", "alembic_lint_lsp"]
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(
        [str(WORKTREE), str(WORKTREE / "lsp"), *filter(None, [os.environ.get("PYTHONPATH")])]
    ),
}
WAIT = 30.0  # seconds before a missing notification fails the test (a hang guard, not a timing assertion)


def script_dir(root: Path) -> Path:
    """An alembic script directory (env.py, script.py.mako, versions/) under root; returns versions/."""
    migrations = root / "migrations"
    (migrations / "versions").mkdir(parents=True, exist_ok=True)
    (migrations / "env.py").write_text("")
    (migrations / "script.py.mako").write_text("")
    return migrations / "versions"


def write(versions: Path, revision: str, down_revision: object = None, **kwargs: Any) -> Path:
    path = versions / f"{revision}.py"
    path.write_text(migration_source(revision, down_revision, **kwargs))
    return path


def forked(root: Path) -> tuple[Path, Path]:
    """A script directory under root where b2 and c3 both revise a1: two heads. Returns (b2, c3)."""
    versions = script_dir(root)
    write(versions, "a1", None)
    return write(versions, "b2", "a1"), write(versions, "c3", "a1")


def uri(path: Path) -> str:
    return path.as_uri()


def _publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)  # type: ignore[attr-defined]


def make_client() -> LanguageClient:
    """pytest-lsp's client, which also keeps every publishDiagnostics in order and answers
    client/registerCapability (it has no handler for it)."""
    client = LanguageClient(converter_factory=default_converter)
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _publish})
    client.published = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]
    client.registered = asyncio.Event()  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]
        client.registered.set()  # type: ignore[attr-defined]

    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client, server_env=ENV)


def watches(client: LanguageClient) -> bool:
    """True when the client tells the server about files changed on disk (dynamic registration)."""
    caps = client.capabilities
    watched = caps.workspace.did_change_watched_files if caps and caps.workspace else None
    return bool(watched and watched.dynamic_registration)


async def initialize(
    client: LanguageClient, caps: types.ClientCapabilities, root: Path, init_options: Any = None
) -> types.InitializeResult:
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=uri(root),
            workspace_folders=[types.WorkspaceFolder(uri(root), root.name)],
            initialization_options=init_options,
        )
    )
    if watches(client):
        await asyncio.wait_for(client.registered.wait(), WAIT)  # type: ignore[attr-defined]
    return result


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri(path), "python", 1, path.read_text() if text is None else text)
        )
    )


def change_file(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri(path)),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def raw_request(client: LanguageClient, method: str, params: Any) -> Any:
    """Send a request whose params need not match the method's schema (a malformed request)."""
    msg_id = f"raw-{next(_raw_ids)}"
    future: concurrent.futures.Future[Any] = concurrent.futures.Future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return await asyncio.wait_for(asyncio.wrap_future(future), WAIT)


_raw_ids = itertools.count(1)


def as_json(client: LanguageClient, value: object) -> Any:
    return client.protocol._converter.unstructure(value)


async def wait_for(client: LanguageClient, predicate: Callable[[], bool]) -> None:
    """Await publishDiagnostics notifications until `predicate` holds."""

    async def until() -> None:
        while not predicate():
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    await asyncio.wait_for(until(), WAIT)


async def diagnostics(client: LanguageClient, expected: dict[Path, list[dict[str, Any]]]) -> None:
    """Wait until the client holds exactly `expected` (JSON form) for each of these files."""

    def current() -> dict[Path, Any]:
        return {path: as_json(client, list(client.diagnostics.get(uri(path), [None]))) for path in expected}

    try:
        await wait_for(client, lambda: current() == expected)
    except asyncio.TimeoutError:
        got, want = pprint.pformat(current()).splitlines(), pprint.pformat(expected).splitlines()
        raise AssertionError("\n".join(difflib.unified_diff(want, got, "expected", "received", lineterm=""))) from None


def diagnostic(
    line: int,
    col: int,
    end_col: int,
    code: str,
    message: str,
    related: list[tuple[Path, int, int, int, str]] = (),  # type: ignore[assignment]
    severity: int = 1,
) -> dict[str, Any]:
    """The JSON of one diagnostic as the server sends it (0-based line, client columns)."""
    out: dict[str, Any] = {
        "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end_col}},
        "message": message,
        "severity": severity,
        "code": code,
        "codeDescription": {
            "href": f"https://github.com/alembic-lint/alembic-lint/blob/main/docs/rules.md#{code.lower()}-{RULES_BY_CODE[code].name}"
        },
        "source": "alembic-lint",
    }
    if related:
        out["relatedInformation"] = [
            {
                "location": {
                    "uri": uri(path),
                    "range": {"start": {"line": rl, "character": rc}, "end": {"line": rl, "character": re}},
                },
                "message": text,
            }
            for path, rl, rc, re, text in related
        ]
    return out


def heads_message(head: str, others: str) -> str:
    return (
        f"revision {head!r} is a head alongside {others}: `alembic upgrade head` will fail; "
        "set down_revision to the latest head or run `alembic merge heads`"
    )


def two_heads(head: Path, other: Path, line: int = 10, col: int = 11, end: int = 15) -> dict[Path, list[Any]]:
    """ALM001 in both heads, each pointing at the other (revision values at `line`:col-end)."""
    a, b = head.stem, other.stem
    return {
        head: [
            diagnostic(
                line, col, end, "ALM001", heads_message(a, repr(b)), [(other, line, col, end, f"other head {b!r}")]
            )
        ],
        other: [
            diagnostic(
                line, col, end, "ALM001", heads_message(b, repr(a)), [(head, line, col, end, f"other head {a!r}")]
            )
        ],
    }
