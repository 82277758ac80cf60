from __future__ import annotations

from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.graph import (
    DownRevisionNotAString,
    EmptyRevision,
    IllegalCharacters,
    NoDownRevisionVariable,
    NoRevisionVariable,
    RevisionGraph,
    RevisionNotAString,
    SelfReference,
)
from alembic_lint.graph import InvalidRevision as InvalidProblem
from alembic_lint.graph.unknowns import merged, namers, unknowable
from alembic_lint.rules.base import Context, GraphRule
from alembic_lint.rules.held_back import held_back


def message(problem: InvalidProblem) -> str:
    """What is wrong with the file, and what to do."""
    match problem:
        case NoRevisionVariable():
            return 'no `revision` variable: alembic cannot load this file; declare `revision = "<id>"`'
        case RevisionNotAString(written=written):
            return f'`revision` must be a string, not {written}; declare `revision = "<id>"`'
        case EmptyRevision():
            return "`revision` is an empty string; give it an id"
        case IllegalCharacters(revision=revision, characters=characters):
            return (
                f"revision id {revision!r} contains {', '.join(repr(c) for c in characters)}, "
                "which alembic does not allow (@ - + :); rename it"
            )
        case NoDownRevisionVariable():
            return (
                "no `down_revision` variable: alembic cannot load this file; "
                "set it to the revision this one follows (None for a base)"
            )
        case DownRevisionNotAString(written=written):
            return f"`down_revision` entries must be revision id strings, not {written}"
        case SelfReference(entry=entry, via="down_revision"):
            return f"revision {entry!r} names itself as its down_revision; point it at the revision it follows"
        case SelfReference(entry=entry, via="depends_on"):
            return f"revision {entry!r} depends on itself; remove it from depends_on"
        case SelfReference(entry=entry, via="label"):
            return (
                f"depends_on {entry!r} is this revision's own branch label, so it depends on "
                "itself; remove it from depends_on"
            )
    raise AssertionError(f"no message for {problem!r}")  # a new kind of InvalidRevision needs one


class InvalidRevision(GraphRule):
    """A migration's revision variables are missing or invalid.

    ## What it does
    Reports a file with no `revision` variable (and a name that is not a legacy
    hexadecimal id), no `down_revision` variable, an id that contains one of
    the characters alembic forbids (`@ - + :`), a value of the wrong type, or a
    revision that names itself in `down_revision` or `depends_on` (also through
    its own branch label: held back, with the reason, while a file with a
    syntax error could still declare that label first).

    ## Why is this bad?
    alembic cannot load the file and every command fails. A helper module left
    in `versions/` is a common cause: alembic treats every `.py` file there as a
    migration.

    ## Example
    ```python
    revision = "add-users"
    down_revision = "add-users"
    ```

    ## Use instead
    ```python
    revision = "add_users"
    down_revision = "create_schema"
    ```
    Move helper modules out of the versions folder.
    """

    code = "ALM008"
    name = "invalid-revision"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        for problem in graph.problems_of(InvalidProblem):
            doubts = []
            if isinstance(problem, SelfReference) and problem.via == "label":
                # Whose label it is: another file with a syntax error may declare it too.
                doubts = merged(namers(graph, problem.entry, labels=True))
                if unknowable(doubts):
                    continue
            yield self.diagnostic(problem.migration.path, problem.span, message(problem) + held_back(doubts))
