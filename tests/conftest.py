"""Shared test helpers: write migration folders from short descriptions."""

from __future__ import annotations

from pathlib import Path

import pytest


def migration_source(
    revision: str | None,
    down_revision: object = None,
    *,
    branch_labels: object = None,
    depends_on: object = None,
    message: str = "a migration",
    body: str = '    op.execute("SELECT 1")',  # not empty: ALM102/ALM104 stay quiet
) -> str:
    lines = [f'"""{message}\n\nRevision ID: {revision}\nRevises: \nCreate Date: 2026-11-21 10:00:00\n\n"""']
    lines.append("from alembic import op\nimport sqlalchemy as sa\n")
    if revision is not None:
        lines.append(f"revision = {revision!r}")
    lines.append(f"down_revision = {down_revision!r}")
    lines.append(f"branch_labels = {branch_labels!r}")
    lines.append(f"depends_on = {depends_on!r}\n\n")
    lines.append(f"def upgrade():\n{body}\n\n\ndef downgrade():\n{body}\n")
    return "\n".join(lines)


@pytest.fixture
def write_migration(tmp_path: Path):  # type: ignore[no-untyped-def]
    """write_migration("a1.py", "a1", None) -> path of a migration in tmp_path/versions."""
    versions = tmp_path / "versions"
    versions.mkdir(exist_ok=True)

    def write(name: str, revision: str | None, down_revision: object = None, **kwargs: object) -> Path:
        path = versions / name
        path.write_text(migration_source(revision, down_revision, **kwargs))  # type: ignore[arg-type]
        return path

    return write


@pytest.fixture(scope="session", autouse=True)
def _cache_outside_the_source_tree(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The command line caches by default; in tests its cache goes to a temporary folder, never
    into tests/fixtures or examples/ (tests/cache/test_cache.py checks the default place itself)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALEMBIC_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("alembic-lint-cache")))
        yield
