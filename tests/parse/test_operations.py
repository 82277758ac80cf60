"""Operation facts (alembic_lint/operations.py): the op calls of upgrade()/downgrade(), exact results."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from alembic_lint.diagnostics import Span as S
from alembic_lint.operations import Arg, FixSite, Guard, Operation
from alembic_lint.parse import Migration, parse_migration


def L(value: object) -> Arg:  # a literal argument
    return Arg("literal", value)


def N(name: str) -> Arg:  # a name argument
    return Arg("name", name)


def operations(source: str, function: str = "upgrade") -> tuple[Operation, ...]:
    migration = parse_migration(Path("m.py"), source)
    assert isinstance(migration, Migration)
    found = migration.upgrade if function == "upgrade" else migration.downgrade
    assert found is not None
    return found.operations


SOURCE = '''\
import textwrap

import alembic
import sqlalchemy as sa
from alembic import op as o
from sqlalchemy import text

DDL = "ALTER TABLE old DROP COLUMN z"


def upgrade():
    o.create_table("fresh", sa.Column("id", sa.Integer, primary_key=True))
    o.create_index("ix_fresh", "fresh", ["id"])
    alembic.op.create_index(o.f("ix_old_a"), "old", ["a"], unique=True, postgresql_concurrently=flag)
    with o.batch_alter_table("old", schema="s") as batch_op:
        batch_op.add_column(sa.Column("c", sa.String(10), nullable=False, server_default=sa.text("now()")))
        batch_op.alter_column("d", existing_type=sa.Integer(), type_=sa.BigInteger(), new_column_name="e")
    context = o.get_context()
    with context.autocommit_block():
        o.execute(text("CREATE INDEX CONCURRENTLY ix ON old (a)"))
    conn = o.get_bind()
    if conn.dialect.name == "mysql":
        conn.execute(sa.text("ALTER TABLE old MODIFY x int"))
    else:
        o.execute(DDL)
    sql = textwrap.dedent(f"""
        CREATE TABLE made (id int);
        DROP TABLE {name}
    """)
    o.execute(sql)
    o.get_bind().execute("ALTER TABLE old DROP COLUMN %s" % column)
    for table in tables:
        o.drop_index("ix", table_name=table, **kw)
    o.execute(query.where(x == 1))
'''


def op(*fields: object, a: tuple[Arg, ...] = (), k: tuple[tuple[str, Arg], ...] = (), **named: object) -> object:
    """An expected operation (without its text), with the arguments read from it."""
    return (Operation(*fields, **named), a, k)  # type: ignore[arg-type]


def test_every_op_call_with_aliases_batches_autocommit_sql_created_tables_and_dialect_guards() -> None:
    old = L("old")
    fresh = ("fresh",)
    found = operations(SOURCE)
    # The call's text is kept; the arguments the rules read come from it on first use.
    assert [o.text for o in found] == [
        'f("fresh")',
        'o.create_index("ix_fresh", "fresh", ["id"])',
        'alembic.op.create_index(o.f("ix_old_a"), "old", ["a"], unique=True, postgresql_concurrently=flag)',
        'f("old")',
        'batch_op.add_column(sa.Column("c", sa.String(10), nullable=False, server_default=sa.text("now()")))',
        'batch_op.alter_column("d", existing_type=sa.Integer(), type_=sa.BigInteger(), new_column_name="e")',
        *[""] * 5,  # execute: its SQL is kept apart
        'o.drop_index("ix", table_name=table, **kw)',
        "",
    ]
    assert [(dataclasses.replace(o, text=""), o.args, o.keywords) for o in found] == [
        op("create_table", S(12, 4, 12, 74), "o", a=(L("fresh"),)),
        op(
            "create_index",
            S(13, 4, 13, 47),
            "o",
            a=(L("ix_fresh"), L("fresh")),
            created=fresh,
            site=FixSite(S(13, 4, 13, 47), S.point(13, 46), False, "    "),
        ),
        op(
            "create_index",
            S(14, 4, 14, 101),
            "alembic.op",
            a=(Arg("call", "o.f", (L("ix_old_a"),)), old),
            k=(("unique", L(True)), ("postgresql_concurrently", N("flag"))),
            created=fresh,
            site=FixSite(S(14, 4, 14, 101), S.point(14, 100), False, "    "),
        ),
        op("batch_alter_table", S(15, 9, 15, 47), "o", a=(old,), created=fresh),  # only the table is read
        op(
            "add_column",
            S(16, 8, 16, 107),
            "batch_op",
            "batch",
            a=(
                Arg(
                    "call",
                    "sa.Column",
                    (L("c"), Arg("call", "sa.String", (L(10),))),
                    (("nullable", L(False)), ("server_default", Arg("call", "sa.text", (L("now()"),)))),
                ),
            ),
            batch_table=old,
            created=fresh,
        ),
        op(
            "alter_column",
            S(17, 8, 17, 106),
            "batch_op",
            "batch",
            a=(L("d"),),
            k=(
                ("existing_type", Arg("call", "sa.Integer")),
                ("type_", Arg("call", "sa.BigInteger")),
                ("new_column_name", L("e")),
            ),
            batch_table=old,
            created=fresh,
        ),
        op(
            "execute",
            S(20, 8, 20, 66),
            "o",
            autocommit=True,
            sql="CREATE INDEX CONCURRENTLY ix ON old (a)",
            created=fresh,
            site=FixSite(S(20, 8, 20, 66), S.point(20, 65), False, "        "),  # its SQL may need a fix
        ),
        op(
            "execute",
            S(23, 8, 23, 61),
            "conn",
            "bind",
            sql="ALTER TABLE old MODIFY x int",
            created=fresh,
            guard=Guard(only=("mysql",)),
        ),
        op(
            "execute",
            S(25, 8, 25, 22),
            "o",
            sql="ALTER TABLE old DROP COLUMN z",
            created=fresh,
            guard=Guard(never=("mysql",)),
        ),
        op(
            "execute",
            S(30, 4, 30, 18),
            "o",
            sql="\n        CREATE TABLE made (id int);\n        DROP TABLE {name}\n    ",
            created=fresh,
        ),
        op(
            "execute",
            S(31, 4, 31, 67),
            "o.get_bind()",
            "bind",
            sql="ALTER TABLE old DROP COLUMN %s",
            created=("fresh", "made"),
        ),
        op(
            "drop_index",
            S(33, 8, 33, 50),
            "o",
            a=(L("ix"),),
            k=(("table_name", N("table")), ("**", N("kw"))),
            created=("fresh", "made"),
            site=FixSite(S(33, 8, 33, 50), S.point(33, 49), False, "        "),
        ),
        op("execute", S(34, 4, 34, 34), "o", created=("fresh", "made")),
    ]


def test_operation_accessors() -> None:
    found = operations(SOURCE)
    create_index, batch_add = found[2], found[4]
    assert create_index.argument("index_name") == Arg("call", "o.f", (L("ix_old_a"),))
    assert create_index.argument("index_name").text == "ix_old_a"  # type: ignore[union-attr]
    assert (create_index.table_name, create_index.on_new_table, create_index.call) == (
        "old",
        False,
        "alembic.op.create_index",
    )
    assert (create_index.flag("unique"), create_index.flag("postgresql_concurrently"), create_index.flag("x")) == (
        True,
        None,  # not a literal: unknown
        False,
    )
    assert (found[1].table_name, found[1].on_new_table) == ("fresh", True)
    assert (batch_add.table_name, batch_add.argument("column").value) == ("old", "sa.Column")  # type: ignore[union-attr]
    assert found[7].runs_on("mysql") and not found[7].runs_on("postgresql")
    assert found[8].runs_on("postgresql") and not found[8].runs_on("mysql")
    assert found[11].table_text == "{table}"  # a variable, not a table called "table"


def test_import_forms() -> None:
    source = (
        "import alembic.op as ops\n"
        "from alembic.op import drop_table as dt\n"
        "def upgrade():\n"
        "    ops.drop_table('a')\n"
        "    dt('b')\n"
        "    op.drop_table('c')\n"  # `op` is not bound here: not alembic's
        "    from alembic import op\n"
        "    op.drop_table('d')\n"
    )
    assert [(o.call, o.table_name) for o in operations(source)] == [
        ("ops.drop_table", "a"),
        ("op.drop_table", "b"),
        ("op.drop_table", "d"),
    ]


def test_op_is_assumed_when_nothing_imports_it() -> None:
    assert [o.call for o in operations("def upgrade():\n    op.drop_table('a')\n")] == ["op.drop_table"]


def test_tables_created_by_create_table_raw_sql_and_a_rename_of_a_new_table() -> None:
    source = (
        "from alembic import op\n"
        "def upgrade():\n"
        "    op.create_index('ix0', 'tmp', ['a'])\n"
        "    op.create_table('tmp')\n"
        "    op.rename_table('tmp', 'final')\n"
        "    op.execute('create table if not exists raw (id int)')\n"
        "    op.create_index('ix1', 'final', ['a'])\n"
    )
    assert [o.created for o in operations(source)] == [(), (), ("tmp",), ("tmp", "final"), ("tmp", "final", "raw")]


def test_tables_created_through_a_project_helper_or_named_by_an_attribute() -> None:
    source = (
        "from app.migration_utils import create_table\n"
        "def upgrade():\n"
        "    create_table('by_helper', sa.Column('id', sa.Integer))\n"
        "    op.create_table(Model.__tablename__)\n"
        "    op.create_index('ix0', 'by_helper', ['id'])\n"
        "    op.create_index('ix1', Model.__tablename__, ['id'])\n"
        "    op.create_index('ix2', Other.__tablename__, ['id'])\n"
    )
    found = operations(source)
    assert [(o.name, o.table_key, o.on_new_table) for o in found] == [
        ("create_table", "Model.__tablename__", False),
        ("create_index", "by_helper", True),
        ("create_index", "Model.__tablename__", True),
        ("create_index", "Other.__tablename__", False),
    ]


@pytest.mark.parametrize(
    ("test", "inside", "outside"),
    [
        ('bind.dialect.name == "postgresql"', Guard(only=("postgresql",)), Guard(never=("postgresql",))),
        ('op.get_bind().engine.name != "sqlite"', Guard(never=("sqlite",)), Guard(only=("sqlite",))),
        ('dialect in ("mysql", "mariadb")', Guard(only=("mariadb", "mysql")), Guard(never=("mariadb", "mysql"))),
        ('context.get_context().dialect.name == "postgres" and x', Guard(only=("postgresql",)), None),
        ("is_sqlite", Guard(only=("sqlite",)), Guard(never=("sqlite",))),
        ("isinstance(bind.dialect, MySQLDialect)", Guard(only=("mysql",)), Guard(never=("mysql",))),
        (
            "isinstance(conn.dialect, (postgresql.dialect, SQLiteDialect))",
            Guard(only=("postgresql", "sqlite")),
            Guard(never=("postgresql", "sqlite")),
        ),
        ("not is_sqlite", Guard(never=("sqlite",)), Guard(only=("sqlite",))),
        ("isinstance(bind.dialect, SomethingElse)", None, None),
        ('name == "mysql"', None, None),  # not about the dialect
        ("x or y", None, None),
    ],
)
def test_dialect_guards(test: str, inside: Guard | None, outside: Guard | None) -> None:
    source = f"def upgrade():\n    if {test}:\n        op.drop_table('a')\n    else:\n        op.drop_table('b')\n"
    assert [o.guard for o in operations(source)] == [inside, outside]


def test_fix_site_only_for_a_call_alone_on_its_lines() -> None:
    source = (
        "def upgrade():\n"
        "    op.create_index('a', 't', ['x'])  # a comment\n"
        "    x = op.create_index('b', 't', ['x'])\n"
        "    op.create_index('c', 't', ['x']); y()\n"
        "    op.create_index(\n"
        "        'd',\n"
        "        't',\n"
        "        ['x'],\n"
        "        postgresql_where=sa.text('''a\n"
        "        > 1'''),\n"
        "    )\n"
    )
    assert [o.site for o in operations(source)] == [
        FixSite(S(2, 4, 2, 36), S.point(2, 35), False, "    "),
        FixSite(None, S.point(3, 39), False),
        FixSite(None, S.point(4, 35), False),
        FixSite(S(5, 4, 11, 5), S.point(10, 15), True, "    "),
    ]


def test_downgrade_ops_and_nested_blocks() -> None:
    source = (
        "def downgrade():\n"
        "    try:\n"
        "        with op.batch_alter_table('t') as b, open('x'):\n"
        "            for c in cols:\n"
        "                b.drop_column(c)\n"
        "    except Exception:\n"
        "        pass\n"
    )
    assert operations(source, "downgrade") == (
        Operation("batch_alter_table", S(3, 13, 3, 38), "op", text="f('t')"),
        Operation("drop_column", S(5, 16, 5, 32), "b", "batch", text="b.drop_column(c)", batch_table=L("t")),
    )


def test_unknown_text_is_cut() -> None:
    long_name = "x" * 200
    source = f"def upgrade():\n    op.drop_table(f'{{{long_name}}}')\n"
    (found,) = operations(source)
    assert found.args[0] == Arg("unknown", f"f'{{{long_name}}}'"[:116] + " ...")


def test_operations_pickle() -> None:
    found = operations(SOURCE)
    assert pickle.loads(pickle.dumps(found)) == found
