"""The suppression stage: rules -> suppressions -> diagnostics returned.

Drops what `per-file-ignores` and `# noqa` comments silence, then runs the selected
suppression rules (ALM900 reports the suppressions that silenced nothing) on what the
comments did, file by file. Pure: it works on the diagnostics and on the suppression
facts extracted while parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.globs import matches_any
from alembic_lint.noqa import Suppressions
from alembic_lint.parse import Parsed
from alembic_lint.rules import RULES, Context, FileSuppressions, Rule, SuppressionRule
from alembic_lint.rules.selection import matches
from alembic_lint.settings import Settings

_ALL_CODES = frozenset(rule.code for rule in RULES)


def ignored_codes(path: Path, settings: Settings) -> frozenset[str]:
    """The codes `per-file-ignores` turns off for this file."""
    selectors = [
        selector
        for pattern, selectors in settings.per_file_ignores
        if matches_any((pattern,), path, settings.project_root)
        for selector in selectors
    ]
    if not selectors:
        return frozenset()
    return frozenset(rule.code for rule in RULES if matches(selectors, rule))


def _silencer(diagnostic: Diagnostic, noqa: Suppressions, used: set[tuple[int, int]] | None, skip: int = -1) -> bool:
    """True when a directive silences the diagnostic; records which ones did in `used`.
    Directive number `skip` (the one a suppression rule's finding is about) counts only
    through an explicit code (`# noqa: ALM201, ALM900`), never as a blanket."""
    line = noqa.comment_line(diagnostic.span.line)
    silenced = False
    for index, directive in enumerate(noqa.directives):
        if not directive.file_level and directive.span.line != line:
            continue
        if not directive.codes:
            if index != skip:
                silenced = True
                if used is not None:
                    used.add((index, -1))
            continue
        for position, code in enumerate(directive.codes):
            if code.matches(diagnostic.code):
                silenced = True
                if used is not None:
                    used.add((index, position))
    return silenced


def _about(diagnostic: Diagnostic, noqa: Suppressions) -> int:
    """The directive a suppression rule's finding points at, or -1."""
    return next((i for i, d in enumerate(noqa.directives) if d.span == diagnostic.span), -1)


def apply_suppressions(
    diagnostics: Sequence[Diagnostic],
    parsed: Sequence[Parsed],
    ctx: Context,
    active: Sequence[Rule],
) -> list[Diagnostic]:
    """The diagnostics that neither `per-file-ignores` nor a `# noqa` silences, plus the
    suppression rules' findings (themselves subject to `# noqa`)."""
    settings = ctx.settings
    noqa = {item.path: item.noqa for item in parsed if item.noqa}
    ignores: dict[Path, frozenset[str]] = {}
    used: dict[Path, set[tuple[int, int]]] = {path: set() for path in noqa}
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        if settings.per_file_ignores:
            if diagnostic.path not in ignores:
                ignores[diagnostic.path] = ignored_codes(diagnostic.path, settings)
            if diagnostic.code in ignores[diagnostic.path]:
                continue
        suppressions = noqa.get(diagnostic.path)
        if suppressions and _silencer(diagnostic, suppressions, used[diagnostic.path]):
            continue
        kept.append(diagnostic)
    rules = [rule for rule in active if isinstance(rule, SuppressionRule)]
    if not rules:
        return kept
    active_codes = frozenset(rule.code for rule in active)
    for path, suppressions in noqa.items():
        ran = active_codes - ignored_codes(path, settings) if settings.per_file_ignores else active_codes
        file = FileSuppressions(path, suppressions, frozenset(used[path]), ran, _ALL_CODES)
        for rule in rules:
            if rule.code not in ran:
                continue
            for diagnostic in rule.check(file, ctx):
                if not _silencer(diagnostic, suppressions, None, skip=_about(diagnostic, suppressions)):
                    kept.append(diagnostic)
    return kept
