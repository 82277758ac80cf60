"""The revision graph as `alembic history` shows it, and as JSON, without importing anything."""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from json.encoder import encode_basestring_ascii as _string
from pathlib import Path

from alembic_lint.graph import Node, RevisionGraph, history


def _comma(values: object) -> str:
    return ", ".join(values)  # type: ignore[arg-type]


def history_line(graph: RevisionGraph, node: Node) -> str:
    down = _comma(node.down) if node.down else "<base>"
    if node.unknown_parents:
        down = "<unknown>"
    if node.depends_on:
        text = f"{down} ({_comma(node.depends_on)}) -> {node.id}"
    else:
        text = f"{down} -> {node.id}"
    labels = graph.labels.get(node.id)
    if labels:
        text += f" ({_comma(sorted(labels))})"
    is_head = not node.children
    is_real_head = is_head and not node.dependents
    if is_real_head:
        text += " (head)"
    elif is_head:
        text += " (effective head)"
    if node.is_branch_point:
        text += " (branchpoint)"
    if node.is_merge_point:
        text += " (mergepoint)"
    message = node.migration.header.message if node.migration.header else ""
    return f"{text}, {message}"


def format_history(graph: RevisionGraph, only: Collection[str] | None = None) -> str:
    """Newest first, like `alembic history`; `only` limits it to these revisions."""
    return "".join(history_line(graph, node) + "\n" for node in history(graph) if only is None or node.id in only)


def format_graph_json(graph: RevisionGraph, relative_to: Path, only: Collection[str] | None = None) -> str:
    """`only` limits the revisions (and the heads and bases listed) to these."""
    base = str(relative_to.absolute())
    prefix = base if base.endswith(os.sep) else base + os.sep

    def rel(path: Path) -> str:
        if os.sep == "/" and path.is_absolute():  # pathlib's relative_to, without its cost (10,000 paths)
            text = str(path)
            return text[len(prefix) :] if text.startswith(prefix) else text
        try:
            return path.absolute().relative_to(relative_to.absolute()).as_posix()
        except ValueError:
            return path.absolute().as_posix()

    def keep(nid: str) -> bool:
        return only is None or nid in only

    data = {
        "heads": [nid for nid in graph.heads if keep(nid)],
        "bases": [nid for nid in graph.bases if keep(nid)],
        "revisions": {
            node.id: {
                "path": rel(node.migration.path),
                "down_revisions": list(node.down),
                "branch_labels": sorted(graph.labels.get(node.id, ())),
                "depends_on": list(node.depends_on),
            }
            for node in graph.nodes.values()
            if keep(node.id)
        },
    }
    return dumps_indented(data) + "\n"


def dumps_indented(value: object, level: int = 0) -> str:
    """`json.dumps(value, indent=2)`, byte for byte, for dicts, lists and scalars. The stdlib's
    C encoder is not used when `indent` is set, and its Python one takes 0.25 s on 10,000 revisions;
    this one leaves each scalar to the C encoder."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + "  " * (level + 1)
        items = [f"{_string(str(key))}: {dumps_indented(item, level + 1)}" for key, item in value.items()]
        return "{" + inner + ("," + inner).join(items) + "\n" + "  " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = "\n" + "  " * (level + 1)
        return (
            "["
            + inner
            + ("," + inner).join(dumps_indented(item, level + 1) for item in value)
            + "\n"
            + "  " * level
            + "]"
        )
    return json.dumps(value)
