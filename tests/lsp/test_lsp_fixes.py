"""Fixes as code actions over stdio: ALM001's re-chain and merge revision (CreateFile where the
client supports it, else a command the server runs), and source.fixAll.alembic-lint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import (
    CONFIG,
    as_json,
    diagnostics,
    forked,
    initialize,
    open_file,
    raw_request,
    script_dir,
    two_heads,
    uri,
    write,
)
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")

PRESETS = ["neovim", "visual-studio-code", "emacs"]
CREATES = {"visual-studio-code"}  # documentChanges and the `create` resource operation


@pytest_lsp.fixture(config=CONFIG, scope="module", params=PRESETS)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    await initialize(lsp_client, client_capabilities(request.param), tmp_path_factory.mktemp("root"))
    lsp_client.preset = request.param  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def mako(versions: Path) -> None:
    """alembic's own generic script.py.mako in the script directory."""
    import alembic

    template = Path(alembic.__file__).parent / "templates" / "generic" / "script.py.mako"
    shutil.copy(template, versions.parent / "script.py.mako")


def everywhere(line: int, col: int = 0) -> types.Range:
    return types.Range(types.Position(line, col), types.Position(line, col))


async def actions(client: LanguageClient, path: Path, line: int, only: list[str] | None = None) -> list[dict]:
    """The code actions as the server sent them (the test client would read an action carrying a
    command as a bare `Command`, dropping its other fields)."""
    params = types.CodeActionParams(
        types.TextDocumentIdentifier(uri(path)), everywhere(line, 12), types.CodeActionContext([], only=only)
    )
    return await raw_request(client, types.TEXT_DOCUMENT_CODE_ACTION, as_json(client, params)) or []


async def test_multiple_heads_offer_a_rechain_and_a_merge_revision(client: LanguageClient, tmp_path: Path) -> None:
    pytest.importorskip("alembic")
    b2, c3 = forked(tmp_path)
    mako(b2.parent)
    open_file(client, b2)
    await diagnostics(client, two_heads(b2, c3))
    found = await actions(client, b2, 10)
    assert [a["title"] for a in found] == [
        "Re-chain c3 onto b2 (Create Date order)",
        "Create a merge revision",
        "Disable ALM001 for this line",
        "Disable ALM001 for this file",
    ]
    rechain = found[0]
    assert rechain["kind"] == "quickfix" and "isPreferred" not in rechain  # unsafe: no git history here
    assert rechain["edit"] == {
        "changes": {
            uri(c3): [
                {
                    "range": {"start": {"line": 11, "character": 17}, "end": {"line": 11, "character": 19}},
                    "newText": "b2",
                },
                {"range": {"start": {"line": 3, "character": 9}, "end": {"line": 3, "character": 9}}, "newText": "b2"},
            ]
        }
    }
    merge = found[1]
    assert merge["isPreferred"] is True, merge
    preset = client.preset  # type: ignore[attr-defined]
    if preset in CREATES:
        created, text_edit = merge["edit"]["documentChanges"]
        assert created["kind"] == "create" and created["options"] == {"overwrite": False}
        assert created["uri"].startswith(uri(b2.parent)) and created["uri"].endswith("_merge_heads.py")
        assert text_edit["textDocument"] == {"uri": created["uri"], "version": None}
        assert "down_revision: Union[str, Sequence[str], None] = ('b2', 'c3')\n" in text_edit["edits"][0]["newText"]
        return
    # No CreateFile support: the server creates the file when the client runs the command.
    command = merge["command"]
    assert command["command"] == "alembic-lint.createFile" and "edit" not in merge
    target, text = command["arguments"][0]
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="alembic-lint.createFile", arguments=command["arguments"])
    )
    created = Path(target.removeprefix("file://"))
    assert created.read_text() == text
    await diagnostics(client, {b2: [], c3: []})


async def test_fix_all_applies_the_documents_safe_fixes(client: LanguageClient, tmp_path: Path) -> None:
    versions = script_dir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.alembic-lint]\nextend-select = ["ALM105"]\n')
    write(versions, "a1", None)
    b2 = write(versions, "b2", "a1")
    open_file(client, b2)
    await diagnostics(client, {b2: [_alm105()]})
    found = await actions(client, b2, 0, only=["source.fixAll.alembic-lint"])
    assert found == [
        {
            "title": "Fix all alembic-lint safe fixes",
            "kind": "source.fixAll.alembic-lint",
            "isPreferred": True,
            "edit": {
                "changes": {
                    uri(b2): [
                        {
                            "range": {"start": {"line": 3, "character": 9}, "end": {"line": 3, "character": 9}},
                            "newText": "a1",
                        }
                    ]
                }
            },
        }
    ]
    assert await actions(client, b2, 0, only=["source.organizeImports"]) == []


def _alm105() -> dict:
    from lsp_support import diagnostic

    return diagnostic(
        3,
        9,
        9,
        "ALM105",
        "docstring says `Revises: nothing` but down_revision is a1; update the docstring "
        "(alembic reads only the variable)",
        severity=2,  # a content finding: a warning
    )
