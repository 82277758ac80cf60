"""Language-server settings and pull diagnostics, each test with a server of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import (
    CONFIG,
    as_json,
    change_file,
    diagnostics,
    forked,
    initialize,
    open_file,
    two_heads,
    uri,
    wait_for,
)
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def test_workspace_configuration_applies_to_the_first_diagnostics(client: LanguageClient, tmp_path: Path):
    b2, c3 = forked(tmp_path)
    client.set_configuration({"ignore": ["ALM001"]}, section="alembic-lint")
    await initialize(client, client_capabilities("visual-studio-code"), tmp_path)
    open_file(client, b2)
    await wait_for(client, lambda: bool(client.published))  # type: ignore[attr-defined]
    assert as_json(client, client.published[0]) == {"uri": uri(b2), "diagnostics": [], "version": 1}  # type: ignore[attr-defined]

    # The setting changes later: the server asks for it again and re-lints.
    client.set_configuration({"ignore": []}, section="alembic-lint")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await diagnostics(client, two_heads(b2, c3))


async def test_initialization_options_and_pushed_settings_without_workspace_configuration(
    client: LanguageClient, tmp_path: Path
):
    b2, c3 = forked(tmp_path)
    caps = client_capabilities("neovim@0.7")  # no workspace/configuration
    await initialize(client, caps, tmp_path, init_options={"select": ["ALM002"]})
    open_file(client, b2)
    await diagnostics(client, {b2: []})

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"alembic-lint": {"select": None, "extendSelect": "ALM0"}})
    )
    await diagnostics(client, two_heads(b2, c3))


async def test_bad_settings_are_shown_and_the_rest_still_applies(client: LanguageClient, tmp_path: Path):
    b2, _ = forked(tmp_path)
    await initialize(
        client, client_capabilities("neovim@0.7"), tmp_path, init_options={"ignore": ["NOPE", "ALM001"], "select": 3}
    )
    open_file(client, b2)
    await diagnostics(client, {b2: []})
    assert [(m.type, m.message) for m in client.messages] == [
        (types.MessageType.Warning, "alembic-lint: setting 'ignore': unknown rule selector 'NOPE'"),
        (types.MessageType.Warning, "alembic-lint: setting 'select' must be a list of rule selectors, not 3"),
    ]


def pull_capabilities() -> types.ClientCapabilities:
    caps = client_capabilities("neovim")
    assert caps.text_document is not None and caps.text_document.diagnostic is not None
    assert caps.workspace is not None
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


async def test_a_client_that_pulls_is_never_pushed_to(client: LanguageClient, tmp_path: Path):
    b2, c3 = forked(tmp_path)
    result = await initialize(client, pull_capabilities(), tmp_path)
    assert as_json(client, result.capabilities.diagnostic_provider) == {
        "identifier": "alembic-lint",
        "interFileDependencies": True,
        "workspaceDiagnostics": True,
    }
    open_file(client, b2)
    open_file(client, c3)
    document = types.TextDocumentIdentifier(uri(b2))
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(document))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert as_json(client, list(report.items)) == two_heads(b2, c3)[b2]

    same = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(document, previous_result_id=report.result_id)
    )
    assert as_json(client, same) == {"kind": "unchanged", "resultId": report.result_id}

    # Editing c3 changes b2's diagnostics too: the client is asked to pull again.
    change_file(client, c3, c3.read_text().replace("down_revision = 'a1'", "down_revision = 'b2'"), 2)
    after = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(document, previous_result_id=report.result_id)
    )
    assert isinstance(after, types.RelatedFullDocumentDiagnosticReport)
    assert list(after.items) == []
    assert client.diagnostic_refresh_count == 1

    everything = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    assert sorted((item.uri, list(item.items)) for item in everything.items) == [  # type: ignore[union-attr]
        (uri(b2.parent / name), []) for name in ("a1.py", "b2.py", "c3.py")
    ]
    assert client.diagnostics == {}  # nothing was pushed
