"""Where a script directory's cache file goes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint.cache.key import cache_key, mac
from alembic_lint.cache.options import CACHE_DIR_NAME
from alembic_lint.parallel import digest

if TYPE_CHECKING:
    from alembic_lint.discover import VersionFolder


def project_root(folder: VersionFolder, config: Path | None = None) -> Path:
    """Where `.alembic_lint_cache/` goes for a script directory: beside the alembic.ini or
    pyproject.toml it came from, else beside alembic-lint's own `config` file when that holds
    it, else beside the script directory, else in the folder linted."""
    from alembic_lint.discover.layouts import has_marker  # env.py or script.py.mako: a script directory

    if folder.config is not None:
        return folder.config.parent
    root = folder.root
    if config is not None and (config.parent == root or config.parent in root.parents):
        return config.parent
    if root.name == "versions" and has_marker(root.parent):
        return root.parent.parent  # a versions folder given: beside its script directory
    if root / "versions" in folder.locations and has_marker(root):
        return root.parent  # a script directory found without a config
    return root


def folder_identity(folder: VersionFolder) -> bytes:
    """What a cache file is for: the script directory, its version locations, how they are read."""
    ident = "\0".join([str(folder.root), *(str(p) for p in folder.locations), str(folder.recursive)])
    return ident.encode("utf-8", "surrogateescape")


def cache_directory(folder: VersionFolder, directory: Path | None = None, config: Path | None = None) -> Path:
    """The folder of the cache files: `directory` if given, else `.alembic_lint_cache/` at the project root."""
    return directory if directory is not None else project_root(folder, config) / CACHE_DIR_NAME


def cache_path(
    folder: VersionFolder, directory: Path | None = None, config: Path | None = None, key: bytes | None = None
) -> Path:
    """The cache file of one script directory: named after it, and after a MAC of its version
    locations under the cache key (`key`, else the user's), so a checkout cannot know the name."""
    if key is None:
        key = cache_key()
    ident = folder_identity(folder)
    token = mac(key, b"file name", ident)[:8] if key is not None else digest(ident)[:8]
    return cache_directory(folder, directory, config) / f"{folder.root.name or 'root'}-{token.hex()}.cache"
