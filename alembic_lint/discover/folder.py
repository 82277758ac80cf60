"""What discovery hands on: revision graphs to lint, and configurations it could not resolve."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from alembic_lint.diagnostics import Span
from alembic_lint.discover.files import holds, is_migration_name
from alembic_lint.records import field, record

if TYPE_CHECKING:
    from alembic_lint.boundary import Boundary


class DiscoveryError(Exception):
    """Bad input from the user (a path that does not exist, nothing to lint): one line naming it."""


@record
class VersionFolder:
    """One revision graph: the migration files alembic reads together.

    Usually a script directory's version locations. A tree that migrations set in code
    (prefect's per-dialect `versions/postgresql`) is a graph of its own, named after its
    folder; `excluded` are the subfolders of `locations` that belong to such other graphs.
    """

    root: Path  # the script directory, or the versions folder that was given
    locations: tuple[Path, ...]
    recursive: bool
    files: tuple[Path, ...]
    config: Path | None = None  # the alembic.ini or pyproject.toml it came from
    only: frozenset[Path] | None = None  # report only these files (a file was given)
    name: str = ""  # a graph of several in one script directory (or a named `version-locations` graph)
    excluded: tuple[Path, ...] = ()
    unlisted: tuple[tuple[Path, str], ...] = ()  # folders of it that could not be listed, and why
    # Locations and links of it that resolve outside `boundary`, and where they lead: not read.
    outside: tuple[tuple[Path, str], ...] = ()
    # What it was found within: listing it again keeps to it. Not part of its identity.
    boundary: Boundary | None = field(default=None, compare=False, repr=False)

    def holds(self, path: Path) -> bool:
        """True when alembic would load `path` as a migration of this graph (it need not exist)."""
        if not is_migration_name(path):
            return False
        if any(folder == path or folder in path.parents for folder in self.excluded):
            return False
        return any(holds(location, path, self.recursive) for location in self.locations)

    @property
    def label(self) -> str:
        """How messages name the graph: its script directory, and its name when it has one."""
        return f"{self.root} ({self.name})" if self.name else str(self.root)


@record
class ScriptSpec:
    """A script directory as its configuration (or, without one, its layout) describes it.

    alembic reads the subfolders of the locations only when `recursive`; otherwise
    subfolders may still hold migrations that the project sets as version locations in
    code, which `subtrees.graphs` finds."""

    root: Path
    locations: tuple[Path, ...]
    recursive: bool
    config: Path | None = None
    boundary: Boundary | None = field(default=None, compare=False, repr=False)  # its locations are listed within it


ProblemKind = Literal[
    "unparsable",  # the file is not valid ini / TOML (detail: the parser's message)
    "no-script-location",  # an [alembic] or [tool.alembic] section without script_location
    "missing-folder",  # script_location names no folder (tried: where it was looked for)
    "missing-package",  # a package resource whose package was not found (detail: the package)
    "missing-versions",  # none of the version_locations exists (tried: them)
    "bad-separator",  # path_separator / version_path_separator has a value alembic refuses
    "wrong-type",  # a [tool.alembic] value of the wrong TOML type (detail: what is expected)
    "bad-interpolation",  # `%(name)s` that cannot be expanded (detail: the error)
    "outside",  # a folder (or the configuration file itself) resolves outside the boundary: not read
    # (tried: where it leads; detail: the boundary's label; key and value empty for the file itself)
]


@record
class ConfigProblem:
    """An alembic configuration that names no migrations alembic could load. Data only:
    the unresolved-configuration rule (ALM012) writes the message."""

    path: Path  # the alembic.ini or pyproject.toml
    span: Span  # the key (or where the file stops parsing)
    kind: ProblemKind
    key: str = ""
    value: str = ""
    detail: str = ""
    tried: tuple[Path, ...] = ()


@record
class Discovery:
    """The graphs found for some paths, and the configurations that could not be resolved."""

    folders: tuple[VersionFolder, ...] = ()
    problems: tuple[ConfigProblem, ...] = ()
    boundary: Boundary | None = None  # what was read within (see alembic_lint/boundary.py)
