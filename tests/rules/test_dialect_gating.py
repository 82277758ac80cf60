"""When the PostgreSQL rules run: the project's dialect (configured, or its alembic.ini's URL),
or a selector that names them; never on a project's first run without either."""

from __future__ import annotations

from pathlib import Path

import pytest

from alembic_lint.cache import CacheOptions
from alembic_lint.dialect import folder_settings, ini_dialect, url_dialect
from alembic_lint.discover import VersionFolder
from alembic_lint.lint import lint
from alembic_lint.rules import RULES
from alembic_lint.rules.selection import selected_rules
from alembic_lint.settings import RuleSelection, Settings

POSTGRES = [rule.code for rule in RULES if rule.dialect == "postgresql"]
ON_BY_DEFAULT = [code for code in POSTGRES if code != "ALM315"]


def chosen(settings: Settings) -> list[str]:
    return [rule.code for rule in selected_rules(settings) if rule.dialect is not None]


def test_every_operation_rule_is_a_postgres_rule_in_its_group() -> None:
    assert POSTGRES == [f"ALM3{n:02d}" for n in range(1, 16)]
    assert all(rule.groups == ("postgres",) for rule in RULES if rule.dialect is not None)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (Settings(), []),
        (Settings(dialect="mysql"), []),
        (Settings(dialect="postgresql"), ON_BY_DEFAULT),
        (
            Settings(dialect="postgresql", ignore=("ALM305", "ALM306")),
            [c for c in ON_BY_DEFAULT if c not in ("ALM305", "ALM306")],
        ),
        (Settings(dialect="postgresql", extend_select=("ALM315",)), POSTGRES),
        (Settings(select=("ALL",)), POSTGRES),
        (Settings(select=("ALM3",)), POSTGRES),
        (Settings(dialect="sqlite", select=("postgres",)), POSTGRES),
        (Settings(extend_select=("ALM301", "drop-column")), ["ALM301", "ALM305"]),
        (Settings(overrides=(RuleSelection(extend_select=("ALM313",)),)), ["ALM313"]),
        (Settings(overrides=(RuleSelection(ignore=("ALM101",)),)), []),  # decides nothing about ALM3
        (Settings(dialect="postgresql", overrides=(RuleSelection(select=("ALM1",)),)), []),  # starts over
        (Settings(dialect="postgresql", overrides=(RuleSelection(ignore=("postgres",)),)), []),
    ],
)
def test_selection(settings: Settings, expected: list[str]) -> None:
    assert chosen(settings) == expected


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("postgresql://app@db/app", "postgresql"),
        ("postgresql+psycopg2://app@db/app", "postgresql"),
        ("postgres://app@db/app", "postgresql"),
        ("POSTGRESQL+asyncpg://x", "postgresql"),
        ("mysql+pymysql://app@db/app", "mysql"),
        ("sqlite:///app.db", "sqlite"),
        ("driver://user:pass@localhost/dbname", None),
        ("scheme://localhost/airflow", None),
        ("", None),
        ("%(DATABASE_URL)s", None),
    ],
)
def test_url_dialect(url: str, dialect: str | None) -> None:
    assert url_dialect(url) == dialect


def test_ini_dialect_reads_the_first_url_naming_a_known_dialect(tmp_path: Path) -> None:
    ini = tmp_path / "alembic.ini"
    ini.write_text(
        "[alembic]\n# sqlalchemy.url = mysql://commented/out\nsqlalchemy.url = driver://x\n\n"
        '[reporting]\nsqlalchemy.url = "postgresql+psycopg://r@db/r"\n'
    )
    assert ini_dialect(ini) == "postgresql"
    assert ini_dialect(tmp_path / "missing.ini") is None


def _folder(tmp_path: Path, config: Path | None) -> VersionFolder:
    versions = tmp_path / "migrations" / "versions"
    return VersionFolder(tmp_path / "migrations", (versions,), False, (), config)


def test_folder_settings(tmp_path: Path) -> None:
    ini = tmp_path / "alembic.ini"
    ini.write_text("[alembic]\nsqlalchemy.url = postgresql://app@db/app\n")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.alembic]\nscript_location = 'migrations'\n")
    assert folder_settings(Settings(), _folder(tmp_path, ini)).dialect == "postgresql"
    assert folder_settings(Settings(), _folder(tmp_path, pyproject)).dialect == "postgresql"  # its alembic.ini
    assert folder_settings(Settings(dialect="mysql"), _folder(tmp_path, ini)).dialect == "mysql"  # configured
    assert folder_settings(Settings(), _folder(tmp_path, None)).dialect is None


MIGRATION = """revision = "a1"
down_revision = None


def upgrade():
    op.create_index("ix_users_email", "users", ["email"])


def downgrade():
    op.drop_index("ix_users_email", table_name="users")
"""


def test_a_changed_url_is_a_changed_verdict(tmp_path: Path) -> None:
    """The dialect read from alembic.ini is part of the settings, so of the cache key."""
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text("")
    (tmp_path / "migrations" / "versions" / "a1.py").write_text(MIGRATION)
    ini = tmp_path / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = driver://u@h/d\n")
    options = CacheOptions(directory=tmp_path / "cache")
    assert lint([tmp_path], Settings(), options).diagnostics == []
    ini.write_text("[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = postgresql://u@h/d\n")
    assert [d.code for d in lint([tmp_path], Settings(), options).diagnostics] == ["ALM301"]
    assert [d.code for d in lint([tmp_path], Settings(), options).diagnostics] == ["ALM301"]  # from the cache
