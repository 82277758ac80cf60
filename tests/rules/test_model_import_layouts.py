"""ALM201 on repository-shaped layouts (issue 9): where the project's code starts, which
migration helpers are allowed, and third-party `models` modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli, tree

MIGRATION = '''"""a migration"""
from alembic import op

{imports}

revision = "a1"
down_revision = None


def upgrade():
    op.execute("SELECT 1")


def downgrade():
    op.execute("SELECT 1")
'''


def findings(out: str) -> list[str]:
    return [line.split("ALM201 ", 1)[1].split(" imports application code")[0] for line in out.splitlines()]


def test_a_neutron_layout_allows_the_migration_package_above_the_script_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """neutron keeps its migration helpers in `neutron/db/migration/__init__.py`, above the
    script directory `alembic_migrations/`; its own application code is still reported."""
    imports = "from neutron.db import migration\nfrom neutron.db.migration import cli\nfrom neutron.db import models_v2"
    tree(
        tmp_path,
        {
            "setup.cfg": "",
            "neutron/__init__.py": "",
            "neutron/db/__init__.py": "",
            "neutron/db/models_v2.py": "",
            "neutron/db/migration/__init__.py": "",
            "neutron/db/migration/alembic_migrations/__init__.py": "",
            "neutron/db/migration/alembic_migrations/env.py": "",
            "neutron/db/migration/alembic_migrations/versions/a1.py": MIGRATION.format(imports=imports),
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("--select", "ALM201", ".")
    assert (code, findings(out)) == (1, ["`from neutron.db import models_v2`"])


def lint_unpacked_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> tuple[int, str]:
    """ALM201 from the root of an unpacked wheel: no project marker anywhere above it."""
    from alembic_lint.project import repository_root

    site = tree(tmp_path / "site", files)
    if repository_root(site) is not None:
        pytest.skip(f"a project marker above the temporary folder ({repository_root(site)}) decides the root")
    monkeypatch.chdir(site)
    code, out, _ = run_cli("--select", "ALM201", "--isolated", ".")
    return code, out


def test_third_party_models_never_count_and_an_unpacked_wheel_finds_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No marker at all (a wheel unpacked for the corpus): the code root is the folder above
    the outermost package holding the script directory, so `superset` is first-party."""
    imports = (
        "from flask_appbuilder.models.mixins import AuditMixin\nimport models\nfrom superset import db\n"
        "from superset.migrations.shared.utils import paginated_update"
    )
    code, out = lint_unpacked_wheel(
        tmp_path,
        monkeypatch,
        {
            "superset/__init__.py": "",
            "superset/migrations/__init__.py": "",
            "superset/migrations/env.py": "",
            "superset/migrations/shared/utils.py": "",
            "superset/migrations/versions/a1.py": MIGRATION.format(imports=imports),
            "apache_superset-6.1.0.dist-info/METADATA": "",
        },
    )
    assert (code, findings(out)) == (1, ["`from superset import db`"])


def test_an_unpacked_wheel_whose_script_directory_is_no_package_finds_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ihatemoney's `migrations/` (Flask-Migrate) has no `__init__.py`, the package above it
    has: `ihatemoney` is first-party, and its helpers for migrations are allowed."""
    imports = "from ihatemoney.models import BillType\nfrom ihatemoney.migrations import utils"
    code, out = lint_unpacked_wheel(
        tmp_path,
        monkeypatch,
        {
            "ihatemoney/__init__.py": "",
            "ihatemoney/models.py": "",
            "ihatemoney/migrations/env.py": "",
            "ihatemoney/migrations/utils.py": "",
            "ihatemoney/migrations/versions/a1.py": MIGRATION.format(imports=imports),
            "ihatemoney-7.2.1.dist-info/METADATA": "",
        },
    )
    assert (code, findings(out)) == (1, ["`from ihatemoney.models import BillType`"])


def test_an_import_the_template_writes_into_every_revision_is_its_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prefect's script.py.mako writes `import prefect` (its column types): not reported on each
    of its revisions; what a revision imports beyond the template still is."""
    imports = "import prefect\nfrom prefect.blocks.core import Block"
    tree(
        tmp_path,
        {
            "pyproject.toml": "",
            "prefect/__init__.py": "",
            "prefect/server/database/_migrations/env.py": "",
            "prefect/server/database/_migrations/script.py.mako": (
                '"""${message}"""\nfrom alembic import op\nimport sqlalchemy as sa\nimport prefect\n'
                '${imports if imports else ""}\n'
            ),
            "prefect/server/database/_migrations/versions/a1.py": MIGRATION.format(imports=imports),
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("--select", "ALM201", ".")
    assert (code, findings(out)) == (1, ["`from prefect.blocks.core import Block`"])


def test_a_package_named_for_migrations_beside_the_script_directory_holds_helpers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dagster keeps `has_table`/`has_index` in `dagster/_core/storage/migration/utils.py`, beside
    its script directory `alembic/`: allowed as helpers (not with `migration-helpers = false`)."""
    imports = "from dagster._core.storage.migration.utils import has_table\nfrom dagster._core.storage.sql import now"
    files = {
        "pyproject.toml": "",
        "dagster/__init__.py": "",
        "dagster/_core/storage/migration/utils.py": "",
        "dagster/_core/storage/alembic/env.py": "",
        "dagster/_core/storage/alembic/versions/a1.py": MIGRATION.format(imports=imports),
    }
    tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("--select", "ALM201", ".")
    assert (code, findings(out)) == (1, ["`from dagster._core.storage.sql import now`"])
    (tmp_path / "pyproject.toml").write_text("[tool.alembic-lint.rules.ALM201]\nmigration-helpers = false\n")
    code, out, _ = run_cli("--select", "ALM201", ".")
    assert (code, findings(out)) == (
        1,
        [
            "`from dagster._core.storage.migration.utils import has_table`",
            "`from dagster._core.storage.sql import now`",
        ],
    )
