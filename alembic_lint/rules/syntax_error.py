from __future__ import annotations

from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.graph import RevisionGraph
from alembic_lint.rules.base import Context, GraphRule
from alembic_lint.rules.unreadable_file import UNREADABLE


class UnparsableMigration(GraphRule):
    """A migration file is not valid Python.

    ## What it does
    Reports files in a versions folder that are not valid Python (files that
    cannot be read or decoded are ALM011's).

    What the file still says stays in the graph: the revision variables of the
    statements before the error.
    The other graph rules hold back, with the reason in their message, only the
    findings the unread part could change. A file with no readable `revision`
    is not a migration for the graph and changes nothing there. The file rules
    (ALM1xx, ALM201) skip a broken file: this is its one finding.

    ## Why is this bad?
    alembic imports every file in the versions folder for every command, even
    `alembic heads`. One broken file makes every command fail, and its revision
    is missing from the graph, so other checks cannot be trusted either.

    ## Example
    ```python
    revision = "1a2b3c4d5e6f"
    down_revision = ("0f9e8d7c6b5a"
    ```

    ## Use instead
    ```python
    revision = "1a2b3c4d5e6f"
    down_revision = "0f9e8d7c6b5a"
    ```
    """

    code = "ALM000"
    name = "syntax-error"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        for failure in graph.failures():
            if failure.kind not in UNREADABLE:  # those are ALM011's
                yield self.diagnostic(failure.path, failure.span, failure.message)
