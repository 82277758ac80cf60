from __future__ import annotations

from collections.abc import Iterator

from alembic_lint.diagnostics import Diagnostic, Edit, Fix, Span
from alembic_lint.graph import MissingReference, RevisionGraph
from alembic_lint.graph.unknowns import merged, namers, unknowable
from alembic_lint.parse import Value
from alembic_lint.rules.base import Context, GraphRule
from alembic_lint.rules.held_back import held_back


def _replace_fix(value: Value, replacement: str) -> Fix | None:
    """Replace the text inside a one-line string literal, keeping its quotes."""
    span = value.span
    if span.line != span.end_line or span.end_col - span.col != len(value.text) + 2:
        return None  # prefixed, triple-quoted or escaped: leave it to the user
    inner = Span(span.line, span.col + 1, span.end_line, span.end_col - 1)
    return Fix(f"Replace {value.text!r} with {replacement!r}", (Edit(inner, replacement),))


def _missing(graph: RevisionGraph, kind: str) -> Iterator[MissingReference]:
    return (problem for problem in graph.problems_of(MissingReference) if problem.kind == kind)


class MissingDownRevision(GraphRule):
    """A `down_revision` names a revision that does not exist.

    ## What it does
    Reports each `down_revision` entry that is not the id of a revision in the
    same script directory, and suggests a close id when there is one. A branch
    label is not accepted here: alembic needs a full revision id. A file with a
    syntax error cannot be the missing revision once its `revision` is read;
    while some file's `revision` is computed (ALM009), ids that name nothing are
    not reported (that file may be the one).

    ## Why is this bad?
    alembic fails on every command with a `KeyError` once it reaches the
    dangling reference. This usually comes from a parent migration that was
    deleted or renamed, a typo, or a shortened id copied from a log.

    ## Example
    ```python
    revision = "d4e5f6a7b8c9"
    down_revision = "c3d4e5f6a7b"  # one character missing
    ```

    ## Use instead
    ```python
    revision = "d4e5f6a7b8c9"
    down_revision = "c3d4e5f6a7b8"
    ```

    ## Fix
    When there is a close id (or the label names a branch with one head),
    `--fix --unsafe-fixes` writes it in place of the string's content, its
    quotes kept. Unsafe: the suggestion is a guess; check it is the parent meant.
    """

    code = "ALM002"
    name = "missing-down-revision"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        for problem in _missing(graph, "down_revision"):
            fix = None
            doubts = [] if problem.is_label else merged(namers(graph, problem.value.text))
            if problem.is_label:
                heads = [h for h in graph.heads if problem.value.text in graph.labels.get(h, ())]
                hint = f"; its head is {heads[0]!r}" if len(heads) == 1 else ""
                message = (
                    f"down_revision {problem.value.text!r} is a branch label, but down_revision must be "
                    f"a full revision id{hint}"
                )
                if len(heads) == 1:
                    fix = _replace_fix(problem.value, heads[0])
            elif unknowable(doubts):
                continue  # it may name a revision whose id is computed
            elif problem.suggestion:
                message = (
                    f"down_revision {problem.value.text!r} names no revision in this folder; "
                    f"did you mean {problem.suggestion!r}?"
                )
                fix = _replace_fix(problem.value, problem.suggestion)
            else:
                message = (
                    f"down_revision {problem.value.text!r} names no revision in this folder; "
                    f"point it at an existing revision (None for a base)"
                )
            yield self.diagnostic(problem.migration.path, problem.value.span, message + held_back(doubts), fix=fix)


class MissingDependency(GraphRule):
    """A `depends_on` entry names no revision and no branch label.

    ## What it does
    Reports each `depends_on` entry that is neither the full id of a revision in
    the same script directory nor a branch label declared there. When a file
    with a syntax error could still declare it as a branch label (its unread
    part contains the name), the finding is held back (reported, with the
    reason); while a label or a `revision` is computed, it is not reported.

    ## Why is this bad?
    alembic fails on every command with a bare `KeyError` naming the entry.

    ## Example
    ```python
    depends_on = ("expnad",)
    ```

    ## Use instead
    ```python
    depends_on = ("expand",)
    ```

    ## Fix
    When there is a close id or label, `--fix --unsafe-fixes` writes it in
    place of the string's content. Unsafe: the suggestion is a guess.
    """

    code = "ALM006"
    name = "missing-dependency"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        if graph.has_dynamic_labels:
            return  # the entry may name a label whose value is computed
        for problem in _missing(graph, "depends_on"):
            doubts = merged(namers(graph, problem.value.text, labels=True))
            if unknowable(doubts):
                continue  # it may name a revision whose id is computed
            if not problem.value.text:  # only on a base (below a parent alembic ignores it)
                hint = '; on a base alembic then fails with "Dependency cycle is detected": write depends_on = None'
            elif problem.suggestion:
                hint = f"; did you mean {problem.suggestion!r}?"
            else:
                hint = "; name an existing revision id or branch label"
            yield self.diagnostic(
                problem.migration.path,
                problem.value.span,
                f"depends_on {problem.value.text!r} names no revision or branch label{hint}{held_back(doubts)}",
                fix=_replace_fix(problem.value, problem.suggestion) if problem.suggestion else None,
            )
