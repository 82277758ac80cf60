"""Shared test helpers: write migration folders from short descriptions."""

from __future__ import annotations

import ast
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


_PLACES = pytest.StashKey[tuple[str, dict[str, str | None]]]()


def pytest_configure(config: pytest.Config) -> None:
    """The command line caches by default; in tests its cache goes to a temporary folder, never
    into tests/fixtures or examples/ (tests/cache/test_cache.py checks the default place itself),
    and its key is made in a temporary XDG_CACHE_HOME, never in the user's own. Set before
    collection, so environments that test modules copy at import time have them too."""
    import os
    import tempfile

    base = tempfile.mkdtemp(prefix="alembic-lint-tests-")
    chosen: dict[str, str | None] = {
        "ALEMBIC_LINT_CACHE_DIR": f"{base}/cache",
        "XDG_CACHE_HOME": f"{base}/xdg",
        "ALEMBIC_LINT_CACHE_KEY": None,
    }
    config.stash[_PLACES] = (base, {name: os.environ.get(name) for name in chosen})
    for name, value in chosen.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def pytest_unconfigure(config: pytest.Config) -> None:
    import os
    import shutil

    if _PLACES not in config.stash:
        return
    base, saved = config.stash[_PLACES]
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files `ast.parse` was called on, in this process."""
    seen: list[str] = []
    real = ast.parse

    def counting(source, filename="<unknown>", *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(Path(filename).name)
        return real(source, filename, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting)
    return seen
