from pathlib import Path

from alembic_lint.cli import main

EXAMPLES = Path(__file__).parent.parent.parent / "examples" / "shop"


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
    assert captured.err == "Found 3 problems in 5 files: 3 errors (2 ALM001, 1 ALM002).\n"


def test_parsing_does_not_leak_compile_warnings(recwarn):
    from alembic_lint.parse import parse_migration

    result = parse_migration(Path("w.py"), b'revision = "a\\ b"\ndown_revision = None\n')
    assert result.revision.strings == ("a\\ b",)
    assert [str(w.message) for w in recwarn] == []


def test_docs_rules_md_is_the_rule_command_output():
    """The documentation links (LSP codeDescription, SARIF) point into docs/rules.md.
    Regenerate it with `alembic-lint rule --all > docs/rules.md`."""
    from io import StringIO

    from alembic_lint.rules import RULES

    out = StringIO()
    assert main(["rule", "--all"], out) == 0
    docs = (Path(__file__).parent.parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert docs == out.getvalue()
    for rule in RULES:
        anchor = rule.url().rsplit("#", 1)[1]
        assert f"\n# {rule.code} {rule.name}\n".lower().replace(" ", "-").strip("\n") == f"#-{anchor}"


def test_file_rule_findings_are_reused_only_for_the_same_parse_result(tmp_path):
    """The language server re-parses only the edited file; check() must not re-run the file
    rules on the others, and must re-run them on the edited one."""
    from alembic_lint.lint import FileRuleMemo, check
    from alembic_lint.parse import parse_migration
    from alembic_lint.settings import Settings

    empty = b"revision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
    parsed = [parse_migration(tmp_path / "a1.py", empty)]
    memo = FileRuleMemo()
    _, first = check(parsed, Settings(), memo=memo)
    assert [(d.code, d.span.line) for d in first] == [("ALM104", 5), ("ALM102", 9)]
    _, again = check(parsed, Settings(), memo=memo)
    assert again == first and memo.results[id(parsed[0])][0] is parsed[0]
    fixed = empty.replace(b"    pass\n", b"    op.drop_table('t')\n")
    parsed = [parse_migration(tmp_path / "a1.py", fixed)]
    _, after_edit = check(parsed, Settings(), memo=memo)
    assert after_edit == []
    _, other_settings = check(parsed, Settings(ignore=("ALM1",)), memo=memo)
    assert other_settings == [] and list(memo.results) == [id(parsed[0])]
