"""Fixes: turn the fixes diagnostics carry (data) into rewritten and created files.

Nothing here is imported while linting except `recipes` (plain data the rules attach)
and `git_revisions` (resolving `get_down_revision()` before the graph is built). The rest
runs only when a fix is applied or shown (`--fix`, `--diff`, `--show-fixes`, `--add-noqa`,
an editor's code action); libcst and alembic are imported there, lazily.

- `text`: a file's bytes as text and back (encoding, BOM, newlines), edits applied by span.
- `resolve`: a recipe becomes concrete edits (`rechain`, `merge`, `downgrade` do the work).
- `engine`: rounds of non-overlapping fixes in memory, each result re-parsed, then written.
- `diff`, `add_noqa`, `cli`: `--diff`, `--add-noqa` and the command-line flags.
- `git_order`: the order migration files arrived on the main branch (alembic-git-revisions').
"""
