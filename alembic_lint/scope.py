"""Which files' findings a run reports: all of them, or only the new ones.

`since` (`--since REV`, or `since = "REV"` in the configuration) keeps the file findings of
REV and the revisions after it, as `graph --since REV` draws them (graph_view.py's
selection); `report_files` (`--diff-base REF`: the files git says changed since the merge
base with REF, diff_base.py) keeps those of the listed files. Graph rules always see and
report the whole graph: a second head is a second head whichever file is new. Pure: the
graph and the settings in, a set of paths out.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from alembic_lint.graph import RevisionGraph
from alembic_lint.graph_view import ViewError, resolve_revision
from alembic_lint.settings import Settings


class ScopeError(ValueError):
    """A `since` revision that no graph of the run holds, or a `--diff-base` git cannot
    answer (the message is one line for the user: a usage error, exit 2)."""


def found_in(graph: RevisionGraph, revision: str) -> str | None:
    """The revision `revision` (an id or a unique prefix) names in this graph, or None."""
    try:
        return resolve_revision(graph, revision)
    except ViewError:
        return None


def since_files(graph: RevisionGraph, revisions: Sequence[str]) -> frozenset[Path] | None:
    """The files of the revisions from each of `revisions` on, in this graph; None when the
    graph holds none of them (`since` then says nothing about it: all its files are reported)."""
    starts = [found for found in (found_in(graph, revision) for revision in revisions) if found is not None]
    if not starts:
        return None
    ids = {nid for start in starts for nid in graph.descendants(start)}
    return frozenset(graph.nodes[nid].migration.path for nid in ids)


def reported_files(graph: RevisionGraph, paths: Iterable[Path], settings: Settings) -> frozenset[Path] | None:
    """The files whose findings of file rules are reported (None: every file)."""
    kept = since_files(graph, settings.since) if settings.since else None
    if settings.report_files is not None:
        changed = frozenset(settings.report_files)
        listed = frozenset(path for path in paths if path in changed or _real(path) in changed)
        kept = listed if kept is None else kept & listed
    return kept


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def check_since(graphs: Iterable[RevisionGraph], revisions: Sequence[str]) -> None:
    """Raise ScopeError for the first `since` revision that no graph holds, or that is a
    prefix of several revisions (the front-end says who set it)."""
    graphs = list(graphs)
    for revision in dict.fromkeys(revisions):
        reason = f"no revision {revision!r} in the revision graphs checked"
        for graph in graphs:
            try:
                resolve_revision(graph, revision)
                break
            except ViewError as exc:
                if "matches" in str(exc):
                    reason = str(exc)
        else:
            raise ScopeError(reason)
