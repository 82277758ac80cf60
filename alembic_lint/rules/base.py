"""What a rule is: a documented unit with a code, a name and a check function."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from alembic_lint.diagnostics import Diagnostic, Fix, Related, Severity, Span
from alembic_lint.noqa import Suppressions
from alembic_lint.records import field, record
from alembic_lint.values import Convert

if TYPE_CHECKING:
    from alembic_lint.discover import ConfigProblem
    from alembic_lint.graph import RevisionGraph
    from alembic_lint.parse import Migration
    from alembic_lint.settings import Settings


# Where each rule's documentation lives: one anchor per code, lower-cased ("#alm001").
# docs/rules.md is `alembic-lint rule --all`; GitHub anchors each "# ALM001 multiple-heads" heading
# as "alm001-multiple-heads".
DOCS_URL = "https://github.com/alembic-lint/alembic-lint/blob/main/docs/rules.md#{anchor}"


@record
class Option:
    """A setting of one rule, written in `[tool.alembic-lint.rules.<CODE>]` as `name = value`."""

    name: str  # kebab-case, as written in the TOML table
    default: object
    convert: Convert  # checks the TOML value (alembic_lint.values), raises InvalidValue
    help: str  # one line, shown by `alembic-lint rule CODE`


@record
class Context:
    """What a rule may know besides the file or graph it checks."""

    settings: Settings
    root: Path | None = None  # the script directory (or versions folder) being linted
    extra: dict[str, object] = field(default_factory=dict)

    def option(self, rule: Rule, name: str) -> object:
        """The value of one of `rule`'s declared options: configured, else its default."""
        configured = self.settings.options_for(rule.code)
        if name in configured:
            return configured[name]
        for option in rule.options:
            if option.name == name:
                return option.default
        raise KeyError(f"{rule.code} declares no option {name!r}")


class Rule:
    """Base of every rule. The subclass docstring is the rule's documentation:
    a one-line summary, then "What it does", "Why is this bad?", "Example", "Use instead"."""

    code: ClassVar[str]
    name: ClassVar[str]
    default: ClassVar[bool] = True
    severity: ClassVar[Severity] = "error"  # `[tool.alembic-lint.rules.<CODE>] severity` overrides it
    groups: ClassVar[tuple[str, ...]] = ()  # more names it can be selected by (`--select postgres`)
    options: ClassVar[tuple[Option, ...]] = ()  # what `[tool.alembic-lint.rules.<CODE>]` may set
    # A dialect's rules run by default only for projects that target it (`dialect`, or alembic.ini's
    # sqlalchemy.url: alembic_lint/dialect.py), or when a selector names them (rules/selection.py).
    dialect: ClassVar[str | None] = None

    @classmethod
    def documentation(cls) -> str:
        import inspect  # only `alembic-lint rule` and the editor read the documentation

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def url(cls) -> str:
        """The link to this rule's documentation."""
        return DOCS_URL.format(anchor=f"{cls.code.lower()}-{cls.name}")

    @classmethod
    def summary(cls) -> str:
        return cls.documentation().splitlines()[0] if cls.__doc__ else ""

    def outside_inputs(self, ctx: Context) -> object:
        """What the rule reads besides the migrations and the settings (files on disk, say), as
        a comparable value: the cache reuses a run's diagnostics only while it is unchanged."""
        return None

    def diagnostic(
        self,
        path: Path,
        span: Span,
        message: str,
        *,
        fix: Fix | None = None,
        related: tuple[Related, ...] = (),
    ) -> Diagnostic:
        return Diagnostic(path, span, self.code, self.name, message, self.severity, fix, related)


class FileRule(Rule):
    """A rule that looks at one migration at a time. Its findings are about a file's content,
    not about whether alembic can run: warnings, unless the rule says otherwise."""

    severity: ClassVar[Severity] = "warning"

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        raise NotImplementedError


class GraphRule(Rule):
    """A rule that looks at the revision graph of a whole script directory. Its findings
    break `alembic upgrade` (or every alembic command): errors."""

    severity: ClassVar[Severity] = "error"

    def check(self, graph: RevisionGraph, ctx: Context) -> Iterator[Diagnostic]:
        raise NotImplementedError


class ConfigRule(Rule):
    """A rule about an alembic configuration that discovery could not resolve."""

    def check(self, problem: ConfigProblem, ctx: Context) -> Iterator[Diagnostic]:
        raise NotImplementedError


@record
class FileSuppressions:
    """One file's suppression comments and what they did in this run: the input of a
    suppression rule."""

    path: Path
    suppressions: Suppressions
    used: frozenset[tuple[int, int]]  # (directive index, code index or -1 for a blanket) that silenced a finding
    ran: frozenset[str]  # the codes of the rules that ran on this file (selected, not turned off by per-file-ignores)
    known: frozenset[str]  # every rule code there is


class SuppressionRule(Rule):
    """A rule about the suppressions themselves. It runs in the suppression stage, after
    every file and graph rule, one file at a time: its input is what the file's comments
    silenced (`FileSuppressions`). Its own findings can be silenced too, but not by the
    directive they are about, unless that directive names the rule's code. Its findings
    are warnings."""

    severity: ClassVar[Severity] = "warning"

    def check(self, file: FileSuppressions, ctx: Context) -> Iterator[Diagnostic]:
        raise NotImplementedError
