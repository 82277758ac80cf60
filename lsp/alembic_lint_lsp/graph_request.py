"""The `alembic-lint/graph` request: the revision graph of the folder a file belongs to,
as `alembic-lint graph` prints it (`--format mermaid` or the text like `alembic history`).

Editors draw it (the VS Code webview renders the Mermaid text; Neovim shows the text
in a split). The answer is built from the server's own state, so unsaved buffers count,
and with `alembic_lint.graph_view` / `alembic_lint.mermaid` / `alembic_lint.history`,
the functions the CLI uses, so both print the same picture.

Params:  {"uri": a file or folder URI, "format": "mermaid" | "text" (default "mermaid"),
          "headsOnlyContext": N or null, "since": a revision (id or unique prefix) or null}
Result:  null when the URI is in no versions folder, else
         {"format", "text", "root": the script directory's URI, "revisions": how many in the
          folder, "hidden": how many the limits left out, "nodes": the revisions shown, in the
          order they are drawn (mermaid, oldest first) or listed (text, newest first):
          [{"revision", "key": its mermaid node key (null for text), "uri", "range": of its id}]}
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import from_fs_path, to_fs_path

from alembic_lint.graph import history
from alembic_lint.graph_view import ViewError, build_view, select
from alembic_lint.history import format_history
from alembic_lint.mermaid import render_mermaid
from alembic_lint_lsp.server import AlembicLintServer, server

if TYPE_CHECKING:
    from alembic_lint.graph import RevisionGraph
    from alembic_lint_lsp.session import FolderState

GRAPH = "alembic-lint/graph"
FORMATS = ("mermaid", "text")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GraphParams:
    uri: str
    format: str = "mermaid"
    heads_only_context: int | None = None
    since: str | None = None

    @classmethod
    def read(cls, raw: object) -> GraphParams:
        """Check the client's params; a bad one is an Invalid Params error naming it."""
        # pygls hands a custom request's params over as a namedtuple (from the JSON object)
        fields = raw._asdict() if hasattr(raw, "_asdict") else raw if isinstance(raw, Mapping) else {}
        uri, form = fields.get("uri"), fields.get("format", "mermaid") or "mermaid"
        context, since = fields.get("headsOnlyContext"), fields.get("since")
        if not isinstance(uri, str) or not uri:
            raise JsonRpcInvalidParams(f"{GRAPH}: `uri` must be a file or folder URI")
        if form not in FORMATS:
            raise JsonRpcInvalidParams(f"{GRAPH}: `format` must be one of {', '.join(FORMATS)}, not {form!r}")
        if context is not None and (isinstance(context, bool) or not isinstance(context, int) or context < 0):
            raise JsonRpcInvalidParams(f"{GRAPH}: `headsOnlyContext` must be a whole number >= 0 or null")
        if since is not None and (not isinstance(since, str) or not since):
            raise JsonRpcInvalidParams(f"{GRAPH}: `since` must be a revision id or null")
        return cls(uri, form, context, since)


@server.feature(GRAPH)
async def graph(ls: AlembicLintServer, params: Any) -> dict[str, Any] | None:
    request = GraphParams.read(params)
    await ls.current()
    state = _folder(ls, request.uri)
    if state is None:
        return None
    ls.lint_now()  # a folder seen for the first time, or edited since the last lint
    if state.graph is None:
        return None
    try:
        return answer(ls, state, request)
    except ViewError as exc:
        raise JsonRpcInvalidParams(f"{GRAPH}: `since` {request.since}: {exc}") from None


def _folder(ls: AlembicLintServer, uri: str) -> FolderState | None:
    """The versions folder of a file, or of the first migration found under a folder."""
    fs_path = to_fs_path(uri) if uri.startswith("file:") else None
    if not fs_path:
        return None
    path = Path(fs_path)
    if path.is_dir():
        from alembic_lint.discover import DiscoveryError, discover

        try:
            found = [f for f in discover([path]) if f.files]
        except (DiscoveryError, OSError) as exc:
            logger.warning("%s: %s", path, exc)
            return None
        if not found:
            return None
        path = found[0].files[0]
    return ls.session.folder_of(path)


def answer(ls: AlembicLintServer, state: FolderState, request: GraphParams) -> dict[str, Any]:
    """What `alembic-lint graph --format FORMAT [--since] [--heads-only-context]` prints, and where each
    revision it shows is defined."""
    graph = state.graph
    assert graph is not None
    diagnostics = [d for items in state.diagnostics.values() for d in items]
    keys: dict[str, str] = {}  # revision -> mermaid node key
    if request.format == "mermaid":
        view = build_view(graph, diagnostics, since=request.since, context=request.heads_only_context)
        text = render_mermaid(view)
        keys = {node.revision: node.key for node in view.nodes if node.kind == "revision"}
        shown = list(keys)
        hidden = view.hidden
    else:
        limited = request.since is not None or request.heads_only_context is not None
        nodes = select(graph, request.since, request.heads_only_context) if limited else None
        shown = [node.id for node in reversed(nodes)] if nodes is not None else [n.id for n in history(graph)]
        text = format_history(graph, set(shown) if nodes is not None else None)
        hidden = len(graph.nodes) - len(shown)
    return {
        "format": request.format,
        "text": text,
        "root": from_fs_path(str(state.folder.root)) or state.folder.root.as_uri(),
        "revisions": len(graph.nodes),
        "hidden": hidden,
        "nodes": [_node(ls, graph, revision, keys.get(revision)) for revision in shown],
    }


def _node(ls: AlembicLintServer, graph: RevisionGraph, revision: str, key: str | None) -> dict[str, Any]:
    node = graph.nodes[revision]
    location = ls.location(node.migration.path, node.revision_span)
    return {"revision": revision, "key": key, "uri": location.uri, "range": _json_range(location.range)}


def _json_range(span: types.Range) -> dict[str, Any]:
    def position(at: types.Position) -> dict[str, int]:
        return {"line": at.line, "character": at.character}

    return {"start": position(span.start), "end": position(span.end)}
