from __future__ import annotations

from collections.abc import Iterator, Sequence

from alembic_lint.diagnostics import Diagnostic, Fix, Related, Span
from alembic_lint.fix.recipes import HEADS_STRATEGIES, JoinHeads
from alembic_lint.graph import RevisionGraph
from alembic_lint.graph.unknowns import head_doubts, label_doubts, merged, unknowable
from alembic_lint.rules.base import Context, GraphRule, Option
from alembic_lint.rules.held_back import held_back
from alembic_lint.values import one_of, string


def _competitors(graph: RevisionGraph, ends: Sequence[str]) -> dict[str, list[str]]:
    """For each head (or base), the others no branch label tells apart from it."""
    usable = [nid for nid in ends if nid not in graph.tainted]
    return {nid: [other for other in usable if other != nid and not graph.distinguished(nid, other)] for nid in usable}


def _quoted(ids: Sequence[str]) -> str:
    return ", ".join(repr(i) for i in ids)


class MultipleHeads(GraphRule):
    """More than one head revision that no branch label tells apart.

    ## What it does
    Reports every head revision (a revision that no other revision names as its
    `down_revision`) when another head exists that is not on a different named
    branch. Heads of separate named branches (each carries, declared or
    inherited, a branch label the other lacks, such as `expand`/`contract`) are
    intentional and not reported.

    Beside a file with a syntax error, the finding is held back (reported, with
    the reason) when the unread part of that file could revise one of the heads
    (it contains the head's id) or declare a branch label. Beside a file whose
    `revision`/`down_revision` is computed (ALM009), heads are not reported.

    ## Why is this bad?
    Two branches each added a migration on the same parent and both were merged.
    `alembic upgrade head` then fails in the deploy with "Multiple head revisions
    are present", and `alembic revision` refuses to create the next migration.

    ## Example
    ```python
    # versions/c3_add_email.py
    revision = "c3"
    down_revision = "b2"
    # versions/d4_add_phone.py
    revision = "d4"
    down_revision = "b2"
    ```

    ## Use instead
    Re-chain the later migration onto the other head, or write a merge revision
    with `alembic merge heads`:
    ```python
    # versions/d4_add_phone.py
    revision = "d4"
    down_revision = "c3"
    ```

    ## Fix
    `--fix` re-chains (`heads-strategy = "rechain"`, the default): the branch
    whose migration files arrived later on the main branch goes on top of the
    other head, by rewriting the `down_revision` of its first revision and its
    `Revises:` line. The order is alembic-git-revisions' (`git log --reverse
    --topo-order --diff-filter=A --no-renames` on the main branch; files only on
    the current branch, or not committed, are newer), so a branch committed
    first but merged last ends on top; squash merges, rebases and merge commits
    all count. Without git history (no repository, a shallow clone) the
    `Create Date` headers decide, and the fix says so. It is safe when the moved
    revision is only on the current branch (no database has applied it yet),
    unsafe otherwise. With `heads-strategy = "merge"` the fix (safe) writes the
    merge revision `alembic merge heads -m "merge heads"` would, rendered from
    the project's own `script.py.mako`, without importing any migration.
    """

    code = "ALM001"
    name = "multiple-heads"
    options = (
        Option(
            "heads-strategy",
            "rechain",
            one_of(*HEADS_STRATEGIES),
            'how `--fix` leaves one head: "rechain" the later branch onto the other head, or "merge"',
        ),
        Option(
            "main-branch",
            "",
            string,
            "the branch that says which migration arrived first (default: origin's HEAD, else main, else master)",
        ),
    )

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        strategy = str(ctx.option(self, "heads-strategy"))
        main = str(ctx.option(self, "main-branch"))
        for head, others in _competitors(graph, graph.heads).items():
            if not others:
                continue
            doubts = head_doubts(graph, head, others)
            if unknowable(doubts):
                continue
            node = graph.nodes[head]
            competing = tuple(sorted((head, *others), key=lambda nid: graph.nodes[nid].order))
            recipe = JoinHeads(competing, strategy, main)  # type: ignore[arg-type]
            fix: Fix | None
            if doubts:
                fix = None  # held back: a file with a syntax error may yet change which heads there are
            elif strategy == "merge":
                fix = Fix("Create a merge revision", applicability="safe", recipe=recipe)
            else:
                fix = Fix("Re-chain the branch that arrived later onto the other head (git order)", recipe=recipe)
            yield self.diagnostic(
                node.migration.path,
                node.revision_span,
                f"revision {head!r} is a head alongside {_quoted(others)}: `alembic upgrade head` will fail; "
                f"set down_revision to the latest head or run `alembic merge heads`{held_back(doubts)}",
                fix=fix,
                related=tuple(
                    Related(graph.nodes[o].migration.path, graph.nodes[o].revision_span, f"other head {o!r}")
                    for o in others
                ),
            )


class MultipleBases(GraphRule):
    """More than one base revision that no branch label tells apart.

    ## What it does
    Reports every base revision (`down_revision = None`) when another base exists
    that is not on a different named branch. Beside a file with a syntax error
    whose unread part could still declare a branch label, the finding is held
    back (reported, with the reason); when a computed value could, it is not
    reported.

    ## Why is this bad?
    A second base usually means a migration was created with no parent (copied
    from another project, or `down_revision` cleared by hand). Its chain is
    disconnected from the rest of the history: it runs in an arbitrary order and
    `alembic downgrade base` becomes ambiguous.

    ## Example
    ```python
    # versions/x1_add_tags.py
    revision = "x1"
    down_revision = None  # but "a1" is already the base
    ```

    ## Use instead
    ```python
    revision = "x1"
    down_revision = "d4"  # the revision it really follows
    ```
    If the second root is intentional, give each root a branch label
    (`branch_labels = ("tags",)`).
    """

    code = "ALM005"
    name = "multiple-bases"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        doubts = merged(label_doubts(graph))  # only labels could tell these bases apart
        if unknowable(doubts):
            return
        for base, others in _competitors(graph, graph.bases).items():
            if not others:
                continue
            node = graph.nodes[base]
            binding = node.migration.down_revision
            span: Span = binding.value_span if binding else node.revision_span
            yield self.diagnostic(
                node.migration.path,
                span,
                f"revision {base!r} is a base alongside {_quoted(others)}; set its down_revision to the "
                f"revision it follows, or give each root its own branch label{held_back(doubts)}",
                related=tuple(
                    Related(graph.nodes[o].migration.path, graph.nodes[o].revision_span, f"other base {o!r}")
                    for o in others
                ),
            )
