"""What the graph could not read, and which findings it could change.

A file with a syntax error still says what its statements before the error say (parse.py
recovers them); a file that cannot be read or decoded says nothing, nor does a `revision`/
`down_revision` computed at import time. Each such gap is an `Unknown`: the revision
variables whose values are missing and, for a broken file, the words of its unread part (it
cannot name an id it does not contain).

The questions below are the only ways a gap can change a graph finding. A rule asks the
one its finding depends on; it reports the finding anyway, saying why it is held back,
unless a gap could say anything (`unknowable`), and then it does not report it.
Files that were read and hold no `revision` (random bytes, a helper module) are not
migrations for the graph: they are no gap and change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint.graph.algorithms import walk
from alembic_lint.graph.problems import Unknown
from alembic_lint.parse import REVISION_VARIABLES
from alembic_lint.records import replace

if TYPE_CHECKING:
    from alembic_lint.graph.build import RevisionGraph


def unknowable(doubts: Iterable[Unknown]) -> bool:
    """True when one of the gaps could say anything: the finding is not reported."""
    return any(doubt.says_anything for doubt in doubts)


def revisers(graph: RevisionGraph, nid: str) -> list[Unknown]:
    """The gaps that could name `nid` as their down_revision (so `nid` may not be a head)."""
    return [
        _about(u, "revision" if u.revision is None else "down_revision")
        for u in graph.unknowns
        if u.place_unknown and u.revision != nid and u.could_name(nid)
    ]


def namers(graph: RevisionGraph, identifier: str, *, labels: bool = False) -> list[Unknown]:
    """The gaps that could declare `identifier`: as their id (unknown ids only) or, with
    `labels`, as a branch label (unknown branch_labels). A missing reference to it may not be."""
    found = []
    for u in graph.unknowns:
        if not u.could_name(identifier):
            continue
        if u.revision is None:
            found.append(_about(u, "revision"))
        elif labels and u.labels_unknown:
            found.append(_about(u, "branch_labels"))
    return found


def label_doubts(graph: RevisionGraph) -> list[Unknown]:
    """The gaps that could change which revisions branch labels tell apart: unknown
    branch_labels anywhere; and, in a folder that uses labels, an unknown place that could
    name a revision of the graph (the revision may inherit a label from there, or pass its
    own down to it)."""
    if not graph.unknowns:
        return []
    uses_labels = bool(graph.label_owner) or any(node.declared_labels for node in graph.nodes.values())
    found = []
    for u in graph.unknowns:
        if u.labels_unknown:
            found.append(_about(u, "branch_labels"))
        elif uses_labels and u.place_unknown and _attachable(graph, u):
            found.append(_about(u, "revision" if u.revision is None else "down_revision"))
    return found


def head_doubts(graph: RevisionGraph, head: str, others: Sequence[str]) -> list[Unknown]:
    """What could undo "`head` is a head alongside `others`": what could undo `head`'s place
    as a head, or that of every one of the others, or gaps in the labels."""
    doubts = _head_gaps(graph, head)
    of_others = [_head_gaps(graph, other) for other in others]
    if all(of_others):
        doubts += [u for found in of_others for u in found]
    return merged(doubts + label_doubts(graph))


def _head_gaps(graph: RevisionGraph, nid: str) -> list[Unknown]:
    """The gaps that could undo `nid`'s place as a reported head: one revising it, or one with
    an unknown down_revision at or below it (that could name nothing, or close a cycle: then
    the one finding is about that, not about the heads above it)."""
    found = revisers(graph, nid)
    below = {u.revision: u for u in graph.unknowns if u.revision is not None and "down_revision" in u.variables}
    if below:
        found += [_about(below[a], "down_revision") for a in walk([nid], graph.parents) if a in below]
    return found


def merged(doubts: Iterable[Unknown]) -> list[Unknown]:
    """One gap per file, naming every variable some doubt is about, in alembic's order."""
    doubts = list(doubts)
    by_file: dict[tuple[Path, int, str, str | None], set[str]] = {}
    for doubt in doubts:
        by_file.setdefault((doubt.path, doubt.line, doubt.cause, doubt.revision), set()).update(doubt.variables)
    found = []
    for doubt in doubts:
        key = (doubt.path, doubt.line, doubt.cause, doubt.revision)
        if key in by_file:
            names = by_file.pop(key)
            found.append(replace(doubt, variables=tuple(n for n in REVISION_VARIABLES if n in names)))
    return found


def _about(gap: Unknown, variable: str) -> Unknown:
    """The gap, as a doubt about one of its variables."""
    return replace(gap, variables=(variable,)) if variable in gap.variables else gap


def _attachable(graph: RevisionGraph, gap: Unknown) -> bool:
    """Could the gap name some revision of the graph (as its down_revision)?"""
    return gap.says_anything or any(gap.could_name(nid) for nid in graph.nodes if nid != gap.revision)
