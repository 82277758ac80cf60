"""The language server's boundary is its workspace folders: what a checkout names outside them
is not read, over stdio as an editor runs it (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from helpers import migration_source, tree
from lsp_support import CONFIG, as_json, diagnostic, diagnostics, initialize, open_file, uri
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio

SECRET = "AKIA-this-is-the-secret-4f1c9e"
OUTSIDE_SOURCE = f'AWS_SECRET_KEY = "{SECRET}" )\n'


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


def project(root: Path, version_locations: str) -> Path:
    """A script directory under root whose alembic.ini sets `version_locations`; returns versions/."""
    tree(
        root,
        {
            "alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n"
            f"version_locations = {version_locations}\n",
            "migrations/env.py": "",
            "migrations/versions/a.py": migration_source("a", None),
        },
    )
    return root / "migrations" / "versions"


def leaked(client: LanguageClient, outside: Path) -> list[str]:
    """What the server sent that came from outside: diagnostics on its files, or its text."""
    sent = [as_json(client, params) for params in client.published]  # type: ignore[attr-defined]
    return [str(item) for item in sent if SECRET in str(item) or str(outside) in item["uri"]]


async def test_the_workspace_folder_is_the_boundary(client: LanguageClient, tmp_path: Path) -> None:
    workspace, other = tmp_path / "workspace", tree(tmp_path / "other", {"x.py": OUTSIDE_SOURCE}) / "x.py"
    versions = project(workspace, f"%(here)s/migrations/versions {other.parent}")
    (versions / "b.py").symlink_to(other)
    await initialize(client, client_capabilities("visual-studio-code"), workspace)
    open_file(client, versions / "a.py")
    label = f"the workspace folder {workspace}"
    refused = diagnostic(0, 0, 0, "ALM011", f"resolves to {other}, outside {label}: not read")
    await diagnostics(
        client,
        {
            versions / "a.py": [],
            versions / "b.py": [refused],
            workspace / "alembic.ini": [
                diagnostic(2, 0, 17, "ALM012", f"version_locations '{other.parent}' is outside {label}: not read")
            ],
        },
    )
    # The editor opens the link (it shows the file): its text is still not linted as a migration.
    open_file(client, versions / "b.py", OUTSIDE_SOURCE)
    hover = await client.text_document_hover_async(  # answered after the server has linted what changed
        types.HoverParams(types.TextDocumentIdentifier(uri(versions / "b.py")), types.Position(0, 2))
    )
    assert hover is None
    assert as_json(client, client.diagnostics[uri(versions / "b.py")]) == [refused]
    assert leaked(client, other.parent) == []


async def test_a_workspace_folder_inside_a_repository_is_the_boundary_still(
    client: LanguageClient, tmp_path: Path
) -> None:
    """The command line reads the whole repository; the server, only the folders the editor opened."""
    repo = tree(tmp_path / "repo", {".git/HEAD": "ref: refs/heads/main\n", "shared/versions/x.py": OUTSIDE_SOURCE})
    workspace = repo / "service"
    versions = project(workspace, f"%(here)s/migrations/versions {repo / 'shared/versions'}")
    await initialize(client, client_capabilities("neovim"), workspace)
    open_file(client, versions / "a.py")
    message = f"version_locations '{repo / 'shared/versions'}' is outside the workspace folder {workspace}: not read"
    await diagnostics(
        client, {versions / "a.py": [], workspace / "alembic.ini": [diagnostic(2, 0, 17, "ALM012", message)]}
    )
    assert leaked(client, repo / "shared") == []
