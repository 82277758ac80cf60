"""What resolving a recipe sees (the folder, its files, the clock) and what it gives back:
shared by `resolve` and the modules that turn recipes into edits (rechain, merge, downgrade)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from alembic_lint.diagnostics import Fix

if TYPE_CHECKING:
    from datetime import datetime

    from alembic_lint.discover import VersionFolder
    from alembic_lint.graph import RevisionGraph
    from alembic_lint.parse import Parsed
    from alembic_lint.settings import Settings


class Files(Protocol):
    """The files as the fixes see them: disk, an editor's buffers, earlier rounds' results."""

    def text(self, path: Path) -> str | None: ...

    def exists(self, path: Path) -> bool: ...


@dataclass(frozen=True)
class Clock:
    """What a new revision takes from the moment: its id and `Create Date` (alembic's own
    `rev_id()` and `datetime.now()` unless set, which tests do)."""

    now: Callable[[], datetime] | None = None
    rev_id: Callable[[], str] | None = None


@dataclass
class FixContext:
    """What resolving a recipe may look at: the folder as linted, its files, the settings."""

    folder: VersionFolder
    graph: RevisionGraph
    parsed: Sequence[Parsed]
    settings: Settings
    files: Files
    clock: Clock = field(default_factory=Clock)
    memo: dict[object, Resolved | Unresolved] = field(default_factory=dict)

    def migration(self, revision: str) -> Path | None:
        node = self.graph.nodes.get(revision)
        return node.migration.path if node is not None else None


@dataclass(frozen=True)
class Resolved:
    """A fix ready to apply, and what decided it (printed when it is applied or shown)."""

    fix: Fix
    note: str = ""


@dataclass(frozen=True)
class Unresolved:
    """A recipe that gives no fix here, and why."""

    reason: str
