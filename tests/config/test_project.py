"""The one project root (alembic_lint/project.py)."""

from __future__ import annotations

from pathlib import Path

from alembic_lint.project import code_root, repository_root
from alembic_lint.settings import Settings


def test_globs_are_relative_to_the_configuration_file(tmp_path: Path) -> None:
    assert Settings(config_path=tmp_path / "app" / "pyproject.toml").project_root == tmp_path / "app"
    assert Settings().project_root is None


def test_repository_root_is_the_nearest_folder_with_a_marker(tmp_path: Path) -> None:
    deep = tmp_path / "repo" / "pkg" / "db" / "migrations" / "versions"
    deep.mkdir(parents=True)
    assert repository_root(deep) in (None, *tmp_path.parents)  # nothing inside tmp_path yet
    (tmp_path / "repo" / ".git").mkdir()
    assert repository_root(deep) == tmp_path / "repo"
    (tmp_path / "repo" / "pkg" / "setup.cfg").write_text("")
    assert repository_root(deep) == tmp_path / "repo" / "pkg"


def test_the_code_root_of_a_script_directory(tmp_path: Path) -> None:
    """ALM201's first-party code starts at the nearest marker or alembic-lint configuration
    above the script directory; in an unpacked wheel (no marker), above its outermost package."""
    script_dir = tmp_path / "site" / "superset" / "migrations"
    script_dir.mkdir(parents=True)
    if repository_root(tmp_path) is not None:  # a marker above the temporary folder decides first
        return
    assert code_root(script_dir) == tmp_path / "site" / "superset"  # not a package: its parent
    (tmp_path / "site" / "superset" / "__init__.py").write_text("")
    (script_dir / "__init__.py").write_text("")
    assert code_root(script_dir) == tmp_path / "site"
    (tmp_path / "site" / "__init__.py").write_text("")  # a package all the way up: the top one's parent
    assert code_root(script_dir) == tmp_path
    config = tmp_path / "site" / "superset" / "alembic-lint.toml"
    assert code_root(script_dir, config) == tmp_path / "site" / "superset"
    assert code_root(script_dir, tmp_path / "other" / "alembic-lint.toml") == tmp_path  # not above it: ignored
    (tmp_path / "site" / "pyproject.toml").write_text("")
    assert code_root(script_dir) == tmp_path / "site"
    assert code_root(script_dir, config) == tmp_path / "site" / "superset"  # the nearer of the two
