"""The words for a graph finding that a gap in the graph could change (graph/unknowns.py)."""

from __future__ import annotations

from collections.abc import Sequence

from alembic_lint.graph import Unknown


def held_back(doubts: Sequence[Unknown]) -> str:
    """What to append to the finding's message: "" when nothing could change it, else
    " (held back: 3c_two.py has a syntax error at line 12, its down_revision is unknown)"."""
    if not doubts:
        return ""
    return " (held back: " + "; ".join(_why(doubt) for doubt in doubts) + ")"


def _why(doubt: Unknown) -> str:
    names = list(doubt.variables)
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "is" if len(names) == 1 else "are"
    if doubt.cause == "syntax":
        return f"{doubt.path.name} has a syntax error at line {doubt.line}, its {listed} {verb} unknown"
    if doubt.cause in ("unread", "undecodable"):
        could_not = "be read" if doubt.cause == "unread" else "be decoded"
        return f"{doubt.path.name} could not {could_not}, its {listed} {verb} unknown"
    return f"{doubt.path.name} computes its {listed} (line {doubt.line})"
