"""ALM201: a migration imports application code."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.discover.layouts import has_marker
from alembic_lint.parse import Import, Migration
from alembic_lint.project import code_root
from alembic_lint.records import record
from alembic_lint.rules.base import Context, FileRule, Option
from alembic_lint.rules.functions import template
from alembic_lint.values import boolean

# Never application code, whatever the project holds.
_NEVER = frozenset({"alembic", "sqlalchemy", *sys.stdlib_module_names})
# Names of classes that are enumerations rather than models: `TagType`, `RunStatus`, `StateKind`.
# The application's database handle (Flask-SQLAlchemy's `db`, a scoped session).
_SESSIONS = frozenset({"db", "session", "db_session", "Session"})
_ENUM_SUFFIXES = ("Enum", "Type", "Types", "Status", "State", "Kind", "Choice", "Choices")

MIGRATION_HELPERS = Option(
    "migration-helpers",
    True,
    boolean,
    "imports of modules inside the script directory's own package or a package named for migrations (helpers "
    "written for the migrations, `superset.migrations.shared.utils`) are allowed; false: report them too",
)


def _under(module: str, prefixes: Iterable[str]) -> bool:
    """True when `module` is one of `prefixes` or inside one of them."""
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def _top_level_modules(root: Path) -> frozenset[str]:
    """Packages and modules importable from the project root or its `src/` (ruff's rule)."""
    names: set[str] = set()
    for folder in (root, root / "src"):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if name.endswith(".py"):
                name = name[:-3]
            elif not entry.is_dir():
                continue
            if name.isidentifier():
                names.add(name)
    return frozenset(names)


def script_directory(root: Path) -> Path:
    """The script directory of the folder being linted (a versions folder given on its own
    belongs to the one above it when that holds env.py or script.py.mako)."""
    return root.parent if not has_marker(root) and has_marker(root.parent) else root


def migrations_package(script_dir: Path, root: Path) -> Path:
    """The package of helpers written for the migrations: the script directory, or the package
    above it when that is a migrations package too (neutron's `neutron/db/migration/` above
    `alembic_migrations/`, manila's `manila/db/migrations/` above `alembic/`)."""
    package = script_dir
    while package.parent != root and root in package.parent.parents and "migrat" in package.parent.name.lower():
        package = package.parent
    return package


def dotted(root: Path, folder: Path) -> str | None:
    """`folder`'s module name below `root` (`superset.migrations`), or None when it has none."""
    try:
        parts = folder.relative_to(root).parts
    except ValueError:
        return None
    return ".".join(parts) if parts and all(part.isidentifier() for part in parts) else None


@record
class Project:
    """What ALM201 knows of the project around one script directory."""

    root: Path | None
    first_party: tuple[str, ...]  # sorted top-level names, configured and found
    helpers: str | None  # the script directory's module name: imports under it are allowed


def _kind(name: str, module: str) -> str:
    """What an imported name most likely is, from how it is written: a model class (a class
    from a module whose name says it holds models or tables, or named so; or a `models`
    module), an enum, a constant, an exception, or something else (a module, a function, an
    object such as `db`, a class of the application's logic)."""
    parts = module.split(".")
    if name == "models" or (not name and "models" in parts):
        return "class"
    if name in _SESSIONS:
        return "session"
    if name.isupper() and len(name) > 1:
        return "constant"
    if name[:1].isupper():
        if name.endswith(_EXCEPTION_SUFFIXES):
            return "exception"
        if name.endswith(_ENUM_SUFFIXES) or any(part in ("enums", "constants", "types") for part in parts):
            return "enum"
        if name.endswith(_MODEL_SUFFIXES) or any(part in _MODEL_MODULES for part in parts):
            return "class"
    return "other"


# Where the ORM classes usually live (`app.models`, mlflow's `dbmodels`, `shopcore.db`, quay's `data.database`).
_MODEL_MODULES = frozenset({"models", "model", "dbmodels", "orm", "db", "database", "tables", "schema", "entities"})
_MODEL_SUFFIXES = ("Model", "Table")
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning")

_ADVICE = {
    "class": "declare a local `sa.table()` with only the columns the migration needs",
    "enum": "copy the values the migration uses into it",
    "constant": "copy the value into the migration",
    "exception": "raise a built-in exception (`RuntimeError`, `ValueError`) instead",
    "session": "use the migration's own connection, `op.get_bind()`",
    "other": "copy what the migration needs into it",
}


def advice(names: Iterable[str], module: str, helpers: bool) -> str:
    """What to do instead, for what was imported (each kind once, in order); `helpers`: a
    helper module inside the migrations package would be allowed."""
    kinds = dict.fromkeys(_kind(name, module) for name in (tuple(names) or ("",)))
    helper = " (or into a helper module inside the migrations package)" if helpers else ""
    return "; ".join(_ADVICE[kind] + (helper if kind == "other" else "") for kind in kinds)


class ModelImport(FileRule):
    """A migration imports application code, such as the ORM models.

    ## What it does
    Reports an import of the project's own code: a first-party module (a
    top-level package or module found under the project root or its `src/`
    folder, as ruff finds first-party code, plus those listed in
    `first-party`), and relative imports. The project root is the nearest
    folder above the script directory holding `pyproject.toml`, `setup.cfg`,
    `setup.py`, `.git` or alembic-lint's configuration file; without one (an
    unpacked wheel), the folder above the outermost package holding the
    script directory. So a package at the repository root that holds the
    script directory is first-party (`from superset import db`, quay's
    `from data.database import Repository` and `from app import app`).

    Never reported: third-party modules, whatever their names
    (`flask_appbuilder.models.mixins`); `alembic`, `sqlalchemy` and the
    standard library; the modules listed in `allowed-imports`; and modules
    inside the script directory's own package, helpers written for the
    migrations (`superset.migrations.shared.utils`; also the package above
    the script directory when its name says it holds migrations: neutron's
    `neutron.db.migration` above `alembic_migrations`; `migration-helpers =
    false` reports them too), and modules in any package of the project named
    for migrations (dagster's `dagster._core.storage.migration.utils` beside
    its script directory); imports the project's `script.py.mako` writes
    into every revision (prefect's `import prefect`: the template is where
    that policy is decided). Imports inside functions count (they run when
    the migration runs); imports under `if TYPE_CHECKING:` do not.

    ## Why is this bad?
    A migration must describe the schema as it was at its revision, forever.
    Application code keeps changing: months later the model has columns the
    historical table lacks, an enum gains or loses members, a renamed module
    breaks the import, and the migration fails on every fresh database (CI, a
    new developer's machine, disaster recovery), or silently writes the wrong
    data.

    ## Example
    ```python
    from app.models import User


    def upgrade() -> None:
        op.execute(sa.update(User).values(active=True))
    ```

    ## Use instead
    Declare a local table with only the columns the migration needs:
    ```python
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("active", sa.Boolean))


    def upgrade() -> None:
        op.execute(sa.update(users).values(active=True))
    ```
    For a constant or an enum, copy the values the migration uses: they are
    part of its history. For the application's exception, raise a built-in one.
    """

    code = "ALM201"
    name = "model-import"
    options = (MIGRATION_HELPERS,)

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        if not migration.imports:
            return
        project = self._project(ctx)
        allowed = ctx.settings.allowed_imports
        helpers = project.helpers if ctx.option(self, MIGRATION_HELPERS.name) else None
        if helpers is not None:
            allowed = (*allowed, helpers)
        named = bool(ctx.option(self, MIGRATION_HELPERS.name))
        written = template(ctx)
        for imported in migration.imports:
            if imported.type_checking or (not imported.level and written.wrote_import(imported.module, imported.names)):
                continue  # the project's script.py.mako writes it into every revision: its policy
            found = self._offence(imported, frozenset(project.first_party), allowed, named)
            if found is None:
                continue
            statement, reason, names = found
            yield self.diagnostic(
                migration.path,
                imported.span,
                f"`{statement}` imports application code ({reason}): the migration breaks when that code "
                f"changes; {advice(names, imported.module, helpers is not None)}",
            )

    def outside_inputs(self, ctx: Context) -> object:
        # The project root and its top-level modules, found on disk; the imports its template writes.
        return self._project(ctx), template(ctx)

    def _project(self, ctx: Context) -> Project:
        """The project around the folder being checked, computed once per check() (ctx.extra)."""
        cached = ctx.extra.get(self.code)
        if isinstance(cached, Project):
            return cached
        names = set(ctx.settings.first_party)
        root = helpers = None
        if ctx.root is not None:
            script_dir = script_directory(ctx.root)
            root = code_root(script_dir, ctx.settings.config_path)
            names |= _top_level_modules(root)
            helpers = dotted(root, migrations_package(script_dir, root))
        elif ctx.settings.config_path is not None:
            names |= _top_level_modules(ctx.settings.config_path.parent)
        project = ctx.extra[self.code] = Project(root, tuple(sorted(names)), helpers)
        return project

    @staticmethod
    def _reason(module: str, first_party: frozenset[str], allowed: tuple[str, ...], named: bool) -> str | None:
        """Why importing `module` (absolute, dotted) is application code, or None if it is not
        (`named`: a package named for migrations holds helpers written for them)."""
        top = module.partition(".")[0]
        if top in _NEVER or _under(module, allowed) or not _under(module, first_party):
            return None
        if named and any("migrat" in part.lower() for part in module.split(".")[1:]):
            return None  # dagster's `dagster._core.storage.migration.utils`, beside its script directory
        if "models" in module.split("."):
            return f"first-party `{top}`, a `models` module"
        return f"first-party `{top}`"

    def _offence(
        self, imported: Import, first_party: frozenset[str], allowed: tuple[str, ...], named: bool
    ) -> tuple[str, str, tuple[str, ...]] | None:
        """The import as it reads (limited to the offending names), why it is reported, and the
        names it brings in."""
        if imported.level:
            source = "." * imported.level + imported.module
            return f"from {source} import {', '.join(imported.names)}", "a relative import", imported.names
        if imported.module.partition(".")[0] in _NEVER:
            return None  # most imports of a migration: alembic, sqlalchemy, typing
        if not imported.names:
            reason = self._reason(imported.module, first_party, allowed, named)
            return None if reason is None else (f"import {imported.module}", reason, ())
        reasons = {
            name: self._reason(f"{imported.module}.{name}", first_party, allowed, named) for name in imported.names
        }
        names = tuple(name for name, reason in reasons.items() if reason is not None)
        if not names:
            return None
        return f"from {imported.module} import {', '.join(names)}", reasons[names[0]] or "", names
