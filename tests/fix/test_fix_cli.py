"""`check --fix`, `--unsafe-fixes`, `--diff`, `--show-fixes`, `--add-noqa` end to end: whole transcripts,
files compared byte for byte before and after, re-linted, fixed twice."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from helpers import run_cli

from alembic_lint.diagnostics import Edit, Fix, Span
from alembic_lint.fix.engine import _Round
from alembic_lint.fix.workspace import Workspace


def migration(revision: str, down: str | None, revises: str = "", nl: str = "\n", quote: str = "'") -> str:
    down_text = f"{quote}{down}{quote}" if down else "None"
    lines = [
        '"""add things  # a comment-looking line',
        "",
        f"Revision ID: {revision}",
        f"Revises: {revises}",
        "Create Date: 2025-01-01 10:00:00",
        "",
        '"""',
        "from alembic import op  # keep me",
        "",
        f"revision = {quote}{revision}{quote}",
        f"down_revision = {down_text}",
        "branch_labels = None",
        "depends_on = None",
        "",
        "",
        "def upgrade():",
        "    op.execute('SELECT 1')",
        "",
        "",
        "def downgrade():",
        "    op.execute('SELECT 1')",
        "",
    ]
    return nl.join(lines)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """a1 <- b2 (stale `Revises:`, ALM105, safe fix) <- c3 (down_revision 'b2x', ALM002, unsafe fix)."""
    monkeypatch.chdir(tmp_path)
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a1.py").write_text(migration("a1", None))
    (versions / "b2.py").write_text(migration("b2", "a1", revises="zz"))
    (versions / "c3.py").write_text(migration("c3", "b2x", revises="b2x"))
    return versions


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


ALM002 = "versions/c3.py:11:17: ALM002 down_revision 'b2x' names no revision in this folder; did you mean 'b2'?\n"
ALM105 = (
    "versions/b2.py:4:10: ALM105 docstring says `Revises: zz` but down_revision is a1; update the docstring "
    "(alembic reads only the variable)\n"
)


def test_fix_applies_the_safe_fixes_and_reports_what_remains(folder: Path) -> None:
    assert run_cli("check", "versions", "--extend-select", "ALM105", "--fix") == (
        1,
        ALM002,
        "Found 2 errors (1 fixed, 1 remaining).\n1 unsafe fix available with `--fix --unsafe-fixes`.\n",
    )
    assert (folder / "b2.py").read_text() == migration("b2", "a1", revises="a1")
    assert (folder / "c3.py").read_text() == migration("c3", "b2x", revises="b2x")


def test_unsafe_fixes_too_in_rounds_then_nothing_is_left_and_a_second_run_changes_nothing(folder: Path) -> None:
    # Round 1 fixes b2's header and c3's down_revision; round 2 the header that fix made stale.
    assert run_cli("check", "versions", "--extend-select", "ALM105", "--fix", "--unsafe-fixes", "--show-fixes") == (
        0,
        "",
        "Fixed 3 errors:\n- versions/b2.py:\n    1 × ALM105 (header-mismatch)\n- versions/c3.py:\n"  # noqa: RUF001
        "    1 × ALM002 (missing-down-revision)\n    1 × ALM105 (header-mismatch)\n\n"  # noqa: RUF001
        "Found 3 errors (3 fixed, 0 remaining).\n",
    )
    assert (folder / "c3.py").read_text() == migration("c3", "b2", revises="b2")
    before = snapshot(folder)
    assert run_cli("check", "versions", "--extend-select", "ALM105", "--fix", "--unsafe-fixes") == (
        0,
        "",
        "All checks passed (3 files).\n",
    )
    assert snapshot(folder) == before


def test_diff_prints_what_fix_would_do_and_writes_nothing(folder: Path) -> None:
    before = snapshot(folder)
    assert run_cli("check", "versions", "--extend-select", "ALM105", "--diff") == (
        1,
        "--- versions/b2.py\n+++ versions/b2.py\n@@ -1,7 +1,7 @@\n"
        ' """add things  # a comment-looking line\n \n Revision ID: b2\n-Revises: zz\n+Revises: a1\n'
        ' Create Date: 2025-01-01 10:00:00\n \n """\n\n',
        "Would fix 1 error (1 additional fix available with `--unsafe-fixes`).\n",
    )
    assert snapshot(folder) == before
    code, out, err = run_cli("check", "versions", "--diff", "--unsafe-fixes")
    assert (code, err) == (1, "Would fix 1 error.\n")
    assert "-down_revision = 'b2x'\n+down_revision = 'b2'\n" in out
    assert snapshot(folder) == before
    assert run_cli("check", "versions/a1.py", "--diff") == (0, "", "")


def test_show_fixes_lists_every_fix_with_its_applicability(folder: Path) -> None:
    assert run_cli("check", "versions", "--extend-select", "ALM105", "--show-fixes") == (
        1,
        ALM105 + ALM002,
        "Fixes available (`--fix` applies the safe ones, with `--unsafe-fixes` also the unsafe ones):\n"
        "versions/b2.py:4:10: ALM105 [safe] Set `Revises:` to a1\n"
        "versions/c3.py:11:17: ALM002 [unsafe] Replace 'b2x' with 'b2'\n\n"
        "Found 2 problems in 3 files: 1 error (1 ALM002), 1 warning (1 ALM105).\n"
        "[*] 1 fixable with `--fix` (1 unsafe fix available with `--fix --unsafe-fixes`).\n",
    )


