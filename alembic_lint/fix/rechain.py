"""ALM001 by re-chaining: the branch whose migrations arrived later on the main branch goes
on top of the other head. Its first revision's `down_revision` and `Revises:` line change.

Safe when every moved revision exists only on the current branch (committed there or not
at all): no database can have applied it yet. Moving a revision that is on the main branch
rewrites history a database may have applied: unsafe. Without git history (no repository,
a shallow clone, no main branch) the `Create Date` headers order the branches, and the note
says so; that fix is unsafe too.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic_lint.diagnostics import Edit, Fix, Span
from alembic_lint.fix.context import FixContext, Resolved, Unresolved
from alembic_lint.fix.git_order import Added, NoOrder, Order, arrival_order, arrived_in
from alembic_lint.fix.recipes import JoinHeads
from alembic_lint.fix.text import Offsets
from alembic_lint.graph import Node, RevisionGraph


@dataclass(frozen=True)
class Branch:
    head: str
    own: frozenset[str]  # the revisions only this head leads to
    first: str | None  # the branch's one first revision (the one to move), or None
    why_not: str = ""  # why it cannot be moved, when `first` is None


def _ancestors(graph: RevisionGraph, start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        nid = todo.pop()
        if nid in seen or nid not in graph.nodes:
            continue
        seen.add(nid)
        todo.extend(graph.nodes[nid].down)
    return seen


def branches(graph: RevisionGraph, heads: Iterable[str]) -> list[Branch] | str:
    """Each head's own revisions and where they start; or why there is nothing to re-chain."""
    heads = [h for h in heads if h in graph.nodes]
    if len(heads) < 2:
        return "there are no longer several heads"
    reach = {h: _ancestors(graph, h) for h in heads}
    out: list[Branch] = []
    for head in heads:
        shared = set().union(*(reach[o] for o in heads if o != head))
        own = frozenset(reach[head] - shared)
        starts = sorted(n for n in own if not graph.nodes[n].down or any(p not in own for p in graph.nodes[n].down))
        if len(starts) != 1:
            out.append(Branch(head, own, None, f"the branch of {head!r} starts at {len(starts)} revisions (a merge)"))
            continue
        first = graph.nodes[starts[0]]
        if len(first.down) != 1:
            what = "is a base" if not first.down else "merges several revisions"
            out.append(Branch(head, own, None, f"{first.id!r}, the first revision of the branch of {head!r}, {what}"))
            continue
        out.append(Branch(head, own, first.id))
    return out


def _date(node: Node) -> datetime | None:
    header = node.migration.header
    if header is None or header.create_date is None:
        return None
    try:
        return datetime.fromisoformat(header.create_date.value.strip())
    except ValueError:
        return None


def _string_edit(node: Node, new: str, text: str) -> Edit | str:
    """Replace the down_revision string's content, keeping its quotes; or why not."""
    binding = node.migration.down_revision
    if binding is None or binding.shape != "str" or not binding.is_static:
        return f"down_revision of {node.id!r} is not a single string"
    span = binding.items[0].span
    offsets = Offsets(text)
    start, end = offsets.span(span)
    literal = text[start:end]
    old = binding.items[0].text
    if literal not in (f"'{old}'", f'"{old}"'):
        return f"down_revision of {node.id!r} is not a plain string literal ({literal})"
    inner = Span(span.line, span.col + 1, span.end_line, span.end_col - 1)
    return Edit(inner, new, node.migration.path)


