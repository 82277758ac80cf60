"""Which rules run: selection by code, code prefix, rule name or group, ruff-style."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from alembic_lint.rules import RULES, RULES_BY_CODE, RULES_BY_NAME, Rule
from alembic_lint.settings import Settings


class UnknownSelector(ValueError):
    """A selector that names no rule, code prefix or rule name."""


def check_selector(selector: str) -> None:
    """Raise UnknownSelector unless the selector matches at least one rule."""
    if not any(_specificity(selector, rule) for rule in RULES):
        raise UnknownSelector(f"unknown rule selector {selector!r}")


def _specificity(selector: str, rule: Rule) -> int:
    """How precisely a selector names a rule: 0 not at all, higher is more precise."""
    if selector == "ALL":
        return 1
    if selector == rule.name or selector == rule.code:
        return 100
    if selector in rule.groups:  # sqlfluff-style groups: `--select postgres`
        return 50
    if rule.code.startswith(selector) and selector[:1].isalpha():
        return 1 + len(selector)
    return 0


def _best(selectors: Iterable[str], rule: Rule) -> int:
    return max((_specificity(s, rule) for s in selectors), default=0)


def selected_rules(settings: Settings, registry: Sequence[Rule] = RULES) -> tuple[Rule, ...]:
    """The rules to run. Within a layer the most specific matching selector wins (on a tie,
    ignore wins); each override layer then changes only the rules its selectors name,
    unless it has `select`, which starts over (ruff's rule).

    A rule for one dialect (the PostgreSQL rules) is in the default set only for projects that
    target that dialect; a selector that names it (`--select ALM3`, `extend-select =
    ["postgres"]`, `ALL`) runs it anyway."""
    chosen = []
    for rule in registry:
        if settings.select is None:
            selected, named = (1 if rule.default else 0), 0
        else:
            selected = named = _best(settings.select, rule)
        extended = _best(settings.extend_select, rule)
        selected, named = max(selected, extended), max(named, extended)
        ignored = _best(settings.ignore, rule)
        enabled = bool(selected) and selected > ignored
        for layer in settings.overrides:
            selected = max(_best(layer.select or (), rule), _best(layer.extend_select, rule))
            ignored = _best(layer.ignore, rule)
            if layer.select is not None or selected or ignored:
                enabled, named = bool(selected) and selected > ignored, selected
        if enabled and not named and rule.dialect is not None and rule.dialect != settings.dialect:
            enabled = False  # on by default only where the project targets the dialect
        if enabled:
            chosen.append(rule)
    return tuple(chosen)


def matches(selectors: Iterable[str], rule: Rule) -> bool:
    """True when any selector names the rule (per-file-ignores, noqa bookkeeping)."""
    return _best(selectors, rule) > 0


def rule_for(selector: str) -> Rule | None:
    return RULES_BY_CODE.get(selector) or RULES_BY_NAME.get(selector)
