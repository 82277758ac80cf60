"""Shared test helpers: write migration folders from short descriptions."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import migration_source


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
