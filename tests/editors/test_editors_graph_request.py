"""The `alembic-lint/graph` request answers with exactly what `alembic-lint graph` prints for the
folder (Mermaid or text, with the same limits), plus where each revision shown is defined."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from editors_support import ENV, VERSIONS, shop
from lsp_support import CONFIG, change_file, initialize, open_file, uri
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")

GRAPH = "alembic-lint/graph"
FILES = {
    "1a2b3c4d5e6f": "1a2b3c4d5e6f_create_users_table.py",
    "2b3c4d5e6f7a": "2b3c4d5e6f7a_create_orders_table.py",
    "3c4d5e6f7a8b": "3c4d5e6f7a8b_add_email_to_users.py",
    "4d5e6f7a8b9c": "4d5e6f7a8b9c_add_status_to_orders.py",
    "5e6f7a8b9c0d": "5e6f7a8b9c0d_index_orders_by_user.py",
}


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    await initialize(lsp_client, client_capabilities("visual-studio-code"), tmp_path_factory.mktemp("root"))
    yield
    await lsp_client.shutdown_session()


def cli_graph(project: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "alembic_lint", "graph", "--no-cache", *args, str(project)],
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    )
    return done.stdout


def plain(value: Any) -> Any:
    """pygls's client turns JSON objects into namedtuples: back to dicts and lists."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


async def graph(client: LanguageClient, **params: Any) -> Any:
    return plain(await client.protocol.send_request_async(GRAPH, params))


def node(project: Path, revision: str, key: str | None = None) -> dict[str, Any]:
    """A revision shown, and where its id sits in `revision: str = '...'` (0-based line 14, the quoted id)."""
    span = {"start": {"line": 14, "character": 16}, "end": {"line": 14, "character": 30}}
    return {"revision": revision, "key": key, "uri": uri(project / VERSIONS / FILES[revision]), "range": span}


def revisions(result: dict[str, Any]) -> list[str]:
    return [item["revision"] for item in result["nodes"]]


async def test_mermaid_is_the_cli_picture_with_keys_and_locations(client: LanguageClient, tmp_path: Path) -> None:
    project = shop(tmp_path)
    head = project / VERSIONS / FILES["3c4d5e6f7a8b"]
    open_file(client, head)
    result = await graph(client, uri=uri(head))
    assert result == {
        "format": "mermaid",
        "text": cli_graph(project, "--format", "mermaid"),
        "root": uri(project / "migrations"),
        "revisions": 5,
        "hidden": 0,
        "nodes": [
            node(project, "5e6f7a8b9c0d", "r0"),
            node(project, "1a2b3c4d5e6f", "r1"),
            node(project, "2b3c4d5e6f7a", "r2"),
            node(project, "4d5e6f7a8b9c", "r3"),
            node(project, "3c4d5e6f7a8b", "r4"),
        ],
    }


async def test_limits_and_text_format_match_the_cli(client: LanguageClient, tmp_path: Path) -> None:
    project = shop(tmp_path)
    head = project / VERSIONS / FILES["4d5e6f7a8b9c"]
    near = await graph(client, uri=uri(head), headsOnlyContext=0)
    assert near["text"] == cli_graph(project, "--format", "mermaid", "--heads-only-context", "0")
    assert (near["revisions"], near["hidden"]) == (5, 2)
    assert [(item["key"], item["revision"]) for item in near["nodes"]] == [
        ("r0", "5e6f7a8b9c0d"),
        ("r1", "4d5e6f7a8b9c"),
        ("r2", "3c4d5e6f7a8b"),
    ]
    text = await graph(client, uri=uri(head), format="text")
    assert text["text"] == cli_graph(project)
    # newest first, as the lines are: each line's revision is the one after "->"
    assert text["nodes"] == [node(project, line.split(" -> ")[1][:12]) for line in text["text"].splitlines()]
    since = await graph(client, uri=uri(head), format="text", since="2b3c")
    assert since["text"] == cli_graph(project, "--since", "2b3c")
    assert (since["hidden"], revisions(since)) == (2, ["3c4d5e6f7a8b", "4d5e6f7a8b9c", "2b3c4d5e6f7a"])


async def test_a_project_folder_uri_finds_its_script_directory(client: LanguageClient, tmp_path: Path) -> None:
    project = shop(tmp_path)
    result = await graph(client, uri=uri(project), format="text")
    assert result["text"] == cli_graph(project)
    assert result["root"] == uri(project / "migrations")


async def test_an_unsaved_edit_shows_in_the_graph(client: LanguageClient, tmp_path: Path) -> None:
    project = shop(tmp_path)
    head = project / VERSIONS / FILES["3c4d5e6f7a8b"]
    open_file(client, head)
    rechained = head.read_text().replace("= '2b3c4d5e6f7a'", "= '4d5e6f7a8b9c'")
    change_file(client, head, rechained, 2)
    result = await graph(client, uri=uri(head), format="mermaid")
    on_disk = shop(tmp_path / "saved")
    (on_disk / VERSIONS / FILES["3c4d5e6f7a8b"]).write_text(rechained)
    assert result["text"] == cli_graph(on_disk, "--format", "mermaid")
    assert "r2 --> r3" in result["text"] and "ALM001" not in result["text"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(head))))


async def test_outside_any_folder_is_null_and_bad_params_are_errors(client: LanguageClient, tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    stray.write_text("x = 1\n")
    assert await graph(client, uri=uri(stray)) is None
    head = shop(tmp_path) / VERSIONS / FILES["3c4d5e6f7a8b"]
    bad = [
        ({"uri": uri(head), "format": "svg"}, "`format` must be one of mermaid, text, not 'svg'"),
        ({"uri": uri(head), "headsOnlyContext": -1}, "`headsOnlyContext` must be a whole number >= 0 or null"),
        ({"uri": 3}, "`uri` must be a file or folder URI"),
        ({"uri": uri(head), "since": "ffff"}, "`since` ffff: no revision 'ffff' in this folder"),
    ]
    for params, message in bad:
        with pytest.raises(JsonRpcException, match=f"^{re.escape(f'{GRAPH}: {message}')}$"):
            await graph(client, **params)