def rechain(recipe: JoinHeads, ctx: FixContext) -> Resolved | Unresolved:
    graph = ctx.graph
    found = branches(graph, recipe.heads)
    if isinstance(found, str):
        return Unresolved(f"cannot re-chain: {found}; use --heads-strategy merge")
    files = {nid: graph.nodes[nid].migration.path for b in found for nid in b.own}
    order = arrival_order(ctx.folder.locations[0], {p.name for p in files.values()}, recipe.main_branch)
    if isinstance(order, NoOrder):
        return _by_create_date(found, graph, ctx, order.reason)
    lead = {b.head: min((order.get(files[n].name) for n in b.own), key=lambda a: a.position) for b in found}
    ordered = sorted(found, key=lambda b: (lead[b.head].position, graph.nodes[b.head].order))
    moves: list[tuple[Branch, Branch]] = list(itertools.pairwise(ordered))
    notes = []
    for earlier, later in moves:
        before = _arrival(lead[earlier.head], order, ctx, subject=False)
        notes.append(
            f"{_arrival(lead[later.head], order, ctx)} after {before}: {later.first} now revises {earlier.head}"
        )
    safe = all(later.first is not None and not order.get(files[later.first].name).on_main for _, later in moves)
    return _fix(moves, graph, ctx, "git order", "; ".join(notes), "safe" if safe else "unsafe")


def _arrival(added: Added, order: Order, ctx: FixContext, *, subject: bool = True) -> str:
    """Where a file came from: as the subject of the note ("x.py arrived on main in ..."),
    or as what it is compared with ("x.py (abc1234, 2025-01-04)")."""
    if added.on_main and added.commit:
        brought = arrived_in(ctx.folder.locations[0], added.commit, order.main)
        short, date = brought if brought else (added.short, added.date)
        return (
            f"{added.name} arrived on {order.main} in {short} ({date})"
            if subject
            else f"{added.name} ({short}, {date})"
        )
    if added.commit:
        if subject:
            return f"{added.name} is only on this branch (added in {added.short}, {added.date}), not on {order.main}"
        return f"{added.name} (added in {added.short} on this branch)"
    return f"{added.name} is not committed yet" if subject else f"{added.name} (not committed)"


def _by_create_date(found: list[Branch], graph: RevisionGraph, ctx: FixContext, reason: str) -> Resolved | Unresolved:
    dates: dict[str, datetime] = {}
    for branch in found:
        for nid in branch.own:
            date = _date(graph.nodes[nid])
            if date is None:
                name = graph.nodes[nid].migration.path.name
                return Unresolved(f"cannot order the heads: no git history ({reason}) and {name} has no Create Date")
            dates[nid] = date.replace(tzinfo=None)
    lead = {b.head: min(b.own, key=lambda n: (dates[n], graph.nodes[n].order)) for b in found}
    ordered = sorted(found, key=lambda b: (dates[lead[b.head]], graph.nodes[b.head].order))
    moves = list(itertools.pairwise(ordered))
    notes = []
    for earlier, later in moves:
        a, b = graph.nodes[lead[later.head]], graph.nodes[lead[earlier.head]]
        notes.append(
            f"{a.migration.path.name} (Create Date {dates[a.id]}) is newer than {b.migration.path.name} "
            f"({dates[b.id]}): {later.first} now revises {earlier.head}"
        )
    note = f"no git history ({reason}), so the Create Date headers decide: " + "; ".join(notes)
    return _fix(moves, graph, ctx, "Create Date order", note, "unsafe")


def _fix(
    moves: list[tuple[Branch, Branch]], graph: RevisionGraph, ctx: FixContext, how: str, note: str, applicability: str
) -> Resolved | Unresolved:
    edits: list[Edit] = []
    for _, later in moves:
        if later.first is None:
            return Unresolved(f"cannot re-chain: {later.why_not}; use --heads-strategy merge")
    for earlier, later in moves:
        assert later.first is not None
        node = graph.nodes[later.first]
        path: Path = node.migration.path
        text = ctx.files.text(path)
        if text is None:
            return Unresolved(f"cannot read {path}")
        edit = _string_edit(node, earlier.head, text)
        if isinstance(edit, str):
            return Unresolved(f"cannot re-chain: {edit}")
        edits.append(edit)
        header = node.migration.header
        if header is not None and header.revises is not None and header.revises.value != earlier.head:
            edits.append(Edit(header.revises.span, earlier.head, path))
    title = "Re-chain " + ", ".join(f"{later.first} onto {earlier.head}" for earlier, later in moves) + f" ({how})"
    return Resolved(Fix(title, tuple(edits), applicability), note)  # type: ignore[arg-type]
