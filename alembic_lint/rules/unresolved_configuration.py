from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint.boundary import refusal
from alembic_lint.diagnostics import Diagnostic
from alembic_lint.rules.base import ConfigRule, Context

if TYPE_CHECKING:
    from alembic_lint.discover import ConfigProblem

_SEPARATORS = "expected 'space', 'newline', 'os', ':', ';'"


class UnresolvedConfiguration(ConfigRule):
    """An alembic configuration names no migrations that can be found.

    ## What it does
    Reports an `alembic.ini` or a `pyproject.toml` `[tool.alembic]` table that
    cannot be parsed, has no `script_location`, or whose `script_location` or
    `version_locations` name no folder: not beside the file, not in the folders
    above it up to the project root (where alembic is usually run from), and, for a
    package resource (`pkg.sub:migrations`), not in the package found beside it, in
    `src/`, in `prepend_sys_path` or on `sys.path`. alembic-lint never imports the
    package to find it. Also a configuration file, `script_location` or
    `version_locations` entry that resolves outside the repository (the git top
    level, else the project root): it is not read, so that a pull request cannot
    make the linter print files from elsewhere on the machine (`--allow-outside
    PATH` on the command line reads it anyway). The finding points at the key;
    every other folder is still checked.

    ## Why is this bad?
    alembic fails on it (`Path doesn't exist`, `No 'script_location' key found`),
    or the migrations it names cannot be checked: they could hold a second head
    that nothing reports.

    ## Example
    ```ini
    [alembic]
    script_location = db/migratoins
    ```

    ## Use instead
    ```ini
    [alembic]
    script_location = %(here)s/db/migrations
    ```
    """

    code = "ALM012"
    name = "unresolved-configuration"

    def check(self, problem: ConfigProblem, ctx: Context) -> Iterator[Diagnostic]:
        yield self.diagnostic(problem.path, problem.span, message(problem))


def message(problem: ConfigProblem) -> str:
    """The one-line text for a configuration problem (the file is the diagnostic's path)."""
    key, value = problem.key, problem.value
    if problem.kind == "unparsable":
        return f"cannot parse: {problem.detail}"
    if problem.kind == "no-script-location":
        return "no 'script_location' key found in configuration; alembic cannot find the migrations"
    if problem.kind == "missing-folder":
        if problem.tried == (Path(value),):  # an absolute path (`%(here)s` expanded): nowhere else to look
            return f"{key} {value!r} names no folder"
        return f"{key} {value!r} names no folder: looked {_where(problem.tried, problem.path.parent)}"
    if problem.kind == "missing-package":
        return (
            f"{key} {value!r}: package {problem.detail!r} not found {_where(problem.tried, problem.path.parent)} "
            "or on sys.path (alembic-lint does not import it)"
        )
    if problem.kind == "missing-versions":
        return f"none of the version_locations exists ({_paths(problem.tried, problem.path.parent)})"
    if problem.kind == "bad-separator":
        return f"{value!r} is not a valid value for {key}; {_SEPARATORS}"
    if problem.kind == "outside":  # a location, or the configuration file itself (no key)
        where = refusal(problem.tried[0], problem.detail, value)
        return f"{key} {value!r} {where}" if key else where
    if problem.kind == "wrong-type":
        if key == "recursive_version_locations":
            return "boolean value expected for TOML parameter 'recursive_version_locations'"
        return f"[tool.alembic] {key} must be {problem.detail}"
    return f"cannot expand {value!r} in [tool.alembic]: {problem.detail}"


def _shown(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix() or "."
    except ValueError:
        return str(path)


def _paths(paths: Sequence[Path], base: Path) -> str:
    return ", ".join(_shown(path, base) for path in paths)


def _where(tried: Sequence[Path], base: Path) -> str:
    """Where a folder was looked for: `in X`, or `in X and N more up to Y`."""
    if not tried:
        return "nowhere"
    if len(tried) == 1:
        return f"in {_shown(tried[0], base)}"
    more = len(tried) - 1
    return f"in {_shown(tried[0], base)} and {more} more up to {tried[-1]}"
