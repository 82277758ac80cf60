"""pytest plugin: lint the project's Alembic migration folders as part of the test run.

Off unless enabled with `pytest --alembic-lint` or `alembic_lint = true` in the
pytest ini options. Then it adds one test item per discovered script directory
(below the rootdir, or below the `alembic_lint_paths` ini option); an item fails
with its findings in flake8 form. It replaces the hand-written "single head" test
teams copy from blog posts, and checks much more.

Loading this module (pytest does it for every run once alembic-lint is installed)
costs only pytest and the stdlib: the linter is imported when an item runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from alembic_lint.diagnostics import Diagnostic
    from alembic_lint.discover import VersionFolder
    from alembic_lint.plan import Plan
    from alembic_lint.settings import Settings


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("alembic-lint")
    group.addoption(
        "--alembic-lint",
        action="store_true",
        dest="alembic_lint",
        default=False,
        help="check the Alembic migration folders with alembic-lint, one test per folder",
    )
    parser.addini("alembic_lint", type="bool", default=False, help="enable alembic-lint (like --alembic-lint)")
    parser.addini(
        "alembic_lint_paths",
        type="paths",
        help="project or versions folders for alembic-lint, relative to the ini file (default: the rootdir)",
    )


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("alembic_lint", default=False) or config.getini("alembic_lint"))


class AlembicLintFailure(Exception):
    """The findings of one folder, in flake8 form."""


class WholePlan:
    """The lint of every folder of the plan at once, run by the first item that needs it.

    A `since` revision is looked for in every graph, as the command line does: a folder's
    item alone cannot tell a typo from a revision of another folder. A revision no graph
    holds fails every folder's item with the command line's message."""

    def __init__(self, planned: Plan, settings: Settings) -> None:
        self.planned = planned
        self.settings = settings
        self._outcome: str | list[list[Diagnostic]] | None = None

    def outcome(self) -> str | list[list[Diagnostic]]:
        """The error, or each folder's findings (in the plan's order)."""
        if self._outcome is None:
            from alembic_lint.lint import lint_plan
            from alembic_lint.scope import ScopeError

            try:
                result = lint_plan(self.planned, self.settings)
            except ScopeError as exc:
                self._outcome = f"{self.settings.config_path}: `since`: {exc}"
            else:
                self._outcome = [found.diagnostics for found in result.folders]
        return self._outcome


class AlembicLintItem(pytest.Item):
    """alembic-lint on one revision graph, or the findings on a configuration, or an error to report."""

    def __init__(
        self,
        *,
        folder: VersionFolder | None = None,
        settings: Settings | None = None,
        findings: Sequence[Diagnostic] = (),
        error: str = "",
        whole: tuple[WholePlan, int] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.folder = folder
        self.settings = settings
        self.findings = tuple(findings)
        self.error = error
        self.whole = whole  # the plan's lint and this folder's index in it, when `since` is set
        # Plugins that look through every item's fixtures expect this (pytest-lsp's runtest wrapper
        # gives up without yielding, which pytest reports as a crash, when it is missing).
        self.funcargs: dict[str, object] = {}
        self.add_marker("alembic_lint")

    def runtest(self) -> None:
        from alembic_lint.report.text import format_text

        if self.error:
            raise AlembicLintFailure(self.error)
        findings = list(self.findings)
        if self.whole is not None:
            whole, index = self.whole
            outcome = whole.outcome()
            if isinstance(outcome, str):
                raise AlembicLintFailure(outcome)
            findings += outcome[index]
        elif self.folder is not None and self.settings is not None:
            from alembic_lint.lint import lint_folder

            findings += lint_folder(self.folder, self.settings).diagnostics
        if findings:
            raise AlembicLintFailure(format_text(findings, self.config.rootpath).rstrip("\n"))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: object = None) -> str:
        if isinstance(excinfo.value, AlembicLintFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, self.nodeid.replace("::", " ")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect, so they apply to these items too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _enabled(config):
        return
    from alembic_lint.config import ConfigError, resolve_settings
    from alembic_lint.discover import DiscoveryError
    from alembic_lint.lint import configuration_findings
    from alembic_lint.plan import plan
    from alembic_lint.settings import Settings

    root = config.rootpath
    paths = [Path(p) for p in config.getini("alembic_lint_paths")] or [root]
    broken = ""  # a broken [tool.alembic-lint] fails every item: the graphs are found without it
    try:
        settings = resolve_settings(root)  # the project's [tool.alembic-lint]
    except ConfigError as exc:
        settings, broken = Settings(), str(exc)
    try:
        planned = plan(paths, settings)
    except DiscoveryError as exc:
        items.append(
            AlembicLintItem.from_parent(session, name="alembic-lint", nodeid="alembic-lint", path=root, error=str(exc))
        )
        return
    whole = WholePlan(planned, settings) if settings.since and not broken else None
    for index, folder in enumerate(planned.folders):
        where = _relative(folder.root, root) + (f"[{folder.name}]" if folder.name else "")
        items.append(
            AlembicLintItem.from_parent(
                session,
                name="alembic-lint",
                nodeid=f"{where}::alembic-lint",
                path=folder.root,
                folder=folder,
                settings=settings,
                error=broken,
                whole=(whole, index) if whole is not None else None,
            )
        )
    by_file: dict[Path, list[Diagnostic]] = {}
    for finding in configuration_findings(planned.problems, settings):
        by_file.setdefault(finding.path, []).append(finding)
    for path, findings in by_file.items():
        items.append(
            AlembicLintItem.from_parent(
                session,
                name="alembic-lint",
                nodeid=f"{_relative(path, root)}::alembic-lint",
                path=path,
                findings=findings,
            )
        )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "alembic_lint: alembic-lint checks of migration folders")
