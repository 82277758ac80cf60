"""The suppression stage: rules -> suppressions -> diagnostics returned.

Drops what `per-file-ignores` and `# noqa` comments silence, and, when ALM900 is
selected, reports the suppressions that silenced nothing. Pure: it works on the
diagnostics and on the suppression facts extracted while parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.globs import matches_any
from alembic_lint.noqa_lookup import FileNoqa
from alembic_lint.parse import Migration, ParseFailure
from alembic_lint.rules import RULES, Rule
from alembic_lint.rules.unused_noqa import UnusedNoqa
from alembic_lint.settings import Settings, matches

_ALL_CODES = tuple(rule.code for rule in RULES)


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
    parsed: Sequence[Migration | ParseFailure],
    settings: Settings,
    active: Sequence[Rule],
) -> list[Diagnostic]:
    """The diagnostics that neither `per-file-ignores` nor a `# noqa` silences, plus ALM900's."""
    noqa = {item.path: FileNoqa(item.noqa) for item in parsed if item.noqa}
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
    unused = next((rule for rule in active if isinstance(rule, UnusedNoqa)), None)
    if unused is None:
        return kept
    active_codes = frozenset(rule.code for rule in active)
    for path, suppressions in noqa.items():
        ran = active_codes - ignored_codes(path, settings) if settings.per_file_ignores else active_codes
        if unused.code not in ran:
            continue
        for index, diagnostic in unused.check_file(path, suppressions.suppressions, suppressions.used, ran, _ALL_CODES):
            if not suppressions.silences(diagnostic, record=False, skip=index):
                kept.append(diagnostic)
    return kept
