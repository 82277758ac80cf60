"""The revision graph in Graphviz DOT (`dot -Tsvg graph.dot > graph.svg`).

The same picture as `alembic_lint.mermaid`: oldest at the top, heads with a thick
green border, revisions with findings filled red (codes named), merge points hexagons,
branch points with a double border, dangling references drawn to a dashed red
"missing" node, and a grey "⋯" node where a limit cut older revisions off.
"""

from __future__ import annotations

from alembic_lint.graph_view import GraphView, ViewNode

_EDGE_STYLE = {
    "down_revision": "",
    "depends_on": ' [style=dashed, label="depends_on"]',
    "missing": ' [style=dashed, color="#d73a49", label="missing", fontcolor="#d73a49"]',
    "elided": ' [style=dotted, color="#959da5"]',
}


def quote(text: str) -> str:
    """A DOT double-quoted string; `\\n` stays our line break."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attributes(node: ViewNode) -> dict[str, str]:
    if node.kind == "missing":
        return {
            "label": f"{node.short}\nmissing",
            "style": "dashed",
            "color": "#d73a49",
            "fontcolor": "#d73a49",
        }
    if node.kind == "elided":
        return {"label": f"⋯ {node.short}\nand older", "style": "dotted", "fontcolor": "#586069"}
    first = node.short + (f" ({', '.join(node.labels)})" if node.labels else "")
    lines = [first, node.message, node.notes]
    attributes = {"label": "\n".join(line for line in lines if line)}
    if node.merge_point:
        attributes["shape"] = "hexagon"
    if node.branch_point:
        attributes["peripheries"] = "2"
    if node.codes:
        attributes.update(fillcolor="#fdecea", color="#d73a49", penwidth="2")
    if node.head or node.effective_head:
        attributes.update(fillcolor="#fdecea" if node.codes else "#e6f4ea", color="#1e7e34", penwidth="3")
    return attributes


def render_dot(view: GraphView) -> str:
    lines = [
        "digraph revisions {",
        *([f"    // {view.hidden} revisions left out by --since/--heads-only-context"] if view.hidden else []),
        "    rankdir=TB;",
        '    node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
        '    edge [color="#555555", fontname="Helvetica", fontsize=9];',
    ]
    for node in view.nodes:
        attributes = ", ".join(f"{key}={quote(value)}" for key, value in _attributes(node).items())
        lines.append(f"    {node.key} [{attributes}];")
    lines.extend(f"    {edge.source} -> {edge.target}{_EDGE_STYLE[edge.kind]};" for edge in view.edges)
    lines.append("}")
    return "\n".join(lines) + "\n"
