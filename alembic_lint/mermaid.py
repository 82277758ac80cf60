"""The revision graph as a Mermaid flowchart (renders in GitHub/GitLab Markdown).

Oldest revisions at the top, an arrow from each revision to the ones that revise
it. Heads have a thick green border, revisions whose file has a finding are
filled red and name the codes (a head with findings has both), merge points are hexagons, branch points
stadiums. A dangling `down_revision` points from a dashed red "missing" node;
revisions left out by `--since`/`--heads-only-context` are summed up by a grey
"⋯" node per cut edge.
"""

from __future__ import annotations

from alembic_lint.graph_view import GraphView, ViewNode

CLASSES = {
    "head": "fill:#e6f4ea,stroke:#1e7e34,stroke-width:3px",
    "problem": "fill:#fdecea,stroke:#d73a49,stroke-width:2px",
    "problem_head": "fill:#fdecea,stroke:#1e7e34,stroke-width:3px",
    "missing": "fill:#ffffff,stroke:#d73a49,stroke-width:2px,stroke-dasharray:5 5,color:#d73a49",
    "elided": "fill:#f6f8fa,stroke:#959da5,stroke-dasharray:3 3,color:#586069",
}
_ARROWS = {"down_revision": "-->", "depends_on": "-.->|depends_on|", "missing": "-.->|missing|", "elided": "-.->"}
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}


def escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes for the special characters)."""
    return "".join(_ENTITIES.get(char, char) for char in text)


def _label(node: ViewNode) -> str:
    if node.kind == "missing":
        return f"<b>{escape(node.short)}</b><br/>missing"
    if node.kind == "elided":
        return f"⋯ {escape(node.short)}<br/>and older"
    lines = [f"<b>{escape(node.short)}</b>" + (f" ({escape(', '.join(node.labels))})" if node.labels else "")]
    if node.message:
        lines.append(escape(node.message))
    if node.notes:
        lines.append(f"<i>{escape(node.notes)}</i>")
    return "<br/>".join(lines)


def _shape(node: ViewNode, label: str) -> str:
    if node.merge_point:
        return f'{node.key}{{{{"{label}"}}}}'
    if node.branch_point:
        return f'{node.key}(["{label}"])'
    return f'{node.key}["{label}"]'


def render_mermaid(view: GraphView) -> str:
    lines = ["flowchart TD"]
    if view.hidden:
        lines.append(f"    %% {view.hidden} revisions left out by --since/--heads-only-context")
    lines.extend(f"    {_shape(node, _label(node))}" for node in view.nodes)
    lines.extend(f"    {edge.source} {_ARROWS[edge.kind]} {edge.target}" for edge in view.edges)
    members: dict[str, list[str]] = {name: [] for name in CLASSES}
    for node in view.nodes:
        if node.kind != "revision":
            members[node.kind].append(node.key)
            continue
        head = node.head or node.effective_head
        if head or node.codes:
            name = "problem_head" if head and node.codes else "head" if head else "problem"
            members[name].append(node.key)
    for name, style in CLASSES.items():
        if members[name]:
            lines.append(f"    classDef {name} {style}")
            lines.append(f"    class {','.join(members[name])} {name}")
    return "\n".join(lines) + "\n"
