"""ALM001 by a merge revision: the file `alembic merge -m "merge heads" HEAD...` writes.

Rendered by alembic's own machinery from the project's own `script.py.mako`: its
`ScriptDirectory` built from the configuration alone (alembic.ini / `[tool.alembic]`, read by
alembic's `Config`) for the file name (`file_template`, `truncate_slug_length`), the
`Create Date` (`timezone`) and the encoding, and `alembic.util.template_to_file` with the
arguments `ScriptDirectory.generate_revision` passes. Its revision map is never loaded, so
no migration, `env.py` or application module is imported; nor are `post_write_hooks` run
or `env.py` consulted when `revision_environment` is set (the note says so).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from alembic_lint.diagnostics import Fix, NewFile
from alembic_lint.fix.context import FixContext, Resolved, Unresolved
from alembic_lint.fix.recipes import JoinHeads
from alembic_lint.template import find_template

MESSAGE = "merge heads"


def _config(path: Path | None) -> Any:
    """alembic's Config for the project's alembic.ini and/or pyproject.toml, as its CLI reads them."""
    from alembic.config import Config

    if path is None:
        return Config()
    if path.name == "pyproject.toml":
        return Config(toml_file=path)
    toml = path.parent / "pyproject.toml"
    return Config(file_=path, toml_file=toml if toml.is_file() else None)


def _option(config: Any, name: str, default: Any = None) -> Any:
    try:
        return config.get_alembic_option(name, default)
    except Exception:  # an ini without an [alembic] section: alembic's defaults
        return default


def _hooks(config: Any) -> bool:
    try:
        return bool(config.get_hooks_list())
    except Exception:
        return False


def merge_heads(recipe: JoinHeads, ctx: FixContext) -> Resolved | Unresolved:
    heads = [h for h in ctx.graph.real_heads if h in recipe.heads] or [h for h in recipe.heads if h in ctx.graph.nodes]
    if len(heads) < 2:
        return Unresolved("there are no longer several heads")
    template = find_template(ctx.folder.root)
    if template is None:
        return Unresolved(f"no script.py.mako in {ctx.folder.root}: nothing to render a merge revision from")
    try:
        return _render(heads, template, ctx)
    except Exception as exc:  # alembic's CommandError, a template that fails to render, a bad option
        return Unresolved(f"cannot render a merge revision from {template}: {exc}")


def _render(heads: list[str], template: Path, ctx: FixContext) -> Resolved | Unresolved:
    from alembic import util
    from alembic.script import ScriptDirectory
    from alembic.script.revision import tuple_rev_as_scalar

    config = _config(ctx.folder.config)
    slug_length = _option(config, "truncate_slug_length")
    encoding = _option(config, "output_encoding", "utf-8")
    script = ScriptDirectory(
        template.parent,
        file_template=_option(config, "file_template", "%(rev)s_%(slug)s"),
        truncate_slug_length=int(slug_length) if slug_length is not None else None,
        version_locations=[str(location) for location in ctx.folder.locations],
        output_encoding=encoding,
        timezone=_option(config, "timezone"),
    )
    revision = ctx.clock.rev_id() if ctx.clock.rev_id else util.rev_id()
    create_date = ctx.clock.now() if ctx.clock.now else script._generate_create_date()
    if len(ctx.folder.locations) > 1:
        folder = ctx.graph.nodes[heads[0]].migration.path.parent
    else:
        folder = ctx.folder.locations[0]
    path = Path(script._rev_path(folder, revision, MESSAGE, create_date))
    with tempfile.TemporaryDirectory(prefix="alembic-lint-merge-") as scratch:
        rendered = Path(scratch, path.name)
        util.template_to_file(
            template,
            rendered,
            encoding,
            up_revision=str(revision),
            down_revision=tuple_rev_as_scalar(tuple(heads)),
            branch_labels=util.to_tuple(None),
            depends_on=tuple_rev_as_scalar(None),
            create_date=create_date,
            comma=util.format_as_comma,
            message=MESSAGE,
            config=config,
        )
        text = rendered.read_bytes().decode(encoding)
    if ctx.files.exists(path):
        return Unresolved(f"{path} already exists")
    skipped = []
    if _option(config, "revision_environment") in ("true", True):
        skipped.append("env.py was not run (revision_environment)")
    if _hooks(config):
        skipped.append("post_write_hooks were not run")
    note = f"{path.name}: merge revision {revision} revises {', '.join(heads)}, rendered from {template.name}"
    if skipped:
        note += " (" + "; ".join(skipped) + ")"
    return Resolved(Fix("Create a merge revision", creates=(NewFile(path, text),), applicability="safe"), note)
