"""The revision graph as `alembic history` shows it, and as JSON, without importing anything."""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

from alembic_lint.graph import Node, RevisionGraph


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
    return "".join(history_line(graph, node) + "\n" for node in graph.history() if only is None or node.id in only)


def format_graph_json(graph: RevisionGraph, relative_to: Path, only: Collection[str] | None = None) -> str:
    """`only` limits the revisions (and the heads and bases listed) to these."""

    def rel(path: Path) -> str:
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
    return json.dumps(data, indent=2) + "\n"
