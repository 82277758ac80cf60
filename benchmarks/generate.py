"""Write a realistic Alembic project with N migrations, deterministically.

    python benchmarks/generate.py DEST --files 10000 [--heads 3] [--seed 0]

The project looks like what `alembic init` plus years of `alembic revision`
produce: `alembic.ini`, `migrations/env.py`, `migrations/script.py.mako` and
`migrations/versions/<rev>_<slug>.py`. The history is a trunk with short-lived
feature branches merged back (2- and 3-way merges, as tuples and as lists),
`heads - 1` named branches (`branch_labels`) that stay open, and a few
`depends_on` entries naming revision ids or labels. The variables are written
in the three styles found in real projects: the current typed template
(`Union[str, Sequence[str], None]`), the 1.11 one (`Union[str, None]`) and the
untyped one (Flask-Migrate). Bodies hold a few hundred bytes of `op` calls.

The same arguments always give byte-identical files, so benchmark runs compare.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
path_separator = os
sqlalchemy.url = postgresql://bench@localhost/bench

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""

ENV_PY = """\
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = None


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}), poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
"""

SCRIPT_MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = ${repr(up_revision)}
down_revision: Union[str, Sequence[str], None] = ${repr(down_revision)}
branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}
depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}


def upgrade() -> None:
    """Upgrade schema."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Downgrade schema."""
    ${downgrades if downgrades else "pass"}
