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
from alembic_lint.noqa import NO_SUPPRESSIONS
from alembic_lint.noqa_lookup import FileNoqa
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


def apply_suppressions(
    diagnostics: Sequence[Diagnostic],
    parsed: Sequence[Parsed],
    ctx: Context,
    active: Sequence[Rule],
) -> list[Diagnostic]:
    """The diagnostics that neither `per-file-ignores` nor a `# noqa` silences, plus the
    suppression rules' findings (themselves subject to `# noqa`)."""
    settings = ctx.settings
    noqa = {item.path: FileNoqa(item.noqa) for item in parsed if item.noqa is not NO_SUPPRESSIONS and item.noqa}
    ignores: dict[Path, frozenset[str]] = {}
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        if settings.per_file_ignores:
            if diagnostic.path not in ignores:
                ignores[diagnostic.path] = ignored_codes(diagnostic.path, settings)
            if diagnostic.code in ignores[diagnostic.path]:
                continue
        suppressions = noqa.get(diagnostic.path)
        if suppressions is not None and suppressions.silences(diagnostic):
            continue
        kept.append(diagnostic)
    rules = [rule for rule in active if isinstance(rule, SuppressionRule)]
    if not rules:
        return kept
    active_codes = frozenset(rule.code for rule in active)
    for path, lookup in noqa.items():
        ran = active_codes - ignored_codes(path, settings) if settings.per_file_ignores else active_codes
        file = FileSuppressions(path, lookup.suppressions, frozenset(lookup.used), ran, _ALL_CODES)
        about: dict[object, int] | None = None  # directive span -> index, built for the first finding
        for rule in rules:
            if rule.code not in ran:
                continue
            for diagnostic in rule.check(file, ctx):
                if about is None:
                    about = {}
                    for index, directive in enumerate(lookup.suppressions.directives):
                        about.setdefault(directive.span, index)
                # The directive a finding is about silences it only by naming the rule's code.
                if not lookup.silences(diagnostic, record=False, skip=about.get(diagnostic.span, -1)):
                    kept.append(diagnostic)
    return kept
