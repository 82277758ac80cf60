from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.parse import Import, Migration
from alembic_lint.project import project_root
from alembic_lint.rules.base import Context, FileRule

# Never application code, whatever the project holds.
_NEVER = frozenset({"alembic", "sqlalchemy", *sys.stdlib_module_names})


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


class ModelImport(FileRule):
    """A migration imports application code, such as the ORM models.

    ## What it does
    Reports an import of the project's own code: a first-party module (a
    top-level package or module found under the project root or its `src/`
    folder, as ruff finds first-party code, plus those listed in
    `first-party`), any module path with a `models` segment, and relative
    imports. `alembic`, `sqlalchemy`, the standard library and the modules
    listed in `allowed-imports` never count. Imports inside functions count
    (they run when the migration runs); imports under `if TYPE_CHECKING:` do not.

    ## Why is this bad?
    A migration must describe the schema as it was at its revision, forever.
    Application code keeps changing: months later the model has columns the
    historical table lacks, a renamed module breaks the import, and the
    migration fails on every fresh database (CI, a new developer's machine,
    disaster recovery), or silently writes the wrong data.

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
    """

    code = "ALM201"
    name = "model-import"

    def check(self, migration: Migration, ctx: Context) -> Iterator[Diagnostic]:
        if not migration.imports:
            return
        first_party = self._first_party(ctx)
        for imported in migration.imports:
            if imported.type_checking:
                continue
            found = self._offence(imported, first_party, ctx.settings.allowed_imports)
            if found is None:
                continue
            statement, reason = found
            yield self.diagnostic(
                migration.path,
                imported.span,
                f"`{statement}` imports application code ({reason}): the migration breaks when that code "
                "changes; declare a local `sa.table()`/`sa.Table` with only the columns the migration needs",
            )

    def outside_inputs(self, ctx: Context) -> object:
        return sorted(self._first_party(ctx))  # the project's top-level modules, found on disk

    def _first_party(self, ctx: Context) -> frozenset[str]:
        """Configured and found first-party names, computed once per check() (ctx.extra)."""
        cached = ctx.extra.get(self.code)
        if isinstance(cached, frozenset):
            return cached
        root = project_root(ctx.settings, ctx.root)
        found = frozenset(ctx.settings.first_party) | (_top_level_modules(root) if root is not None else frozenset())
        ctx.extra[self.code] = found
        return found

    @staticmethod
    def _reason(module: str, first_party: frozenset[str], allowed: tuple[str, ...]) -> str | None:
        """Why importing `module` (absolute, dotted) is application code, or None if it is not."""
        top = module.partition(".")[0]
        if top in _NEVER or _under(module, allowed):
            return None
        if "models" in module.split("."):
            return "a `models` module"
        if _under(module, first_party):
            return f"first-party `{top}`"
        return None

    def _offence(
        self, imported: Import, first_party: frozenset[str], allowed: tuple[str, ...]
    ) -> tuple[str, str] | None:
        """The import as it reads (limited to the offending names) and why it is reported."""
        if imported.level:
            source = "." * imported.level + imported.module
            return f"from {source} import {', '.join(imported.names)}", "a relative import"
        if imported.module.partition(".")[0] in _NEVER:
            return None  # most imports of a migration: alembic, sqlalchemy, typing
        if not imported.names:
            reason = self._reason(imported.module, first_party, allowed)
            return None if reason is None else (f"import {imported.module}", reason)
        reasons = {name: self._reason(f"{imported.module}.{name}", first_party, allowed) for name in imported.names}
        names = [name for name, reason in reasons.items() if reason is not None]
        if not names:
            return None
        return f"from {imported.module} import {', '.join(names)}", reasons[names[0]] or ""
