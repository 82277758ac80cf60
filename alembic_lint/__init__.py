"""alembic-lint: a static analyzer for Alembic migration folders."""

__version__ = "0.1.0"
