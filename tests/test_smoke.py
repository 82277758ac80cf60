from pathlib import Path

from alembic_lint.cli import main

EXAMPLES = Path(__file__).parent.parent / "examples" / "shop"


def test_example_project_reports_two_heads_and_a_dangling_down_revision(capsys, monkeypatch):
    monkeypatch.chdir(EXAMPLES.parent.parent)
    assert main(["examples/shop"]) == 1
    captured = capsys.readouterr()
    v = "examples/shop/migrations/versions"
    assert captured.out == (
        f"{v}/3c4d5e6f7a8b_add_email_to_users.py:15:17: ALM001 revision '3c4d5e6f7a8b' is a head alongside "
        "'4d5e6f7a8b9c': `alembic upgrade head` will fail; set down_revision to the latest head or run "
        "`alembic merge heads`\n"
        f"{v}/4d5e6f7a8b9c_add_status_to_orders.py:15:17: ALM001 revision '4d5e6f7a8b9c' is a head alongside "
        "'3c4d5e6f7a8b': `alembic upgrade head` will fail; set down_revision to the latest head or run "
        "`alembic merge heads`\n"
        f"{v}/5e6f7a8b9c0d_index_orders_by_user.py:16:50: ALM002 down_revision '9f8e7d6c5b4a' names no "
        "revision in this folder; point it at an existing revision (None for a base)\n"
    )
    assert captured.err == "Found 3 problems (2 ALM001, 1 ALM002) in 5 files.\n"


def test_parsing_does_not_leak_compile_warnings(recwarn):
    from alembic_lint.parse import parse_migration

    result = parse_migration(Path("w.py"), b'revision = "a\\ b"\ndown_revision = None\n')
    assert result.revision.strings == ("a\\ b",)
    assert [str(w.message) for w in recwarn] == []