'''

_WORDS = (
    "user order invoice payment product customer account address audit session token role permission "
    "tag comment report shipment warehouse refund coupon"
).split()
_TYPES = ("sa.String(length=64)", "sa.Integer()", "sa.Boolean()", "sa.DateTime(timezone=True)", "sa.Text()")


@dataclass
class Revision:
    id: str
    down: str | tuple[str, ...] | list[str] | None
    labels: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    message: str = ""


@dataclass
class History:
    revisions: list[Revision] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)  # expected heads (named branches and the trunk)


def plan(files: int, heads: int = 3, seed: int = 0) -> History:
    """The revision graph: ids, parents, labels and dependencies, without file contents."""
    if files < 1 or heads < 1 or heads > max(1, files // 2):
        raise ValueError("need files >= 1 and 1 <= heads <= files / 2")
    rng = random.Random(seed)
    used: set[str] = set()

    def new_id() -> str:
        while True:
            rev = f"{rng.getrandbits(48):012x}"
            if rev not in used:
                used.add(rev)
                return rev

    history = History()
    revs = history.revisions

    def add(down: str | tuple[str, ...] | list[str] | None, **kw: object) -> str:
        table = rng.choice(_WORDS)
        message = kw.pop("message", None) or f"{rng.choice(('add', 'create', 'alter', 'index'))} {table}s"
        rev = Revision(new_id(), down, message=str(message), **kw)  # type: ignore[arg-type]
        revs.append(rev)
        return rev.id

    trunk = add(None, message="initial schema")
    features: list[str] = []
    named: list[str] = []
    names = [f"branch_{i}" for i in range(1, heads)]
    # Named branches start in the first half of the history, evenly spread.
    starts = {max(1, (k + 1) * files // (2 * heads)): name for k, name in enumerate(names)}
    for i in range(1, files):
        remaining = files - i
        roll = rng.random()
        if i in starts:
            named.append(add(trunk, labels=(starts[i],), message=f"start {starts[i]}"))
        elif features and (remaining <= len(features) or roll < 0.05):
            take = features[:2] if len(features) > 1 and rng.random() < 0.3 else features[:1]
            del features[: len(take)]
            parents = [trunk, *take]
            down: tuple[str, ...] | list[str] = tuple(parents) if rng.random() < 0.7 else list(parents)
            trunk = add(down, message="merge heads")
        elif remaining > 8 and len(features) < 3 and roll < 0.10:
            features.append(add(trunk))
        elif features and roll < 0.35:
            k = rng.randrange(len(features))
            features[k] = add(features[k])
        elif named and roll < 0.45:
            k = rng.randrange(len(named))
            named[k] = add(named[k])
        else:
            deps: tuple[str, ...] = ()
            if i > 20 and rng.random() < 0.03:
                if rng.random() < 0.5 and starts:
                    deps = (rng.choice([name for at, name in starts.items() if at < i] or [revs[0].id]),)
                else:
                    deps = (revs[rng.randrange(i // 2)].id,)
            trunk = add(trunk, depends_on=deps)
    history.heads = [*named, trunk]
    return history


def _repr_down(down: str | tuple[str, ...] | list[str] | None) -> str:
    return repr(down)


def render(rev: Revision, rng: random.Random, index: int) -> str:
    """One migration file, as alembic's template (in one of its historical styles) writes it."""
    down = rev.down
    if isinstance(down, str):
        revises = down
    elif down:
        revises = ", ".join(down)
    else:
        revises = ""
    style = rng.random()
    labels: str | tuple[str, ...] | None = None
    if rev.labels:
        labels = rev.labels[0] if rng.random() < 0.5 else rev.labels
    depends: str | tuple[str, ...] | None = None
    if rev.depends_on:
        depends = rev.depends_on if rng.random() < 0.5 else rev.depends_on[0]
    elif rng.random() < 0.1:
        depends = ()
    table = rng.choice(_WORDS)
    column = rng.choice(_WORDS)
    coltype = rng.choice(_TYPES)
    ops = [
        f'    op.create_table(\n        "{table}_{index}",\n'
        '        sa.Column("id", sa.Integer(), nullable=False),\n'
        f'        sa.Column("{column}_id", sa.Integer(), sa.ForeignKey("{column}s.id"), nullable=True),\n'
        f'        sa.Column("name", {coltype}, nullable=True),\n'
        '        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),\n'
        '        sa.PrimaryKeyConstraint("id"),\n    )',
        f'    op.add_column("{table}s", sa.Column("{column}_note", sa.Text(), nullable=True))',
        f'    op.create_index(op.f("ix_{table}s_{column}"), "{table}s", ["{column}_id"], unique=False)',
    ]
    downs = [
        f'    op.drop_index(op.f("ix_{table}s_{column}"), table_name="{table}s")',
        f'    op.drop_column("{table}s", "{column}_note")',
        f'    op.drop_table("{table}_{index}")',
    ]
    day = f"2024-{1 + index % 12:02d}-{1 + index % 28:02d}"
    created = f"{day} {index % 24:02d}:{index % 60:02d}:{(7 * index) % 60:02d}.{index:06d}"
    head = '"""' + rev.message + f"\n\nRevision ID: {rev.id}\nRevises: {revises}\nCreate Date: {created}\n\n" + '"""\n'
    if rng.random() < 0.05:
        head = "# -*- coding: utf-8 -*-\n" + head
    autogen = rng.random() < 0.6
    chosen = sorted(rng.sample(range(len(ops)), rng.randint(1, len(ops))))
    body_up = "\n".join(ops[k] for k in chosen)
    body_down = "\n".join(downs[len(ops) - 1 - k] for k in reversed(chosen))
    if autogen:
        marker = "    # ### commands auto generated by Alembic - please adjust! ###\n"
        body_up = marker + body_up + "\n    # ### end Alembic commands ###"
        body_down = marker + body_down + "\n    # ### end Alembic commands ###"
    if style < 0.6:  # the current template
        variables = (
            "from typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n"
            "# revision identifiers, used by Alembic.\n"
            f"revision: str = {rev.id!r}\n"
            f"down_revision: Union[str, Sequence[str], None] = {_repr_down(down)}\n"
            f"branch_labels: Union[str, Sequence[str], None] = {labels!r}\n"
            f"depends_on: Union[str, Sequence[str], None] = {depends!r}\n"
        )
        functions = (
            f'\n\ndef upgrade() -> None:\n    """Upgrade schema."""\n{body_up}\n\n\n'
            f'def downgrade() -> None:\n    """Downgrade schema."""\n{body_down}\n'
        )
    elif style < 0.8:  # alembic 1.11 - 1.16, with a PEP 604 hand edit now and then
        annotation = "str | None" if rng.random() < 0.3 else "Union[str, None]"
        variables = (
            "from typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n"
            "# revision identifiers, used by Alembic.\n"
            f"revision: str = {rev.id!r}\n"
            f"down_revision: {annotation} = {_repr_down(down)}\n"
            f"branch_labels: Union[str, Sequence[str], None] = {labels!r}\n"
            f"depends_on: Union[str, Sequence[str], None] = {depends!r}\n"
        )
        functions = f"\n\ndef upgrade() -> None:\n{body_up}\n\n\ndef downgrade() -> None:\n{body_down}\n"
    else:  # untyped: before 1.11.2, and Flask-Migrate
        variables = (
            "from alembic import op\nimport sqlalchemy as sa\n\n\n"
            "# revision identifiers, used by Alembic.\n"
            f"revision = {rev.id!r}\n"
            f"down_revision = {_repr_down(down)}\n"
            f"branch_labels = {labels!r}\n"
            f"depends_on = {depends!r}\n"
        )
        functions = f"\n\ndef upgrade():\n{body_up}\n\n\ndef downgrade():\n{body_down}\n"
    return head + variables + functions


def _slug(message: str) -> str:
    return "_".join(message.lower().split())[:40]


def generate(dest: Path, files: int, heads: int = 3, seed: int = 0) -> History:
    """Write the project under `dest` (created; must not hold a previous project). Returns its plan."""
    history = plan(files, heads, seed)
    script = dest / "migrations"
    versions = script / "versions"
    versions.mkdir(parents=True)
    (dest / "alembic.ini").write_text(ALEMBIC_INI)
    (script / "env.py").write_text(ENV_PY)
    (script / "script.py.mako").write_text(SCRIPT_MAKO)
    rng = random.Random(seed + 1)
    for index, rev in enumerate(history.revisions):
        name = f"{rev.id}_{_slug(rev.message)}.py"
        (versions / name).write_text(render(rev, rng, index))
    return history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--heads", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    history = generate(args.dest, args.files, args.heads, args.seed)
    print(f"{args.dest}: {len(history.revisions)} migrations, heads {', '.join(history.heads)}")


if __name__ == "__main__":
    main()
