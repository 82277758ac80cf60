"""Which rules run: selection by code, code prefix, rule name or group, ruff-style."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from alembic_lint.diagnostics import Severity
from alembic_lint.rules import RULES, RULES_BY_CODE, RULES_BY_NAME, Rule


class UnknownSelector(ValueError):
    """A selector that names no rule, code prefix or rule name."""


@dataclass(frozen=True)
class RuleSelection:
    """A layer of selectors applied on top of the settings' own (the command line's flags)."""

    select: tuple[str, ...] | None = None  # replaces everything chosen before it
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """What to check and how. Frozen and picklable; every field has a default.

    The configuration file fills it (alembic_lint/config.py declares which key sets
    which field); paths in it are absolute.
    """

    select: tuple[str, ...] | None = None  # None: the default rule set
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    overrides: tuple[RuleSelection, ...] = ()  # later layers (command-line flags), applied in order
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, selectors)
    first_party: tuple[str, ...] = ()  # modules that are application code (ALM201)
    allowed_imports: tuple[str, ...] = ()  # modules a migration may import (ALM201)
    allow_irreversible: bool = True  # a downgrade raising NotImplementedError is fine (ALM101/ALM102)
    # The database the project targets: configured, or read from the folder's alembic.ini by
    # dialect.folder_settings. Rules with a `dialect` run by default only when it matches.
    dialect: str | None = None
    check_downgrade: bool = False  # the operation-safety rules (ALM3xx) also check downgrade()
    irreversible_markers: tuple[str, ...] = ()  # more exception names that mark an irreversible downgrade
    # Replaces discovery: (graph name, folders read recursively) per graph; one unnamed graph
    # for the array form.
    version_locations: tuple[tuple[str, tuple[Path, ...]], ...] | None = None
    exclude: tuple[str, ...] = ()  # globs, relative to the project root
    output_format: str | None = None
    cache_dir: Path | None = None
    config_path: Path | None = None  # the file these settings came from
    # `[tool.alembic-lint.rules.<CODE>]`: per rule code, (option, value) pairs, `severity` among
    # them; sorted, so equal configurations give equal (hashable) settings.
    rule_options: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()
    # Folders outside the repository that may be read anyway: `--allow-outside`, a command-line
    # flag only (no configuration key sets it: a pull request writes the configuration).
    allow_outside: tuple[Path, ...] = ()

    def options_for(self, code: str) -> dict[str, object]:
        """The options configured for one rule (defaults are the rule's own: see `Context.option`)."""
        for configured, options in self.rule_options:
            if configured == code:
                return dict(options)
        return {}

    def severity_for(self, code: str) -> Severity | None:
        """The severity configured for a rule, or None to keep the rule's own."""
        value = self.options_for(code).get("severity")
        return value if value in ("error", "warning") else None  # type: ignore[return-value]

    @property
    def project_root(self) -> Path | None:
        """The folder holding the configuration file: globs are relative to it."""
        return self.config_path.parent if self.config_path is not None else None


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
