"""Handlers: hover, go to definition, references and completion of revision ids."""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types

from alembic_lint import noqa
from alembic_lint.diagnostics import Span
from alembic_lint.parse import Migration, Value
from alembic_lint.rules import RULES_BY_CODE
from alembic_lint.source import split_lines
from alembic_lint_lsp import navigation
from alembic_lint_lsp.positions import Lines
from alembic_lint_lsp.server import AlembicLintServer, guarded, path_of, server
from alembic_lint_lsp.session import FolderState

_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*(["'])(.+?)\1""", re.MULTILINE)


def _markup(ls: AlembicLintServer, text: str) -> types.MarkupContent:
    return types.MarkupContent(types.MarkupKind.Markdown if ls.markdown else types.MarkupKind.PlainText, text)


async def _value_under_cursor(
    ls: AlembicLintServer, params: types.TextDocumentPositionParams
) -> tuple[FolderState, Value, Lines] | None:
    """The revision id string under the cursor, in a file that parses."""
    found = await ls.linted(params.text_document.uri)
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
    text = ls.session.text_of(path)
    lines = Lines(text, ls.encoding)
    line, col = ls.position(lines, params.position)
    for written in noqa.scan(text or "").codes_on(line):
        rule = RULES_BY_CODE.get(written.code)
        if rule is not None and written.span.col <= col <= written.span.end_col:
            doc = f"**{rule.code}** `{rule.name}`\n\n{rule.documentation()}\n\n{rule.url()}"
            return types.Hover(_markup(ls, doc), ls.range(lines, written.span))
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
    found = await ls.linted(params.text_document.uri)
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
