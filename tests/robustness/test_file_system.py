"""The file system trying to break discovery and reading: link loops, a linked versions folder,
no permission, files deleted while being linted, folders without migrations, file names
that are not UTF-8. The answer is always findings or one clear error, never a traceback.

CI runs as root, which reads whatever the mode says: the permission cases are also run with
the read (or the listing) made to raise PermissionError, the same code path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from helpers import migration_source, tree

from alembic_lint.cli import main
from alembic_lint.lint import lint_plan
from alembic_lint.plan import plan
from alembic_lint.report import FORMAT_NAMES
from alembic_lint.settings import Settings

ROOT = Path(__file__).parent.parent.parent
AS_ROOT = os.name == "posix" and os.geteuid() == 0
HEADS = "`alembic upgrade head` will fail; set down_revision to the latest head or run `alembic merge heads`"


def run(*argv: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    code = main(["--no-cache", *argv], out, err)
    return out.getvalue(), err.getvalue(), code


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """migrations/ (env.py, versions/a1.py <- b2.py, versions/2024/c3.py revising b2); the current folder."""
    tree(
        tmp_path,
        {
            "migrations/env.py": "",
            "migrations/versions/a1.py": migration_source("a1"),
            "migrations/versions/b2.py": migration_source("b2", "a1"),
            "migrations/versions/2024/c3.py": migration_source("c3", "b2"),
        },
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


CLEAN = ("", "All checks passed (3 files).\n", 0)


# -- links ---------------------------------------------------------------------------------------
def test_link_loops_are_not_followed(project: Path) -> None:
    (project / "app").mkdir()
    (project / "app" / "loop").symlink_to(project, target_is_directory=True)  # the tree walk's loop
    (project / "migrations/versions/2024/again").symlink_to(project / "migrations/versions")  # the listing's
    assert run() == CLEAN
    (project / "migrations/versions/d4.py").symlink_to("d4.py")  # a file linked to itself
    assert run() == (
        "migrations/versions/d4.py:1:1: ALM011 cannot read file: Too many levels of symbolic links\n",
        "Found 1 problem in 4 files: 1 error (1 ALM011).\n",
        1,
    )


def test_a_linked_versions_folder_is_read_through_the_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within one repository (its top holds .git); a link out of it is not read (tests/discover/test_boundary.py)."""
    tree(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "shared/versions/a1.py": migration_source("a1"),
            "shared/versions/b2.py": migration_source("b2", "a1"),
            "shared/versions/c3.py": migration_source("c3", "a1"),
            "service/migrations/env.py": "",
        },
    )
    (tmp_path / "service/migrations/versions").symlink_to(tmp_path / "shared/versions", target_is_directory=True)
    monkeypatch.chdir(tmp_path / "service")
    assert run() == (
        f"migrations/versions/b2.py:11:12: ALM001 revision 'b2' is a head alongside 'c3': {HEADS}\n"
        f"migrations/versions/c3.py:11:12: ALM001 revision 'c3' is a head alongside 'b2': {HEADS}\n",
        "Found 2 problems in 3 files: 2 errors (2 ALM001).\n",
        1,
    )


# -- permission denied ------------------------------------------------------------------------------
# c3 names b2, which cannot be read: that file may well be b2, so the finding is held back.
DENIED_FILE = (
    "migrations/versions/2024/c3.py:12:17: ALM002 down_revision 'b2' names no revision in this folder; point it at "
    "an existing revision (None for a base) (held back: b2.py could not be read, its revision is unknown)\n"
    "migrations/versions/b2.py:1:1: ALM011 cannot read file: Permission denied\n",
    "Found 2 problems in 3 files: 2 errors (1 ALM002, 1 ALM011).\n",
    1,
)


@pytest.mark.skipif(os.name != "posix" or AS_ROOT, reason="root reads files whatever their mode")
def test_a_file_without_read_permission(project: Path) -> None:
    (project / "migrations/versions/b2.py").chmod(0)
    try:
        assert run() == DENIED_FILE
    finally:
        (project / "migrations/versions/b2.py").chmod(0o644)


