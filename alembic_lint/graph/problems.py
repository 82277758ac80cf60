"""What can be wrong with a revision graph, as data.

Each record says what is wrong and holds the files and values involved; it holds no
sentence. The rules (alembic_lint/rules/) turn records into diagnostics and write every
message. A graph rule reads its records with `graph.problems_of(Kind)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from alembic_lint.diagnostics import Span
from alembic_lint.parse import Binding, Migration, Value, could_name
from alembic_lint.records import record


# -- ALM008: files alembic refuses to load ------------------------------------------
@record
class InvalidRevision:
    """A file alembic would refuse to load (ALM008); each subclass is one reason."""

    migration: Migration
    span: Span


@record
class NoRevisionVariable(InvalidRevision):
    """No `revision` variable, and a file name that is not a legacy hexadecimal id."""


@record
class RevisionNotAString(InvalidRevision):
    """`revision` is a literal of another type."""

    written: str  # the value's source text, or its shape ("tuple", "none", ...)


@record
class EmptyRevision(InvalidRevision):
    """`revision = ""`."""


@record
class IllegalCharacters(InvalidRevision):
    """The revision id contains characters alembic forbids."""

    revision: str
    characters: tuple[str, ...]  # sorted


@record
class NoDownRevisionVariable(InvalidRevision):
    """No `down_revision` variable (alembic requires it, even for a base)."""


@record
class DownRevisionNotAString(InvalidRevision):
    """A `down_revision` entry is a literal of another type."""

    written: str  # the entry's source text


@record
class SelfReference(InvalidRevision):
    """A revision that names itself: in down_revision, in depends_on, or in depends_on
    through its own branch label."""

    entry: str  # as written: the revision id, or the label
    via: Literal["down_revision", "depends_on", "label"]


# -- the other kinds ---------------------------------------------------------------
@record
class DynamicRevision:
    """`revision`/`down_revision` is not a literal, so the graph cannot be verified (ALM009)."""

    migration: Migration
    binding: Binding
    value: Value


@record
class DuplicateRevision:
    """Several files declare the same revision id (ALM003); the last one wins in alembic."""

    revision: str
    migrations: tuple[Migration, ...]


@record
class MissingReference:
    """A `down_revision` (ALM002) or `depends_on` (ALM006) entry that names nothing."""

    migration: Migration
    value: Value
    kind: Literal["down_revision", "depends_on"]
    suggestion: str | None = None
    is_label: bool = False  # a down_revision that names a branch label instead of an id


@record
class LabelConflict:
    """A branch label declared twice, or equal to a revision id (ALM007)."""

    label: str
    migration: Migration
    value: Value
    other: Migration
    other_revision: str
    is_revision_id: bool


@record
class NoneString:
    """`branch_labels` or `depends_on` is the string "None" (ALM010): alembic reads it as a
    name, so `branch_labels = "None"` puts every later revision on a branch called None."""

    migration: Migration
    binding: Binding  # its `name` says which variable


@record
class Cycle:
    """Revisions that (transitively) revise themselves (ALM004)."""

    members: tuple[str, ...]  # file order
    dependency: bool  # only closed through depends_on edges


Problem = InvalidRevision | DynamicRevision | DuplicateRevision | MissingReference | LabelConflict | NoneString | Cycle


# -- what the graph could not read (graph/unknowns.py reasons with these) -------------
Cause = Literal["syntax", "unread", "undecodable", "dynamic"]


@record
class Unknown:
    """One file's revision variables whose values the graph does not know: after a syntax
    error, in a file that could not be read or decoded at all, or computed at import time."""

    path: Path
    line: int  # the syntax error's line, or the computed binding's (1 for an unread file)
    cause: Cause
    revision: str | None  # the file's id, when known
    variables: tuple[str, ...]  # the unknown ones, in alembic's order
    mentions: frozenset[str] | None = None  # the words of the unknown part (`\w+`); None: unknown

    def could_name(self, identifier: str) -> bool:
        """Could the unknown part say `identifier`? Not when its words are known and some word
        of the identifier is not among them."""
        return could_name(self.mentions, identifier)

    @property
    def says_anything(self) -> bool:
        """True for a value computed at import time: only running the file could tell, and the
        findings it could change are not reported. A file that cannot be read is not that: it
        is meant to hold literals, and the findings it could change are held back."""
        return self.cause == "dynamic"

    @property
    def place_unknown(self) -> bool:
        """Its down_revision, or its very id, is unknown: it could sit anywhere in the graph."""
        return self.revision is None or "down_revision" in self.variables

    @property
    def labels_unknown(self) -> bool:
        return "branch_labels" in self.variables
