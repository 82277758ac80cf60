"""ALM101-ALM104 follow the project's own script.py.mako (issue 9): what template.py reads of it,
and that a cached verdict sees a changed template (the rules declare it in `outside_inputs`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli, tree

from alembic_lint.template import Template, find_template, read_template

KEYSTONE = '''"""${message}

Revision ID: ${up_revision}
"""
## a Mako comment: def downgrade(): is not written by this template
revision = ${repr(up_revision)}


def upgrade():
    ${upgrades if upgrades else "pass"}
'''
AIRFLOW = KEYSTONE.replace("    ${upgrades", '    """Apply ${message}"""\n    ${upgrades') + (
    '\n\ndef downgrade():\n    """Unapply ${message}"""\n    ${downgrades if downgrades else "pass"}\n'
)


def test_a_template_without_downgrade(tmp_path: Path) -> None:
    path = tree(tmp_path, {"migrations/script.py.mako": KEYSTONE}) / "migrations" / "script.py.mako"
    assert read_template(tmp_path / "migrations") == Template(path, writes_downgrade=False)
    # A versions folder given on its own finds the template of its script directory.
    (tmp_path / "migrations" / "versions").mkdir()
    assert find_template(tmp_path / "migrations" / "versions") == path


def test_the_docstrings_a_template_writes_are_its_words(tmp_path: Path) -> None:
    tree(tmp_path, {"script.py.mako": AIRFLOW})
    template = read_template(tmp_path)
    assert (template.writes_downgrade, template.docstrings) == (True, ("Apply ${message}", "Unapply ${message}"))
    assert template.wrote_docstring("Unapply add index to task instance")
    assert template.wrote_docstring("Downgrade schema.")  # alembic's own template
    assert not template.wrote_docstring("Nothing to undo: the index is kept for the old release")


@pytest.mark.parametrize("content", [None, b"\xff\xfe not a template \x00", b"def upgrade(): pass\n" * 200_000])
def test_no_template_or_an_odd_one_means_alembic_defaults(tmp_path: Path, content: bytes | None) -> None:
    if content is not None:
        (tmp_path / "script.py.mako").write_bytes(content)
    template = read_template(tmp_path)
    assert template.writes_downgrade and template.docstrings == ()


def test_a_template_linked_out_of_the_repository_is_not_read(tmp_path: Path) -> None:
    """Its words could tell a checkout what a file outside says: alembic's defaults instead."""
    outside = tree(tmp_path / "elsewhere", {"script.py.mako": KEYSTONE}) / "script.py.mako"
    repo = tree(tmp_path / "repo", {"pyproject.toml": "", "db/env.py": ""})
    (repo / "db" / "script.py.mako").symlink_to(outside)
    assert read_template(repo / "db") == Template()
    inside = tree(repo, {"shared/script.py.mako": KEYSTONE}) / "shared" / "script.py.mako"
    (repo / "db" / "script.py.mako").unlink()
    (repo / "db" / "script.py.mako").symlink_to(inside)  # a link within the repository is read
    assert read_template(repo / "db").writes_downgrade is False


def test_the_cached_verdict_sees_a_changed_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file rules' findings are cached with what the rules read from elsewhere: editing
    script.py.mako (the project stops doing downgrades) changes them on the next, cached, run."""
    migration = '"""add email"""\nrevision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n    op.drop_table("t")\n'
    tree(tmp_path, {"db/env.py": "", "db/script.py.mako": AIRFLOW, "db/versions/a1_add_email.py": migration})
    monkeypatch.chdir(tmp_path)
    finding = (
        "db/versions/a1_add_email.py:2:1: ALM101 migration has no downgrade(): `alembic downgrade` through it "
        'fails; write one that reverses upgrade(), or `raise NotImplementedError("...")` if it cannot be undone\n'
    )
    summary = "Found 1 problem in 1 file: 1 warning (1 ALM101).\n"
    assert run_cli("--select", "ALM101", ".") == (1, finding, summary)
    assert run_cli("--select", "ALM101", ".") == (1, finding, summary)  # from the cache
    (tmp_path / "db" / "script.py.mako").write_text(KEYSTONE)
    assert run_cli("--select", "ALM101", ".") == (0, "", "All checks passed (1 file).\n")
    (tmp_path / "db" / "script.py.mako").unlink()
    assert run_cli("--select", "ALM101", ".") == (1, finding, summary)
