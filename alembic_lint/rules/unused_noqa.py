from __future__ import annotations

from collections.abc import Collection, Iterator

from alembic_lint.diagnostics import Diagnostic, Edit, Fix, Span
from alembic_lint.noqa import Directive, NoqaCode
from alembic_lint.rules.base import Context, FileSuppressions, SuppressionRule

OWN_PREFIX = "ALM"


class UnusedNoqa(SuppressionRule):
    """A suppression comment that suppresses nothing.

    ## What it does
    Reports `# noqa: ALM...` codes and `# alembic-lint: noqa` directives that
    silenced no finding, and `ALM` codes that name no rule. It is a suppression
    rule: it runs after the suppressions, on what they silenced. Off by default.

    To stay correct when other linters share the comment, it only judges what
    is surely its own: a bare `# noqa` (maybe meant for flake8 or ruff) and
    codes that do not start with `ALM` are never reported. A code is unused
    only when every rule it could silence ran on that file (selected, and not
    turned off there by `per-file-ignores`) and reported nothing there: a
    `# noqa: ALM105` is not reported while ALM105 is not selected.

    ## Why is this bad?
    A stale suppression hides the next real problem on that line or in that
    file, and tells readers something is wrong where nothing is.

    ## Example
    ```python
    from alembic import op  # noqa: ALM201
    ```

    ## Use instead
    ```python
    from alembic import op
    ```

    ## Fix
    `--fix` removes the directive, or only its unused codes (safe). A directive
    followed by an explanation is left for you to edit.
    """

    code = "ALM900"
    name = "unused-noqa"
    default = False

    def check(self, file: FileSuppressions, ctx: Context) -> Iterator[Diagnostic]:
        for index, directive in enumerate(file.suppressions.directives):
            if not directive.codes:
                if directive.file_level and (index, -1) not in file.used and file.known <= file.ran:
                    yield self.diagnostic(
                        file.path,
                        directive.span,
                        "unused `alembic-lint: noqa` directive: nothing in this file is reported; remove it",
                        fix=_removal_fix(directive, ()),
                    )
                continue
            unused: list[NoqaCode] = []
            unknown: list[NoqaCode] = []
            for position, code in enumerate(directive.codes):
                if (index, position) in file.used or not code.code.startswith(OWN_PREFIX):
                    continue
                rules = [c for c in file.known if c.startswith(code.code)]
                if not rules:
                    unknown.append(code)
                elif self.code not in rules and all(c in file.ran for c in rules):
                    unused.append(code)
            if not unused and not unknown:
                continue
            details = []
            if unused:
                details.append("unused: " + ", ".join(c.code for c in unused))
            if unknown:
                details.append("unknown: " + ", ".join(c.code for c in unknown))
            everything = len(unused) + len(unknown) == len(directive.codes)
            where = "file-level `alembic-lint: noqa`" if directive.file_level else "`noqa`"
            yield self.diagnostic(
                file.path,
                directive.span,
                f"unused {where} directive ({'; '.join(details)}); remove {'it' if everything else 'those codes'}",
                fix=_removal_fix(directive, [*unused, *unknown]),
            )


def _removal_fix(directive: Directive, dropped: Collection[NoqaCode]) -> Fix | None:
    gone = set(dropped)  # a set: a directive may hold a hundred thousand codes
    kept = [c for c in directive.codes if c not in gone]
    if kept:
        first, last = directive.codes[0].span, directive.codes[-1].span
        span = Span(first.line, first.col, last.end_line, last.end_col)
        names = ", ".join(c.code for c in dropped)
        return Fix(
            f"Remove {names} from the directive", (Edit(span, ", ".join(c.code for c in kept)),), applicability="safe"
        )
    if directive.removal is None:
        return None
    return Fix("Remove the unused directive", (Edit(directive.removal, ""),), applicability="safe")
