"""The SQL statement classifier (alembic_lint/sql.py): splitting and classifying, exact results."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alembic_lint.sql import Action, classify, created_tables, statements


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("a; b;; c", ["a", "b", "c"]),
        ("SELECT 'x;y'; SELECT 2", ["SELECT 'x;y'", "SELECT 2"]),
        ("SELECT 'it''s; here'; SELECT E'a\\';b'; x", ["SELECT 'it''s; here'", "SELECT E'a\\';b'", "x"]),
        ('SELECT "odd;name" FROM t; y', ['SELECT "odd;name" FROM t', "y"]),
        ("SELECT $$ a; b $$; SELECT $fn$ ; $x$ ; $fn$; z", ["SELECT $$ a; b $$", "SELECT $fn$ ; $x$ ; $fn$", "z"]),
        ("-- a; comment\nDROP TABLE t; -- trailing; one\n", ["DROP TABLE t"]),
        ("/* outer; /* inner; */ still; */ COMMIT", ["COMMIT"]),
        ("SELECT 'unterminated; ", ["SELECT 'unterminated; "]),
        ("   \n  ", []),
        ("SELECT a::text; SELECT :param; SELECT %s", ["SELECT a::text", "SELECT :param", "SELECT %s"]),
    ],
)
def test_statements_respect_quotes_comments_and_dollar_quoting(sql: str, expected: list[str]) -> None:
    assert statements(sql) == expected


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # COMMIT / END, any case, with or without ;
        ("COMMIT", [Action("commit")]),
        ("commit;", [Action("commit")]),
        ("  End Transaction ; ", [Action("commit")]),
        ("COMMIT WORK AND NO CHAIN", [Action("commit")]),
        ("COMMIT PREPARED 'tx1'", [Action("other")]),
        # indexes
        ("CREATE INDEX ix ON t (a)", [Action("create_index", table="t", name="ix")]),
        (
            "create unique index concurrently if not exists ix_a on only public.t using btree (a)",
            [Action("create_index", table="t", name="ix_a", concurrently=True, unique=True)],
        ),
        ("CREATE INDEX ON t (a)", [Action("create_index", table="t")]),
        (
            "DROP INDEX CONCURRENTLY IF EXISTS a, s.b",
            [Action("drop_index", name="a", concurrently=True), Action("drop_index", name="b", concurrently=True)],
        ),
        ("REINDEX (VERBOSE) INDEX CONCURRENTLY ix", [Action("reindex", name="ix", concurrently=True)]),
        # tables
        ("DROP TABLE IF EXISTS a, b CASCADE", [Action("drop_table", table="a"), Action("drop_table", table="b")]),
        ('CREATE UNLOGGED TABLE IF NOT EXISTS "Tmp" (id int)', [Action("create_table", table="Tmp")]),
        ("alter table t rename to u", [Action("rename_table", table="t", new_name="u")]),
        # columns: alembic renders a column rename without the word COLUMN
        ("ALTER TABLE t RENAME a TO b", [Action("rename_column", table="t", name="a", new_name="b")]),
        ('ALTER TABLE "T" RENAME COLUMN "a" TO b', [Action("rename_column", table="T", name="a", new_name="b")]),
        ("ALTER TABLE t RENAME CONSTRAINT a TO b", [Action("alter_table", table="t", name="a")]),
        (
            "ALTER TABLE IF EXISTS ONLY s.t DROP COLUMN IF EXISTS a, DROP b CASCADE, DROP CONSTRAINT c",
            [
                Action("drop_column", table="t", name="a"),
                Action("drop_column", table="t", name="b"),
                Action("drop_constraint", table="t", name="c"),
            ],
        ),
        (
            "ALTER TABLE t ALTER COLUMN a TYPE text USING a::text, ALTER b SET DATA TYPE bigint,\n"
            "  ALTER COLUMN c SET NOT NULL, ALTER c DROP NOT NULL, ALTER COLUMN d SET DEFAULT now()",
            [
                Action("column_type", table="t", name="a"),
                Action("column_type", table="t", name="b"),
                Action("set_not_null", table="t", name="c"),
                Action("alter_column", table="t", name="c"),
                Action("alter_column", table="t", name="d"),
            ],
        ),
        (
            "ALTER TABLE t ADD COLUMN a int NOT NULL, ADD b uuid DEFAULT gen_random_uuid() NOT NULL, "
            "ADD COLUMN IF NOT EXISTS c timestamptz DEFAULT now(), ADD d text, ADD id bigserial PRIMARY KEY",
            [
                Action("add_column", table="t", name="a", not_null=True),
                Action(
                    "add_column",
                    table="t",
                    name="b",
                    not_null=True,
                    default="gen_random_uuid()",
                    functions=("gen_random_uuid",),
                ),
                Action("add_column", table="t", name="c", default="now()", functions=("now",)),
                Action("add_column", table="t", name="d"),
                Action("add_column", table="t", name="id", not_null=True, functions=("nextval",)),
            ],
        ),
        # constraints
        (
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id)",
            [Action("add_constraint", table="t", name="fk", constraint="foreign_key")],
        ),
        (
            "alter table t add constraint ck check (a > 0) not valid",
            [Action("add_constraint", table="t", name="ck", constraint="check", not_valid=True)],
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT uq UNIQUE USING INDEX ix, ADD PRIMARY KEY (id)",
            [
                Action("add_constraint", table="t", name="uq", constraint="unique", using_index=True),
                Action("add_constraint", table="t", constraint="primary_key"),
            ],
        ),
        ("ALTER TABLE t VALIDATE CONSTRAINT fk", [Action("validate_constraint", table="t", name="fk")]),
        ("ALTER TABLE t OWNER TO admin", [Action("alter_table", table="t")]),
        # enums, lock_timeout
        (
            "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'it''s' BEFORE 'sad'",
            [Action("add_enum_value", table="mood", name="it's")],
        ),
        ("ALTER TYPE mood RENAME VALUE 'a' TO 'b'", [Action("other", table="mood")]),
        ("SET lock_timeout = '5s'", [Action("set_lock_timeout")]),
        ("set local LOCK_TIMEOUT to 1000", [Action("set_lock_timeout")]),
        ("SELECT set_config('lock_timeout', '2s', true)", [Action("set_lock_timeout")]),
        ("SET statement_timeout = 0", [Action("other")]),
        ("SELECT 1", [Action("other")]),
        # placeholders (`%s`, `:name`, an f-string's `{...}`) stand for names
        ("ALTER TABLE {table} DROP COLUMN %s", [Action("drop_column", table="{table}", name="%s")]),
    ],
)
def test_classify(sql: str, expected: list[Action]) -> None:
    assert list(classify(sql)) == expected


def test_several_statements_multi_line_and_comments() -> None:
    sql = """
        -- first the index
        create index concurrently ix_users_email
            on users (email);
        /* then the enum */
        ALTER   TYPE   mood
            ADD VALUE 'soso';
        COMMIT
    """
    assert classify(sql) == (
        Action("create_index", table="users", name="ix_users_email", concurrently=True),
        Action("add_enum_value", table="mood", name="soso"),
        Action("commit"),
    )


def test_created_tables() -> None:
    assert created_tables('CREATE TABLE a (id int); create temp table if not exists s."B" (x int)') == ("a", "B")
    assert created_tables("ALTER TABLE a ADD b int") == ()
    assert created_tables("SELECT 1") == ()


SQL_WORDS = st.sampled_from(
    "ALTER TABLE t ADD DROP COLUMN CONSTRAINT INDEX CONCURRENTLY RENAME TO TYPE VALUE NOT NULL VALID DEFAULT "
    "CREATE ON USING SET lock_timeout COMMIT ( ) , ; ' \" $$ -- /* */ = e' \\ {x} %s :p . \n".split(" ")
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(SQL_WORDS, max_size=30).map(" ".join)))
def test_never_raises_and_statements_cover_the_text(sql: str) -> None:
    actions = classify(sql)
    assert all(isinstance(action, Action) for action in actions)
    for statement in statements(sql):
        assert statement and statement in sql
