"""What to check and how, as plain data: the settings the configuration file and the
command line fill. Which rules the selectors choose is decided with the rules, in
alembic_lint/rules/selection.py."""

from __future__ import annotations

from pathlib import Path

from alembic_lint.diagnostics import Severity
from alembic_lint.records import record


@record
class RuleSelection:
    """A layer of selectors applied on top of the settings' own (the command line's flags)."""

    select: tuple[str, ...] | None = None  # replaces everything chosen before it
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@record
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
    # Report the file rules' findings only for some files (scope.py); graph rules see everything.
    since: tuple[str, ...] = ()  # revisions (ids or prefixes): their files and those of the revisions after them
    report_files: tuple[Path, ...] | None = None  # `--diff-base`: the files changed, absolute and real, sorted
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
        """The folder holding the configuration file: globs are relative to it
        (`alembic_lint.project.project_root` adds the fallback when there is none)."""
        return self.config_path.parent if self.config_path is not None else None
