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


def file_noqa(item: Parsed) -> FileNoqa | None:
    """A file's `# noqa` directives, ready to be asked (None: it has none)."""
    return FileNoqa(item.noqa) if item.noqa is not NO_SUPPRESSIONS and item.noqa else None


def apply_suppressions(
    diagnostics: Sequence[Diagnostic],
    parsed: Sequence[Parsed],
    ctx: Context,
    active: Sequence[Rule],
) -> list[Diagnostic]:
    """The diagnostics that neither `per-file-ignores` nor a `# noqa` silences, plus the
    suppression rules' findings (themselves subject to `# noqa`)."""
    noqa = {item.path: lookup for item in parsed if (lookup := file_noqa(item)) is not None}
    ignores: dict[Path, frozenset[str]] = {}
    kept = [d for d in diagnostics if not _silenced(d, noqa.get(d.path), ctx.settings, ignores)]
    rules = [rule for rule in active if isinstance(rule, SuppressionRule)]
    if not rules:
        return kept
    active_codes = frozenset(rule.code for rule in active)
    for path, lookup in noqa.items():
        kept.extend(_suppression_findings(path, lookup, ctx, rules, active_codes))
    return kept


def suppress_file(
    path: Path, diagnostics: Sequence[Diagnostic], lookup: FileNoqa | None, ctx: Context, active: Sequence[Rule]
) -> list[Diagnostic]:
    """`apply_suppressions` for the diagnostics of one file (`lookup`: its `file_noqa`, fresh):
    what apply_suppressions returns about that file, in the same order."""
    ignores: dict[Path, frozenset[str]] = {}
    kept = [d for d in diagnostics if not _silenced(d, lookup, ctx.settings, ignores)]
    rules = [rule for rule in active if isinstance(rule, SuppressionRule)]
    if lookup is not None and rules:
        kept.extend(_suppression_findings(path, lookup, ctx, rules, frozenset(rule.code for rule in active)))
    return kept


def _silenced(
    diagnostic: Diagnostic, suppressions: FileNoqa | None, settings: Settings, ignores: dict[Path, frozenset[str]]
) -> bool:
    """Whether `per-file-ignores` or the file's `# noqa` silences a diagnostic (noting which did)."""
    if settings.per_file_ignores:
        if diagnostic.path not in ignores:
            ignores[diagnostic.path] = ignored_codes(diagnostic.path, settings)
        if diagnostic.code in ignores[diagnostic.path]:
            return True
    return suppressions is not None and suppressions.silences(diagnostic)


def _suppression_findings(
    path: Path, lookup: FileNoqa, ctx: Context, rules: Sequence[SuppressionRule], active_codes: frozenset[str]
) -> list[Diagnostic]:
    """The suppression rules' findings on one file's directives, after every other finding
    has been through them (those a directive silences are dropped)."""
    settings = ctx.settings
    ran = active_codes - ignored_codes(path, settings) if settings.per_file_ignores else active_codes
    file = FileSuppressions(path, lookup.suppressions, frozenset(lookup.used), ran, _ALL_CODES)
    about: dict[object, int] | None = None  # directive span -> index, built for the first finding
    kept: list[Diagnostic] = []
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
