"""The one project root (alembic_lint/project.py)."""

from __future__ import annotations

from pathlib import Path

from alembic_lint.project import project_root, repository_root
from alembic_lint.settings import Settings


def test_the_configuration_file_decides(tmp_path: Path) -> None:
    settings = Settings(config_path=tmp_path / "app" / "pyproject.toml")
    assert project_root(settings) == tmp_path / "app"
    assert project_root(settings, tmp_path / "elsewhere" / "alembic" / "versions") == tmp_path / "app"
    assert settings.project_root == tmp_path / "app"


def test_without_one_the_script_directory_parent(tmp_path: Path) -> None:
    assert project_root(Settings(), tmp_path / "app" / "alembic" / "versions") == tmp_path / "app"
    assert project_root(Settings(), tmp_path / "app" / "alembic") == tmp_path / "app"
    assert project_root(Settings()) is None
    assert Settings().project_root is None


def test_repository_root_is_the_nearest_folder_with_a_marker(tmp_path: Path) -> None:
    deep = tmp_path / "repo" / "pkg" / "db" / "migrations" / "versions"
    deep.mkdir(parents=True)
    assert repository_root(deep) in (None, *tmp_path.parents)  # nothing inside tmp_path yet
    (tmp_path / "repo" / ".git").mkdir()
    assert repository_root(deep) == tmp_path / "repo"
    (tmp_path / "repo" / "pkg" / "setup.cfg").write_text("")
    assert repository_root(deep) == tmp_path / "repo" / "pkg"
