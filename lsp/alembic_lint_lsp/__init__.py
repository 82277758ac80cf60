"""alembic-lint's language server: the same diagnostics in every editor, plus navigation
of the revision graph. A thin adapter: all analysis is `alembic_lint`'s.

Start it with `alembic-lint server` (stdio) or `python -m alembic_lint_lsp`.
"""
