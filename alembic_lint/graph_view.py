"""What a picture of the revision graph shows, independent of the drawing language.

`build_view` picks the revisions to draw (all of them, those after `--since REV`,
and/or the last N behind each head), and describes each as a `ViewNode` (short
id, message, labels, head/base/branch point/merge point, the codes of the
findings in its file) plus the edges between them. Two kinds of extra node keep
the picture honest: a *missing* node for a `down_revision`/`depends_on` that names
nothing (the dangling edge is drawn to it), and an *elided* node standing for the
older revisions a limit left out. `alembic_lint.mermaid` and `alembic_lint.graphviz`
turn a view into text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.graph import Node, RevisionGraph, history
from alembic_lint.records import field, record

SHORT_ID = 12
MESSAGE_WIDTH = 48

NodeKind = Literal["revision", "missing", "elided"]
EdgeKind = Literal["down_revision", "depends_on", "missing", "elided"]


class ViewError(ValueError):
    """A limit that names no revision (the message is one line for the user)."""


@record
class ViewNode:
    key: str  # identifier in the picture: r0, r1... for revisions, m0... missing, e0... elided
    kind: NodeKind
    revision: str
    message: str = ""
    labels: tuple[str, ...] = ()
    head: bool = False
    effective_head: bool = False  # a head only other revisions' depends_on point at
    base: bool = False
    branch_point: bool = False
    merge_point: bool = False
    codes: tuple[str, ...] = ()  # the rules with findings in this revision's file

    @property
    def short(self) -> str:
        return short_id(self.revision)

    @property
    def markers(self) -> tuple[str, ...]:
        """Words for what the node is, in `alembic history`'s vocabulary."""
        out = []
        if self.head:
            out.append("head")
        if self.effective_head:
            out.append("effective head")
        if self.base:
            out.append("base")
        if self.branch_point:
            out.append("branchpoint")
        if self.merge_point:
            out.append("mergepoint")
        return tuple(out)

    @property
    def notes(self) -> str:
        """The markers and the codes of the findings, for the last line of a label."""
        return " · ".join(self.markers + (("⚠ " + ", ".join(self.codes),) if self.codes else ()))


@record
class ViewEdge:
    source: str  # the older revision's key
    target: str  # the newer revision's key
    kind: EdgeKind


@record(frozen=False)
class GraphView:
    nodes: list[ViewNode] = field(default_factory=list)
    edges: list[ViewEdge] = field(default_factory=list)
    hidden: int = 0  # revisions left out by the limits


def short_id(revision: str) -> str:
    return revision if len(revision) <= SHORT_ID else revision[:SHORT_ID]


def one_line(text: str, width: int = MESSAGE_WIDTH) -> str:
    """Whitespace collapsed, cut to `width` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def resolve_revision(graph: RevisionGraph, text: str) -> str:
    """An exact revision id, or a prefix of exactly one."""
    if text in graph.nodes:
        return text
    matches = [nid for nid in graph.nodes if nid.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ViewError(f"no revision {text!r} in this folder")
    shown = ", ".join(sorted(matches)[:5]) + (", ..." if len(matches) > 5 else "")
    raise ViewError(f"{text!r} matches {len(matches)} revisions ({shown}); give more characters")


def descendants(graph: RevisionGraph, start: str) -> set[str]:
    """`start` and every revision after it (along down_revision links)."""
    return set(graph.descendants(start))


def near_heads(graph: RevisionGraph, depth: int) -> set[str]:
    """Each head and up to `depth` revisions behind it."""
    seen: set[str] = set()
    frontier = [h for h in graph.heads if h in graph.nodes]
    for level in range(depth + 1):
        frontier = [nid for nid in frontier if nid not in seen]
        seen.update(frontier)
        if level == depth:
            break
        frontier = [p for nid in frontier for p in graph.nodes[nid].down if p in graph.nodes]
    return seen


def select(graph: RevisionGraph, since: str | None = None, context: int | None = None) -> list[Node]:
    """The revisions to show, oldest first (reverse `alembic history` order)."""
    keep: set[str] | None = None
    if since is not None:
        keep = descendants(graph, resolve_revision(graph, since))
    if context is not None:
        close = near_heads(graph, context)
        keep = close if keep is None else keep & close
    ordered = list(reversed(history(graph)))
    return ordered if keep is None else [node for node in ordered if node.id in keep]


def _codes_by_path(diagnostics: Iterable[Diagnostic]) -> dict[Path, tuple[str, ...]]:
    found: dict[Path, set[str]] = {}
    for d in diagnostics:
        found.setdefault(d.path, set()).add(d.code)
    return {path: tuple(sorted(codes)) for path, codes in found.items()}


def build_view(
    graph: RevisionGraph,
    diagnostics: Sequence[Diagnostic] = (),
    *,
    since: str | None = None,
    context: int | None = None,
) -> GraphView:
    nodes = select(graph, since, context)
    codes = _codes_by_path(diagnostics)
    view = GraphView(hidden=len(graph.nodes) - len(nodes))
    keys = {node.id: f"r{number}" for number, node in enumerate(nodes)}
    extra: dict[tuple[str, str], str] = {}  # (kind, revision) -> key of a missing/elided node
    counts = {"missing": 0, "elided": 0}

    def extra_node(kind: NodeKind, revision: str) -> str:
        key = extra.get((kind, revision))
        if key is None:
            key = extra[(kind, revision)] = f"{kind[0]}{counts[kind]}"
            counts[kind] += 1
            view.nodes.append(ViewNode(key, kind, revision))
        return key

    for node in nodes:
        migration = node.migration
        view.nodes.append(
            ViewNode(
                keys[node.id],
                "revision",
                node.id,
                one_line(migration.header.message) if migration.header else "",
                tuple(sorted(graph.labels.get(node.id, ()))),
                head=not node.children and not node.dependents,
                effective_head=not node.children and bool(node.dependents),
                base=node.id in graph.bases,
                branch_point=node.is_branch_point,
                merge_point=node.is_merge_point,
                codes=codes.get(migration.path, ()),
            )
        )
    for node in nodes:
        target = keys[node.id]
        for parent in node.down:
            if parent in keys:
                view.edges.append(ViewEdge(keys[parent], target, "down_revision"))
            elif parent in graph.nodes:
                view.edges.append(ViewEdge(extra_node("elided", parent), target, "elided"))
            else:
                view.edges.append(ViewEdge(extra_node("missing", parent), target, "missing"))
        for entry in node.depends_on:
            resolved = graph.resolve(entry)
            if resolved is None:
                view.edges.append(ViewEdge(extra_node("missing", entry), target, "missing"))
            elif resolved in keys and resolved != node.id:
                view.edges.append(ViewEdge(keys[resolved], target, "depends_on"))
    return view
