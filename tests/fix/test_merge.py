"""ALM001 with `heads-strategy = "merge"`: the file is the one `alembic merge heads -m "merge heads"`
writes (alembic itself is the oracle), and alembic's ScriptDirectory then sees one head."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from helpers import run_cli

alembic = pytest.importorskip("alembic")
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402

NOW = datetime.datetime(2026, 5, 4, 3, 2, 1, 123456)
REV = "f00dfeedbeef"


def migration(revision: str, down: str | None) -> str:
    return (
        f'"""{revision}\n\nRevision ID: {revision}\nRevises: {down or ""}\nCreate Date: 2025-01-01 10:00:00\n\n"""\n'
        f"from alembic import op\n\nrevision = {revision!r}\ndown_revision = {down!r}\n"
        "branch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade():\n    op.execute('SELECT 1')\n\n\ndef downgrade():\n    op.execute('SELECT 1')\n"
    )


def project(root: Path, template: str) -> Config:
    """`alembic init` with a dated file_template switched on, and two heads (b2, c3) on a1."""
    root.mkdir()
    config = Config(str(root / "alembic.ini"), toml_file=str(root / "pyproject.toml"))
    if template == "pyproject":
        (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    command.init(config, str(root / "migrations"), template=template)
    settings = root / ("pyproject.toml" if template == "pyproject" else "alembic.ini")
    text = settings.read_text()
    settings.write_text(text.replace("# file_template = ", "file_template = ", 1))
    versions = root / "migrations" / "versions"
    for name, revision, down in (("a1_base.py", "a1", None), ("b2_x.py", "b2", "a1"), ("c3_y.py", "c3", "a1")):
        (versions / name).write_text(migration(revision, down))
    return Config(str(root / "alembic.ini"), toml_file=str(root / "pyproject.toml"))


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ScriptDirectory, "_generate_create_date", lambda self: NOW)
    monkeypatch.setattr("alembic.util.rev_id", lambda: REV)


@pytest.mark.parametrize("template", ["generic", "pyproject"])
def test_the_merge_revision_is_what_alembic_merge_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed_clock: None, template: str
) -> None:
    ours = tmp_path / "ours"
    project(ours, template)
    theirs = project(tmp_path / "theirs", template)
    command.merge(theirs, "heads", message="merge heads", rev_id=REV)
    expected = {p.name: p.read_bytes() for p in (tmp_path / "theirs" / "migrations" / "versions").glob("*.py")}
    name = "2026_05_04_0302-f00dfeedbeef_merge_heads.py"
    assert name in expected

    monkeypatch.chdir(ours)
    code, out, err = run_cli("check", ".", "--fix", "--heads-strategy", "merge")
    assert (code, out) == (0, "")
    assert err == (
        f"migrations/versions/{name}: ALM001: {name}: merge revision {REV} revises b2, c3, "
        "rendered from script.py.mako\nFound 2 errors (2 fixed, 0 remaining).\n"
    )
    versions = ours / "migrations" / "versions"
    assert {p.name: p.read_bytes() for p in versions.glob("*.py")} == expected
    assert ScriptDirectory.from_config(
        Config(str(ours / "alembic.ini"), toml_file=str(ours / "pyproject.toml"))
    ).get_heads() == [REV]
    assert run_cli("check", ".", "--fix", "--heads-strategy", "merge") == (0, "", "All checks passed (4 files).\n")


def test_the_strategy_can_be_configured_and_diff_shows_the_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed_clock: None
) -> None:
    root = tmp_path / "p"
    project(root, "generic")
    (root / "pyproject.toml").write_text('[tool.alembic-lint.rules.ALM001]\nheads-strategy = "merge"\n')
    monkeypatch.chdir(root)
    code, out, err = run_cli("check", ".", "--diff")
    name = "2026_05_04_0302-f00dfeedbeef_merge_heads.py"
    assert code == 1
    assert out.startswith(
        f'--- /dev/null\n+++ migrations/versions/{name}\n@@ -0,0 +1,28 @@\n+"""merge heads\n+\n'
        f"+Revision ID: {REV}\n+Revises: b2, c3\n+Create Date: 2026-05-04 03:02:01.123456\n"
    )
    assert "+down_revision: Union[str, Sequence[str], None] = ('b2', 'c3')\n" in out
    assert err.endswith("Would fix 2 errors.\n")
    assert not (root / "migrations" / "versions" / name).exists()


def test_a_file_created_meanwhile_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed_clock: None
) -> None:
    from alembic_lint.fix import engine
    from alembic_lint.plan import plan
    from alembic_lint.settings import Settings

    root = tmp_path / "p"
    project(root, "generic")
    settings = Settings(rule_options=(("ALM001", (("heads-strategy", "merge"),)),))
    run = engine.run(plan([root], settings).folders, settings)
    (created,) = run.workspace.created()
    created.write_text("# written by someone else\n")  # between the fixing and the writing
    assert run.workspace.write() == [f"{created}: already exists; not overwritten"]
    assert created.read_text() == "# written by someone else\n"
    assert not [p for p in created.parent.iterdir() if p.name.endswith(".tmp")]