def refuse_to_open(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make opening any file called `name` fail as a file without permission does."""
    real_open = os.open

    def refusing(path: object, *args: object, **kwargs: object) -> int:
        if os.fsdecode(path).endswith(name):  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", os.fsdecode(path))  # type: ignore[call-overload]
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing)


def test_a_file_whose_read_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_to_open(monkeypatch, "b2.py")
    assert run() == DENIED_FILE


DENIED_FOLDER = (
    "migrations/versions/2024:1:1: ALM011 cannot list folder: Permission denied\n",
    "Found 1 problem in 2 files: 1 error (1 ALM011).\n",
    1,
)


@pytest.mark.skipif(os.name != "posix" or AS_ROOT, reason="root lists folders whatever their mode")
def test_a_folder_of_migrations_without_permission(project: Path) -> None:
    (project / "migrations/versions/2024").chmod(0)
    try:
        assert run() == DENIED_FOLDER
    finally:
        (project / "migrations/versions/2024").chmod(0o755)


def test_a_folder_of_migrations_whose_listing_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The release folder holds migrations (c3 revises b2): it cannot be listed, so it is reported,
    not silently left out of the graph."""
    plan_first = plan([Path(".")], Settings())  # discovery sees c3 and puts 2024/ in the graph
    real_scandir = os.scandir

    def refusing_scandir(path: object = ".") -> object:
        if str(path).endswith("2024"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    (graph,) = plan_first.folders
    assert graph.recursive and len(graph.files) == 3
    assert run() == DENIED_FOLDER


# -- files that go away -------------------------------------------------------------------------------
def test_a_file_deleted_while_being_linted(project: Path) -> None:
    planned = plan([Path(".")], Settings())
    (project / "migrations/versions/a1.py").unlink()  # after discovery listed it, before it is read
    result = lint_plan(planned, Settings())
    assert [(d.path.name, d.code, d.message) for d in result.diagnostics] == [
        ("a1.py", "ALM011", "cannot read file: No such file or directory"),
        (
            "b2.py",
            "ALM002",
            "down_revision 'a1' names no revision in this folder; point it at an existing revision (None for a "
            "base) (held back: a1.py could not be read, its revision is unknown)",
        ),
    ]
    assert run() == (
        "migrations/versions/b2.py:12:17: ALM002 down_revision 'a1' names no revision in this folder; point it at an "
        "existing revision (None for a base)\n",
        "Found 1 problem in 2 files: 1 error (1 ALM002).\n",
        1,
    )


# -- folders without migrations ----------------------------------------------------------------------
def test_a_script_directory_with_no_migrations_is_checked_and_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(tmp_path, {"alembic.ini": "[alembic]\nscript_location = %(here)s/alembic\n", "alembic/env.py": ""})
    monkeypatch.chdir(tmp_path)
    # A fresh `alembic init` cloned from git: the empty versions/ folder is not even there.
    assert run() == ("", "All checks passed (0 files).\n", 0)
    (tmp_path / "alembic/versions").mkdir()
    assert run() == ("", "All checks passed (0 files).\n", 0)
    assert run("graph") == ("", "", 0)
    # A folder named on the command line with nothing in it: nothing could be checked.
    (tmp_path / "empty").mkdir()
    assert run("empty")[1:] == (
        f"alembic-lint: error: {tmp_path / 'empty'}: no Alembic migrations found (no alembic.ini or [tool.alembic], "
        "no script directory with env.py or script.py.mako beside a versions folder, and no .py file here that sets "
        "down_revision)\n",
        2,
    )


# -- file names that are not UTF-8 ----------------------------------------------------------------------
@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="the file system only takes valid names")
def test_file_names_that_are_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "b2.py").write_text(migration_source("b2"))
    with open(os.fsencode(versions) + b"/\xff_a1.py", "wb") as handle:
        handle.write(migration_source("a1").encode())
    monkeypatch.chdir(tmp_path)
    name = os.fsdecode(b"\xff_a1.py")
    assert run() == (
        f"versions/b2.py:11:12: ALM001 revision 'b2' is a head alongside 'a1': {HEADS}\n"
        f"versions/b2.py:12:17: ALM005 revision 'b2' is a base alongside 'a1'; set its down_revision to the revision "
        "it follows, or give each root its own branch label\n"
        f"versions/{name}:11:12: ALM001 revision 'a1' is a head alongside 'b2': {HEADS}\n"
        f"versions/{name}:12:17: ALM005 revision 'a1' is a base alongside 'b2'; set its down_revision to the revision "
        "it follows, or give each root its own branch label\n",
        "Found 4 problems in 2 files: 4 errors (2 ALM001, 2 ALM005).\n",
        1,
    )
    for output_format in FORMAT_NAMES:
        assert run("--format", output_format)[2] == 1, output_format
    # On a console that refuses undecodable text, the name is written as its own bytes.
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "alembic_lint", "--no-cache", "."], capture_output=True, cwd=tmp_path, env=env
    )
    assert (done.returncode, done.stderr) == (1, b"Found 4 problems in 2 files: 4 errors (2 ALM001, 2 ALM005).\n")
    assert b"versions/\xff_a1.py:11:12: ALM001 " in done.stdout
