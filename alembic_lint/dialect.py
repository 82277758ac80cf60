"""Which database a project targets, for the rules that only make sense on one (ALM3xx).

`dialect` in `[tool.alembic-lint]` says it; otherwise the `sqlalchemy.url` of the
alembic.ini the script directory was found through (`VersionFolder.config`, or the
alembic.ini beside its pyproject.toml) is read as text: `postgresql://`,
`postgresql+psycopg://` and the old `postgres://` mean PostgreSQL. Most projects set
the URL in env.py instead (their alembic.ini says `driver://...` or nothing), so
without `dialect` they get no dialect and the PostgreSQL rules stay off unless selected.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint.records import replace

if TYPE_CHECKING:
    from alembic_lint.discover import VersionFolder
    from alembic_lint.settings import Settings

# SQLAlchemy's own dialect names (the part of a URL before `+driver://`).
DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle")
_ALIASES = {"postgres": "postgresql"}
_URL = re.compile(r"^[ \t]*sqlalchemy\.url[ \t]*[=:][ \t]*[\"']?([A-Za-z][\w.-]*)(?:\+[\w.-]+)?://", re.MULTILINE)


def url_dialect(url: str) -> str | None:
    """The dialect a database URL names, or None (`driver://`, a placeholder, no URL)."""
    match = _URL.match(f"sqlalchemy.url = {url}")
    if match is None:
        return None
    name = match.group(1).lower()
    name = _ALIASES.get(name, name)
    return name if name in DIALECTS else None


def ini_dialect(path: Path) -> str | None:
    """The dialect of the first `sqlalchemy.url` in an ini file that names a known one."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for match in _URL.finditer(text):
        name = _ALIASES.get(match.group(1).lower(), match.group(1).lower())
        if name in DIALECTS:
            return name
    return None


def folder_settings(settings: Settings, folder: VersionFolder) -> Settings:
    """The settings for one script directory: `dialect` filled from its alembic.ini when the
    configuration does not set it. Cheap (one small file read); part of the cache key through
    the settings, so a changed URL changes the verdict."""
    if settings.dialect is not None or folder.config is None:
        return settings
    config = folder.config
    ini = config if config.suffix == ".ini" else config.with_name("alembic.ini")
    found = ini_dialect(ini)
    return settings if found is None else replace(settings, dialect=found)
