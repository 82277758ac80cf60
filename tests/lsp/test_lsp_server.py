"""End-to-end tests of the language server over stdio, as neovim, VS Code and Emacs clients.

One server per client preset serves every test of the module; each test works in its
own script directory. Tests await notifications and responses, never sleep.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import (
    CONFIG,
    as_json,
    change_file,
    diagnostic,
    diagnostics,
    forked,
    initialize,
    open_file,
    raw_request,
    script_dir,
    two_heads,
    uri,
    watches,
    write,
)
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")

# pytest-lsp's captured capabilities: neovim 0.11 (utf-8, no file watching),
# VS Code 1.65 (utf-16, watches files), Emacs 29 eglot (utf-32, watches files).
PRESETS = {"neovim": "utf-8", "visual-studio-code": "utf-16", "emacs": "utf-32"}


@pytest_lsp.fixture(config=CONFIG, scope="module", params=list(PRESETS))
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    result = await initialize(lsp_client, client_capabilities(request.param), tmp_path_factory.mktemp("root"))
    assert result.capabilities.position_encoding == PRESETS[request.param]
    lsp_client.position_encoding = PRESETS[request.param]  # type: ignore[attr-defined]
    assert result.capabilities.diagnostic_provider is None  # none of these presets can be asked to re-pull
    yield
    await lsp_client.shutdown_session()


def missing_message(value: str) -> str:
    return (
        f"down_revision {value!r} names no revision in this folder; point it at an existing revision (None for a base)"
    )


async def test_open_publishes_the_other_heads_diagnostics_too(client: LanguageClient, tmp_path: Path) -> None:
    b2, c3 = forked(tmp_path)
    open_file(client, b2)
    await diagnostics(client, two_heads(b2, c3))


async def test_edits_that_create_and_remove_a_second_head_update_both_files(
    client: LanguageClient, tmp_path: Path
) -> None:
    versions = script_dir(tmp_path)
    write(versions, "a1", None)
    b2 = write(versions, "b2", "a1")
    c3 = write(versions, "c3", "b2")
    open_file(client, b2)
    open_file(client, c3)
    await diagnostics(client, {b2: [], c3: []})

    forked = c3.read_text().replace("down_revision = 'b2'", "down_revision = 'a1'")
    change_file(client, c3, forked, 2)
    await diagnostics(client, two_heads(b2, c3))

    change_file(client, c3, c3.read_text(), 3)  # back on top of b2: one head again
    await diagnostics(client, {b2: [], c3: []})


async def test_deleting_the_parent_on_disk_reports_alm002(client: LanguageClient, tmp_path: Path) -> None:
    versions = script_dir(tmp_path)
    write(versions, "a1", None)
    b2 = write(versions, "b2", "a1")
    c3 = write(versions, "c3", "b2")
    open_file(client, c3)
    await diagnostics(client, {c3: []})

    b2.unlink()
    if watches(client):
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams([types.FileEvent(uri(b2), types.FileChangeType.Deleted)])
        )
    else:  # no file watching: the server re-reads the folder on save
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri(c3))))
    await diagnostics(client, {c3: [diagnostic(11, 16, 20, "ALM002", missing_message("b2"))]})


async def test_a_file_that_does_not_parse_gets_alm000_and_keeps_what_it_still_says(
    client: LanguageClient, tmp_path: Path
) -> None:
    b2, c3 = forked(tmp_path)
    open_file(client, c3)
    await diagnostics(client, two_heads(b2, c3))

    broken = c3.read_text().replace("down_revision = 'a1'", "down_revision = ('a1'")
    change_file(client, c3, broken, 2)
    # Its revision is still read (the lines before the error): still two heads, but where c3
    # goes and whether a label tells them apart are unknown until the file parses again.
    expected = two_heads(b2, c3)
    for found in expected.values():
        found[0]["message"] += (
            " (held back: c3.py has a syntax error at line 12, its down_revision and branch_labels are unknown)"
        )
    expected[c3].append(diagnostic(11, 16, 16, "ALM000", "syntax error: '(' was never closed"))
    await diagnostics(client, expected)


async def test_columns_use_the_negotiated_encoding(client: LanguageClient, tmp_path: Path) -> None:
    b2, c3 = forked(tmp_path)
    prefix = 'revision: Annotated[str, "ünï 😀"] = '
    text = b2.read_text().replace("revision = 'b2'", prefix + "'b2'")
    b2.write_text(text)
    encoding = client.position_encoding  # type: ignore[attr-defined]
    units = {"utf-8": len(prefix.encode("utf-8")), "utf-16": len(prefix) + 1, "utf-32": len(prefix)}[encoding]

    open_file(client, b2)
    expected = two_heads(b2, c3)
    expected[b2][0]["range"] = {"start": {"line": 10, "character": units}, "end": {"line": 10, "character": units + 4}}
    expected[c3][0]["relatedInformation"][0]["location"]["range"] = expected[b2][0]["range"]
    await diagnostics(client, expected)

    # Positions from the client are read in the same encoding.
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(b2)), types.Position(10, units + 1))
    )
    assert hover is not None
    assert as_json(client, hover.range) == expected[b2][0]["range"]


async def test_a_folder_the_command_line_checked_opens_with_its_findings_and_its_graph(
    client: LanguageClient, tmp_path: Path
) -> None:
    """The server publishes what the command line's cache holds for the unchanged folder, then
    reads the folder: the graph is there for the next request."""
    import io

    from alembic_lint.cli import main

    b2, c3 = forked(tmp_path)
    assert main([str(tmp_path)], io.StringIO(), io.StringIO()) == 1  # two heads; the cache is left behind
    open_file(client, b2)
    await diagnostics(client, two_heads(b2, c3))
    on_a1 = types.TextDocumentIdentifier(uri(b2)), types.Position(11, 18)  # inside 'a1' of down_revision
    hover = await client.text_document_hover_async(types.HoverParams(*on_a1))
    assert hover is not None and hover.contents.value.startswith("**a1**")  # type: ignore[union-attr]


async def test_hover_definition_and_references_follow_the_graph(client: LanguageClient, tmp_path: Path) -> None:
    versions = script_dir(tmp_path)
    a1 = write(versions, "a1", None, message="create users")
    b2 = write(versions, "b2", "a1", message="add email")
    c3 = write(versions, "c3", "a1", message="add phone")
    d4 = write(versions, "d4", ("b2", "c3"), depends_on="a1", message="merge")
    open_file(client, b2)
    await diagnostics(client, {b2: []})
    on_a1 = types.TextDocumentIdentifier(uri(b2)), types.Position(11, 18)  # inside 'a1' of down_revision

    hover = await client.text_document_hover_async(types.HoverParams(*on_a1))
    assert hover is not None
    assert as_json(client, hover) == {
        "contents": {
            "kind": "markdown",
            "value": "**a1**: create users\n\n`migrations/versions/a1.py`\n\nbranch point · base\n\n"
            "revises: `<base>`\n\nrevised by: `b2`, `c3`\n\ndepended on by: `d4`",
        },
        "range": {"start": {"line": 11, "character": 16}, "end": {"line": 11, "character": 20}},
    }

    found = await client.text_document_definition_async(types.DefinitionParams(*on_a1))
    assert as_json(client, found) == [
        {"uri": uri(a1), "range": {"start": {"line": 10, "character": 11}, "end": {"line": 10, "character": 15}}}
    ]

    refs = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=False), text_document=on_a1[0], position=on_a1[1]
        )
    )
    assert as_json(client, refs) == [
        {
            "uri": uri(path),
            "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end}},
        }
        for path, line, col, end in [(b2, 11, 16, 20), (c3, 11, 16, 20), (d4, 13, 13, 17)]
    ]

    hover_d4 = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(d4)), types.Position(10, 12))
    )
    assert hover_d4 is not None
    assert hover_d4.contents.value == (  # type: ignore[union-attr]
        "**d4**: merge\n\n`migrations/versions/d4.py`\n\nhead · merge point\n\nrevises: `b2`, `c3`\n\n"
        "revised by: nothing\n\ndepends on: `a1`"
    )


async def test_hover_on_a_noqa_code_shows_the_rule(client: LanguageClient, tmp_path: Path) -> None:
    from alembic_lint.rules import RULES_BY_CODE

    versions = script_dir(tmp_path)
    a1 = write(versions, "a1", None)
    text = a1.read_text().replace("revision = 'a1'", "revision = 'a1'  # noqa: ALM005, ALM001")
    open_file(client, a1, text)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(a1)), types.Position(10, 37))
    )
    assert hover is not None
    rule = RULES_BY_CODE["ALM001"]
    assert hover.contents.value == f"**ALM001** `multiple-heads`\n\n{rule.documentation()}\n\n{rule.url()}"  # type: ignore[union-attr]
    assert as_json(client, hover.range) == {
        "start": {"line": 10, "character": 33},
        "end": {"line": 10, "character": 39},
    }


async def test_completion_in_down_revision_offers_heads_first(client: LanguageClient, tmp_path: Path) -> None:
    versions = script_dir(tmp_path)
    write(versions, "a1", None, message="create users")
    write(versions, "b2", "a1", message="add email")
    write(versions, "c3", "b2", message="add phone")
    write(versions, "x9", "a1", message="side branch")
    e5 = versions / "e5.py"
    text = write(versions, "e5", "c3").read_text()
    e5.unlink()  # a new file, not saved yet
    typing = text.replace("down_revision = 'c3'", 'down_revision = "')
    open_file(client, e5, typing)
    position = types.Position(11, len('down_revision = "'))
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri(e5)), position)
    )
    assert isinstance(result, types.CompletionList)
    assert [(item.label, item.detail) for item in result.items] == [
        ("c3", "head: add phone"),
        ("x9", "head: side branch"),
        ("b2", "add email"),
        ("a1", "create users"),
    ]
    assert as_json(client, result.items[0].text_edit) == {
        "range": {"start": {"line": 11, "character": 17}, "end": {"line": 11, "character": 17}},
        "newText": "c3",
    }


async def test_code_actions_offer_the_rule_fix_and_noqa_comments(client: LanguageClient, tmp_path: Path) -> None:
    versions = script_dir(tmp_path)
    write(versions, "a1b2", None)
    c3 = write(versions, "c3", "a1b2x")
    open_file(client, c3)
    message = "down_revision 'a1b2x' names no revision in this folder; did you mean 'a1b2'?"
    expected = diagnostic(11, 16, 23, "ALM002", message)
    await diagnostics(client, {c3: [expected]})

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri(c3)),
            types.Range(types.Position(11, 18), types.Position(11, 18)),
            types.CodeActionContext(diagnostics=[]),
        )
    )

    def edit(line: int, col: int, end_line: int, end: int, text: str) -> dict[str, object]:
        return {
            "range": {"start": {"line": line, "character": col}, "end": {"line": end_line, "character": end}},
            "newText": text,
        }

    def action(title: str, *edits: dict[str, object]) -> dict[str, object]:
        return {
            "title": title,
            "kind": "quickfix",
            "diagnostics": [expected],
            "edit": {"changes": {uri(c3): list(edits)}},
        }

    assert as_json(client, actions) == [
        action("Replace 'a1b2x' with 'a1b2'", edit(11, 17, 11, 22, "a1b2")),
        action("Disable ALM002 for this line", edit(11, 23, 11, 23, "  # noqa: ALM002")),
        action("Disable ALM002 for this file", edit(0, 0, 0, 0, "# alembic-lint: noqa: ALM002\n")),
    ]


async def test_files_outside_any_versions_folder_and_malformed_requests_are_survived(
    client: LanguageClient, tmp_path: Path
) -> None:
    stray = tmp_path / "helpers.py"
    stray.write_text("x = 1\n")
    open_file(client, stray)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(stray)), types.Position(0, 0))
    )
    assert hover is None
    # A request for a document the server never saw, far outside the text.
    nowhere = types.TextDocumentIdentifier("file:///no/such/versions/x.py")
    assert await client.text_document_definition_async(types.DefinitionParams(nowhere, types.Position(99, 99))) is None
    # Params that do not match the method's schema: an error answer, not a dead server.
    with pytest.raises(JsonRpcException, match="Invalid Params"):
        await raw_request(client, types.TEXT_DOCUMENT_HOVER, {"textDocument": 3})
    # Still serving: a migration folder next to it works as usual.
    b2, c3 = forked(tmp_path)
    open_file(client, b2)
    await diagnostics(client, two_heads(b2, c3))
    assert client.diagnostics.get(uri(stray)) is None


async def test_a_folder_that_disappears_is_cleared(client: LanguageClient, tmp_path: Path) -> None:
    b2, c3 = forked(tmp_path)
    versions = b2.parent
    open_file(client, b2)
    await diagnostics(client, two_heads(b2, c3))
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(b2))))
    shutil.rmtree(versions.parent)
    if watches(client):
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams([types.FileEvent(uri(versions), types.FileChangeType.Deleted)])
        )
    else:
        open_file(client, b2, "")  # reopening re-reads the folder from disk
    await diagnostics(client, {b2: [], c3: []})


async def test_a_configuration_that_cannot_be_resolved_is_shown_on_its_file(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "alembic.ini").write_text("[alembic]\nsqlalchemy.url = sqlite://\n")  # no script_location
    versions = tmp_path / "versions"
    versions.mkdir()
    a1 = write(versions, "a1", None)
    open_file(client, a1)  # the versions folder beside it is linted by its layout, and the ini says why
    message = "no 'script_location' key found in configuration; alembic cannot find the migrations"
    await diagnostics(client, {a1: [], tmp_path / "alembic.ini": [diagnostic(0, 0, 9, "ALM012", message)]})
