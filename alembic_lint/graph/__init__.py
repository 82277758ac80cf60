"""The revision graph of one script directory, built the way alembic builds it.

- `build`: `RevisionGraph` (nodes, heads, bases, labels) and its construction;
- `problems`: what can be wrong, as data (the rules write the messages);
- `order`: the order `alembic history` prints revisions in;
- `algorithms`: walks, strongly connected components, the acyclic check;
- `unknowns`: what the graph could not read, and which findings it could change.
"""

from __future__ import annotations

from alembic_lint.graph.algorithms import walk
from alembic_lint.graph.build import ILLEGAL_CHARACTERS, Node, RevisionGraph, graph_key
from alembic_lint.graph.order import history
from alembic_lint.graph.problems import (
    Cycle,
    DownRevisionNotAString,
    DuplicateRevision,
    DynamicRevision,
    EmptyRevision,
    IllegalCharacters,
    InvalidRevision,
    LabelConflict,
    MissingReference,
    NoDownRevisionVariable,
    NoneString,
    NoRevisionVariable,
    Problem,
    RevisionNotAString,
    SelfReference,
    Unknown,
)

__all__ = [
    "ILLEGAL_CHARACTERS",
    "Cycle",
    "DownRevisionNotAString",
    "DuplicateRevision",
    "DynamicRevision",
    "EmptyRevision",
    "IllegalCharacters",
    "InvalidRevision",
    "LabelConflict",
    "MissingReference",
    "NoDownRevisionVariable",
    "NoRevisionVariable",
    "Node",
    "NoneString",
    "Problem",
    "RevisionGraph",
    "RevisionNotAString",
    "SelfReference",
    "Unknown",
    "graph_key",
    "history",
    "walk",
]
