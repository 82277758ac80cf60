from __future__ import annotations

from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.graph import RevisionGraph
from alembic_lint.rules.base import Context, GraphRule

UNREADABLE = ("read", "decode")  # the ParseFailure kinds this rule reports (ALM000 has the rest)


class UnreadableFile(GraphRule):
    """A migration file cannot be read or decoded.

    ## What it does
    Reports a file of a versions folder that cannot be read (a dangling symbolic
    link, a link loop, no permission, deleted while being checked) or whose bytes
    are not text in its declared encoding. The rest of the folder is still checked.
    A file whose bytes do not decode is still read, with U+FFFD for each bad
    byte, as ALM000 reads a file with a syntax error: its revision variables stay
    in the graph unless one of them holds a bad byte. A file that cannot be read
    at all could hold any revision: the graph findings it could change (a
    dangling id, heads) are held back, reported with the reason. A link in the
    versions folder, or a versions folder that is a link, whose target is outside
    the repository is not read at all (a pull request could point it at
    `/proc/self/environ`), and is reported the same way; `--allow-outside PATH`
    reads it.

    ## Why is this bad?
    alembic loads every file of the versions folder for every command: one it
    cannot read makes `alembic upgrade` fail, and whatever revision it holds is
    missing from the graph.

    ## Example
    ```console
    $ ls -l migrations/versions/
    3c4d5e6f7a8b_add_index.py -> ../../shared/3c4d5e6f7a8b_add_index.py  (the target was deleted)
    ```

    ## Use instead
    Restore the file (or the link's target), give it read permission, or save it
    as UTF-8 (or with the `# -*- coding: ... -*-` line of its real encoding).
    """

    code = "ALM011"
    name = "unreadable-file"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        for failure in graph.failures():
            if failure.kind in UNREADABLE:
                yield self.diagnostic(failure.path, failure.span, failure.message)
