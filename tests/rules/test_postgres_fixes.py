"""The mechanical fixes of the operation-safety rules: the exact text they produce, which must compile."""

from __future__ import annotations

from pathlib import Path

import pytest

from alembic_lint.diagnostics import Edit, Fix
from alembic_lint.lint import check
from alembic_lint.parse import parse_migration
from alembic_lint.settings import Settings
from alembic_lint.source import split_lines

HEAD = 'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "a1"\ndown_revision = None\n\n\n'


def apply(text: str, edits: tuple[Edit, ...]) -> str:
    """The text with the edits applied (what the fix engine does for one file)."""
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, col: int) -> int:
        return starts[line - 1] + col

    for edit in sorted(edits, key=lambda e: e.span, reverse=True):
        start, end = offset(edit.span.line, edit.span.col), offset(edit.span.end_line, edit.span.end_col)
        text = text[:start] + edit.text + text[end:]
    return text


def fixes(body: str, code: str) -> list[Fix | None]:
    source = HEAD + body
    migration = parse_migration(Path("/p/versions/a1.py"), source)
    _, diagnostics = check([migration], Settings(select=(code,)), root=Path("/p/versions"))
    assert diagnostics, "nothing reported"
    return [d.fix for d in diagnostics]


def fixed(body: str, code: str) -> tuple[str, str]:
    (fix,) = fixes(body, code)
    assert fix is not None and fix.applicability == "unsafe"
    result = apply(HEAD + body, fix.edits)
    compile(result, "a1.py", "exec")
    return fix.title, result[len(HEAD) :]


def test_index_built_concurrently_in_autocommit_block() -> None:
    body = 'def upgrade():\n    op.create_index("ix_users_email", "users", ["email"])  # why\n'
    assert fixed(body, "ALM301") == (
        "Build the index concurrently, in autocommit_block()",
        "def upgrade():\n"
        "    with op.get_context().autocommit_block():\n"
        '        op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)  # why\n',
    )


def test_multi_line_call_is_re_indented_and_keeps_its_trailing_comma() -> None:
    body = (
        "def upgrade():\n"
        "    if True:\n"
        "        op.create_index(\n"
        '            "ix_orders_ref",\n'
        '            "orders",\n'
        '            ["ref"],\n'
        "        )\n"
    )
    assert fixed(body, "ALM301")[1] == (
        "def upgrade():\n"
        "    if True:\n"
        "        with op.get_context().autocommit_block():\n"
        "            op.create_index(\n"
        '                "ix_orders_ref",\n'
        '                "orders",\n'
        '                ["ref"], postgresql_concurrently=True,\n'
        "            )\n"
    )


def test_a_string_spanning_lines_is_not_re_indented() -> None:
    body = (
        "def upgrade():\n"
        "    op.create_index(\n"
        '        "ix_a", "t", ["a"], postgresql_where=sa.text("""a\n'
        '    > 1"""))\n'
    )
    assert fixed(body, "ALM301")[1] == (
        "def upgrade():\n"
        "    with op.get_context().autocommit_block():\n"
        "        op.create_index(\n"
        '        "ix_a", "t", ["a"], postgresql_where=sa.text("""a\n'
        '    > 1"""), postgresql_concurrently=True)\n'
    )


def test_inside_autocommit_block_only_the_keyword_is_added() -> None:
    body = (
        'def upgrade():\n    with op.get_context().autocommit_block():\n        op.create_index("ix_a", "t", ["a"])\n'
    )
    assert fixed(body, "ALM301")[1] == (
        "def upgrade():\n"
        "    with op.get_context().autocommit_block():\n"
        '        op.create_index("ix_a", "t", ["a"], postgresql_concurrently=True)\n'
    )


def test_drop_index_and_an_alias_of_op() -> None:
    body = (
        "from alembic import op as migration_op\n\n\n"
        'def upgrade():\n\tmigration_op.drop_index("ix_a", table_name="t")\n'  # tab-indented
    )
    title, result = fixed(body, "ALM303")
    assert (title, result) == (
        "Drop the index concurrently, in autocommit_block()",
        "from alembic import op as migration_op\n\n\n"
        "def upgrade():\n"
        "\twith migration_op.get_context().autocommit_block():\n"
        '\t\tmigration_op.drop_index("ix_a", table_name="t", postgresql_concurrently=True)\n',
    )


def test_concurrent_index_and_enum_value_wrapped() -> None:
    body = 'def upgrade():\n    op.create_index("ix_a", "t", ["a"], postgresql_concurrently=True)\n'
    assert fixed(body, "ALM302") == (
        "Run it inside autocommit_block()",
        "def upgrade():\n"
        "    with op.get_context().autocommit_block():\n"
        '        op.create_index("ix_a", "t", ["a"], postgresql_concurrently=True)\n',
    )
    body = "def upgrade():\n    op.execute(\n        \"ALTER TYPE mood ADD VALUE 'soso'\"\n    )\n"
    assert fixed(body, "ALM314") == (
        "Run it inside autocommit_block()",
        "def upgrade():\n"
        "    with op.get_context().autocommit_block():\n"
        "        op.execute(\n"
        "            \"ALTER TYPE mood ADD VALUE 'soso'\"\n"
        "        )\n",
    )


def test_constraint_added_not_valid_then_validated() -> None:
    body = 'def upgrade():\n    op.create_foreign_key("fk_orders_user", "orders", "users", ["user_id"], ["id"])\n'
    assert fixed(body, "ALM310") == (
        "Add it NOT VALID, then VALIDATE CONSTRAINT fk_orders_user in autocommit_block()",
        "def upgrade():\n"
        '    op.create_foreign_key("fk_orders_user", "orders", "users", ["user_id"], ["id"], '
        "postgresql_not_valid=True)\n"
        "    with op.get_context().autocommit_block():\n"
        "        op.execute('ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user')\n",
    )
    body = (
        "def upgrade():\n"
        '    op.create_check_constraint("CK_Total", "Orders", "total >= 0", schema="shop")  # note\n'
        "    op.drop_column('x', 'y')\n"
    )
    assert fixed(body, "ALM310")[1] == (
        "def upgrade():\n"
        '    op.create_check_constraint("CK_Total", "Orders", "total >= 0", schema="shop", '
        "postgresql_not_valid=True)\n"
        "    with op.get_context().autocommit_block():\n"
        """        op.execute('ALTER TABLE shop."Orders" VALIDATE CONSTRAINT "CK_Total"')  # note\n"""
        "    op.drop_column('x', 'y')\n"
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('    with op.batch_alter_table("t") as b:\n        b.create_index("ix", ["a"])\n', "ALM301"),
        ('    x = op.create_index("ix", "t", ["a"])\n', "ALM301"),
        ('    op.create_index("ix", "t", ["a"]); y = 1\n', "ALM301"),
        ('    op.drop_index("ix", table_name="t", postgresql_concurrently=False)\n', "ALM303"),
        ('    op.create_foreign_key(None, "orders", "users", ["user_id"], ["id"])\n', "ALM310"),
        ("    conn = op.get_bind()\n    conn.execute(\"ALTER TYPE mood ADD VALUE 'x'\")\n", "ALM314"),
    ],
    ids=["batch", "assigned", "semicolon", "explicit-false", "unnamed-constraint", "bind-execute"],
)
def test_no_fix_where_it_would_not_be_mechanical(body: str, code: str) -> None:
    assert fixes("def upgrade():\n" + body, code) == [None]
