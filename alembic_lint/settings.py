"""Which rules run: selection by code, code prefix or rule name, ruff-style."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alembic_lint.rules import RULES, RULES_BY_CODE, RULES_BY_NAME, Rule


class UnknownSelector(ValueError):
    """A selector that names no rule, code prefix or rule name."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None  # None: the default rule set
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


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
    if rule.code.startswith(selector) and selector[:1].isalpha():
        return 1 + len(selector)
    return 0


def _best(selectors: Iterable[str], rule: Rule) -> int:
    return max((_specificity(s, rule) for s in selectors), default=0)


def selected_rules(settings: Settings, registry: Sequence[Rule] = RULES) -> tuple[Rule, ...]:
    """The rules to run. The most specific matching selector wins; on a tie, ignore wins."""
    chosen = []
    for rule in registry:
        if settings.select is None:
            selected = 1 if rule.default else 0
        else:
            selected = _best(settings.select, rule)
        selected = max(selected, _best(settings.extend_select, rule))
        ignored = _best(settings.ignore, rule)
        if selected and selected > ignored:
            chosen.append(rule)
    return tuple(chosen)


def rule_for(selector: str) -> Rule | None:
    return RULES_BY_CODE.get(selector) or RULES_BY_NAME.get(selector)
