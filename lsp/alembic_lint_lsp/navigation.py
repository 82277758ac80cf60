"""Navigation of the revision graph: what is under the cursor, where an id is defined,
who refers to it, what to offer inside `down_revision = "`. Pure: graph and parse
results in, paths and spans (code-point columns) out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic_lint.diagnostics import Span
from alembic_lint.graph import Node, RevisionGraph, history
from alembic_lint.parse import Migration, Value

_REFERRING = ("revision", "down_revision", "depends_on")


@dataclass(frozen=True)
class Target:
    """A place in a file."""

    path: Path
    span: Span


def _contains(span: Span, line: int, col: int) -> bool:
    return (span.line, span.col) <= (line, col) <= (span.end_line, span.end_col)


def value_at(migration: Migration, line: int, col: int) -> tuple[str, Value] | None:
    """The revision id string (in revision, down_revision or depends_on) under a position."""
    for name in _REFERRING:
        binding = migration.binding(name)
        if binding is None:
            continue
        for value in binding.items:
            if value.kind == "str" and _contains(value.span, line, col):
                return name, value
    return None


def _ids(ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids) if ids else "nothing"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return str(path)


def describe(graph: RevisionGraph, identifier: str, root: Path) -> str:
    """Markdown for a hover on a revision id: its message, file and place in the graph."""
    target = graph.resolve(identifier)
    if target is None:
        return f"`{identifier}`: no revision or branch label with this id in this folder"
    node = graph.nodes[target]
    header = node.migration.header
    lines = [f"**{node.id}**" + (f": {header.message}" if header and header.message else "")]
    if target != identifier:
        lines.append(f"branch label `{identifier}`, declared by revision `{target}`")
    lines.append(f"`{_relative(node.migration.path, root)}`")
    facts = []
    if target in graph.heads:
        facts.append("head" if target in graph.real_heads else "effective head")
    if node.is_branch_point:
        facts.append("branch point")
    if node.is_merge_point:
        facts.append("merge point")
    if target in graph.bases:
        facts.append("base")
    if facts:
        lines.append(" · ".join(facts))
    lines.append(f"revises: {_ids(node.down) if node.down else '`<base>`'}")
    lines.append(f"revised by: {_ids(node.children)}")
    if node.depends_on:
        lines.append(f"depends on: {_ids(node.depends_on)}")
    if node.dependents:
        lines.append(f"depended on by: {_ids(node.dependents)}")
    labels = sorted(graph.labels.get(target, ()))
    if labels:
        lines.append(f"branch labels: {_ids(labels)}")
    return "\n\n".join(lines)


def definition(graph: RevisionGraph, identifier: str) -> Target | None:
    """Where the revision (or the revision declaring the label) is defined."""
    target = graph.resolve(identifier)
    if target is None:
        return None
    node = graph.nodes[target]
    return Target(node.migration.path, node.revision_span)


def references(graph: RevisionGraph, identifier: str, *, include_declaration: bool) -> list[Target]:
    """Every down_revision or depends_on entry that names the revision (or resolves to it)."""
    target = graph.resolve(identifier)
    if target is None:
        return []
    found: list[Target] = []
    if include_declaration:
        found.append(Target(graph.nodes[target].migration.path, graph.nodes[target].revision_span))
    for node in graph.nodes.values():
        for value in _entries(node):
            if graph.resolve(value.text) == target:
                found.append(Target(node.migration.path, value.span))
    return found


def _entries(node: Node) -> Iterator[Value]:
    for binding in (node.migration.down_revision, node.migration.depends_on):
        if binding is not None:
            yield from (value for value in binding.items if value.kind == "str")


# -- completion ------------------------------------------------------------------------
_ASSIGNMENT = re.compile(r"^\s*(down_revision|depends_on)\s*(?::[^=]*)?=(?!=)(.*)$")
_OPEN_BRACKET = re.compile(r"^\s*(down_revision|depends_on)\s*(?::[^=]*)?=\s*[(\[{]")


@dataclass(frozen=True)
class CompletionContext:
    variable: str  # "down_revision" or "depends_on"
    start: int  # code-point column where the string's text starts
    typed: str  # what is already typed inside the quotes


def _open_string(text: str) -> int | None:
    """The column after the quote of a string left open at the end of `text`, else None."""
    quote: str | None = None
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if quote is None:
            if char == "#":
                return None
            if char in "\"'":
                quote, start = char, index + 1
        elif char == "\\":
            index += 1
        elif char == quote:
            quote = None
        index += 1
    return start if quote is not None else None


def completion_context(lines: list[str], line: int, col: int) -> CompletionContext | None:
    """Inside a string of a `down_revision =` / `depends_on =` assignment? (1-based line)"""
    if not 1 <= line <= len(lines):
        return None
    prefix = lines[line - 1][:col]
    match = _ASSIGNMENT.match(prefix)
    if match:
        variable, offset = match.group(1), match.start(2)
    else:
        # A continuation line of a bracketed value: find the assignment above it.
        variable, offset = "", 0
        for above in range(line - 1, max(line - 11, 0), -1):
            text = lines[above - 1]
            opener = _OPEN_BRACKET.match(text)
            if opener:
                variable = opener.group(1)
                break
            if re.search(r"[)\]}]\s*(#.*)?$", text) or re.match(r"^\S", text):
                return None
        if not variable:
            return None
    start = _open_string(prefix[offset:])
    if start is None:
        return None
    return CompletionContext(variable, offset + start, prefix[offset + start :])


def candidates(graph: RevisionGraph, ctx: CompletionContext, own: str | None) -> list[tuple[str, Node, bool]]:
    """(id, node, is_head) to offer, heads first. A head is a revision nothing revises
    except the file being edited; the file's own revision is never offered."""
    offered: list[tuple[str, Node, bool]] = []
    for node in history(graph):
        if node.id == own:
            continue
        is_head = all(child == own for child in node.children)
        offered.append((node.id, node, is_head))
    offered.sort(key=lambda item: not item[2])  # stable: heads first, then newest first
    return offered