@pytest.mark.parametrize(
    ("newline", "bom", "indent", "quote"),
    [("\r\n", False, "    ", "'"), ("\n", True, "\t", '"'), ("\r", False, "  ", "'")],
    ids=["crlf", "bom-tabs", "cr"],
)
def test_bytes_outside_the_edit_survive(folder: Path, newline: str, bom: bool, indent: str, quote: str) -> None:
    text = migration("c3", "b2x", revises="b2x", nl=newline, quote=quote).replace("    op.", indent + "op.")
    text = text.replace("Create Date", "Créé le")  # non-ASCII before the edit, on other lines
    original = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    (folder / "c3.py").write_bytes(original)
    assert run_cli("check", "versions", "--fix", "--unsafe-fixes")[0] == 0
    assert (folder / "c3.py").read_bytes() == original.replace(
        f"down_revision = {quote}b2x{quote}".encode(), f"down_revision = {quote}b2{quote}".encode()
    )


def test_a_file_that_does_not_parse_is_never_touched(folder: Path) -> None:
    broken = b"revision = 'd4'\ndown_revision = 'c3'\ndef upgrade(:\n"
    (folder / "d4.py").write_bytes(broken)
    code, out, _ = run_cli("check", "versions", "--extend-select", "ALM105", "--fix", "--unsafe-fixes")
    assert code == 1
    assert out == "versions/d4.py:3:13: ALM000 syntax error: invalid syntax\n"
    assert (folder / "d4.py").read_bytes() == broken
    assert (folder / "b2.py").read_text() == migration("b2", "a1", revises="a1")  # the rest is still fixed
    assert run_cli("check", "versions", "--add-noqa") == (0, "", "Added 0 noqa directives.\n")
    assert (folder / "d4.py").read_bytes() == broken


def test_a_fix_that_would_leave_a_syntax_error_is_refused(folder: Path) -> None:
    workspace = Workspace()
    path = folder / "a1.py"
    before = path.read_text()
    step = _Round(workspace)
    bad = Fix("break it", (Edit(Span(11, 0, 11, 13), "down_revision = (", path),), "safe")
    assert step.take(bad) == f"{path}: the fix would leave syntax error: invalid syntax (line 11); not applied"
    assert not step.commit()
    assert workspace.text(path) == before


def test_add_noqa_silences_every_finding_and_merges_with_an_existing_directive(folder: Path) -> None:
    c3 = folder / "c3.py"
    c3.write_text(c3.read_text().replace("down_revision = 'b2x'", "down_revision = 'b2x'  # noqa: E501"))
    assert run_cli("check", "versions", "--extend-select", "ALM105", "--add-noqa") == (
        0,
        "",
        "Added 2 noqa directives.\n",
    )
    # ALM105 is reported inside the docstring: its comment goes where the string ends.
    assert (folder / "b2.py").read_text() == migration("b2", "a1", revises="zz").replace(
        '"""\nfrom alembic', '"""  # noqa: ALM105\nfrom alembic'
    )
    assert "down_revision = 'b2x'  # noqa: E501, ALM002\n" in c3.read_text()
    assert run_cli("check", "versions", "--extend-select", "ALM105,ALM900") == (0, "", "All checks passed (3 files).\n")
    assert run_cli("check", "versions", "--extend-select", "ALM105", "--add-noqa") == (
        0,
        "",
        "Added 0 noqa directives.\n",
    )


def test_add_noqa_and_fix_do_not_mix(folder: Path) -> None:
    assert run_cli("check", "versions", "--add-noqa", "--fix") == (
        2,
        "",
        "alembic-lint: error: --add-noqa cannot be used with --fix or --diff\n",
    )


def test_diagnostics_with_recipes_come_back_from_the_cache(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from alembic_lint import lint

    body, _ = migration("c3", "a1", revises="a1").rsplit("    op.execute('SELECT 1')\n", 1)
    body = body.replace("    op.execute('SELECT 1')\n", "    op.drop_table('t')\n")  # upgrade() changes the schema
    (folder / "c3.py").write_text(body + "    pass\n")  # a second head, downgrade() empty: ALM102 with a recipe
    first = run_cli("check", "versions")
    assert first[0] == 1 and "ALM001" in first[1] and "ALM102" in first[1]  # both carry recipes

    def no_second_lint(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached verdict was not used")

    monkeypatch.setattr(lint, "check", no_second_lint)
    assert run_cli("check", "versions") == first


def test_a_recovered_file_is_never_touched_either(folder: Path) -> None:
    """A file with a syntax error after its revision variables is in the graph, but no fix
    and no `--add-noqa` writes to it (parse.failure_of)."""
    broken = b"revision = 'd4'\ndown_revision = 'b2'\n\n\ndef upgrade(:\n"  # a second head beside c3
    (folder / "d4.py").write_bytes(broken)
    run_cli("check", "versions", "--fix", "--unsafe-fixes")
    run_cli("check", "versions", "--add-noqa")
    assert (folder / "d4.py").read_bytes() == broken
