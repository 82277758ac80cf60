"""The command line through main([...]): stdout, stderr and exit code, compared whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest

from alembic_lint import __version__
from alembic_lint.cli import main

ROOT = Path(__file__).parent.parent.parent
FIXTURES = Path(__file__).parent.parent / "fixtures" / "graph"

HEADS = "`alembic upgrade head` will fail; set down_revision to the latest head or run `alembic merge heads`"
B2 = f"versions/b2.py:11:12: ALM001 revision 'b2' is a head alongside 'c3': {HEADS}\n"
C3 = f"versions/c3.py:11:12: ALM001 revision 'c3' is a head alongside 'b2': {HEADS}\n"
D4 = (
    "versions/d4.py:12:17: ALM002 down_revision 'zz9' names no revision in this folder; "
    "point it at an existing revision (None for a base)\n"
)


# upgrade()/downgrade() that do something, so only the graph rules speak about these files.
BODY = "\n\ndef upgrade():\n    op.create_table('t')\n\n\ndef downgrade():\n    op.drop_table('t')\n"


def run(*argv: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    code = main(list(argv), out, err)
    return out.getvalue(), err.getvalue(), code


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_migration: Callable[..., Path]) -> Path:
    """versions/ with two heads (b2, c3) and a dangling down_revision (d4); the current folder."""
    write_migration("a1.py", "a1", None)
    write_migration("b2.py", "b2", "a1")
    write_migration("c3.py", "c3", "a1")
    write_migration("d4.py", "d4", "zz9")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- paths and subcommands -------------------------------------------------------------
@pytest.mark.usefixtures("project")
def test_default_path_is_the_current_folder() -> None:
    assert run() == (B2 + C3 + D4, "Found 3 problems in 4 files: 3 errors (2 ALM001, 1 ALM002).\n", 1)


@pytest.mark.usefixtures("project")
@pytest.mark.parametrize("argv", [["check"], ["check", "."], ["check", "versions"], ["versions"], ["./versions/"]])
def test_check_is_the_default_command(argv: list[str]) -> None:
    assert run(*argv) == (B2 + C3 + D4, "Found 3 problems in 4 files: 3 errors (2 ALM001, 1 ALM002).\n", 1)


def test_a_folder_named_like_a_subcommand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "a1.py").write_text("revision = 'a1'\ndown_revision = None\n" + BODY)
    (tmp_path / "graph" / "b2.py").write_text("revision = 'b2'\ndown_revision = 'a1'\n" + BODY)
    monkeypatch.chdir(tmp_path)
    assert run("./graph") == ("", "All checks passed (2 files).\n", 0)
    assert run("check", "graph") == ("", "All checks passed (2 files).\n", 0)
    assert run("graph", "graph") == ("a1 -> b2 (head), \n<base> -> a1, \n", "", 0)


@pytest.mark.usefixtures("project")
def test_a_file_argument_shows_only_that_files_findings() -> None:
    # The whole folder is analysed: c3 is a head only because of b2.
    assert run("versions/c3.py") == (C3, "Found 1 problem in 1 file: 1 error (1 ALM001).\n", 1)
    assert run("versions/a1.py") == ("", "All checks passed (1 file).\n", 0)
    assert run("versions/c3.py", "versions/d4.py") == (
        C3 + D4,
        "Found 2 problems in 2 files: 2 errors (1 ALM001, 1 ALM002).\n",
        1,
    )


def test_several_folders_are_sorted_together(project: Path, write_migration: Callable[..., Path]) -> None:
    (project / "other").mkdir()
    (project / "other" / "x1.py").write_text("revision = 'x1'\ndown_revision = 'gone'\n" + BODY)
    other = (
        "other/x1.py:2:17: ALM002 down_revision 'gone' names no revision in this folder; "
        "point it at an existing revision (None for a base)\n"
    )
    assert run("versions", "other") == (
        other + B2 + C3 + D4,
        "Found 4 problems in 5 files: 4 errors (2 ALM001, 2 ALM002).\n",
        1,
    )


def test_paths_outside_the_current_folder_are_absolute(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "elsewhere").mkdir()
    monkeypatch.chdir(project / "elsewhere")
    out, err, code = run(str(project / "versions" / "d4.py"))
    assert (out, err, code) == (f"{project}/{D4}", "Found 1 problem in 1 file: 1 error (1 ALM002).\n", 1)


# -- selecting rules ----------------------------------------------------------------------
@pytest.mark.usefixtures("project")
@pytest.mark.parametrize(
    ("options", "stdout", "summary"),
    [
        (["--select", "ALM002"], D4, "Found 1 problem in 4 files: 1 error (1 ALM002)."),
        (["--select", "missing-down-revision"], D4, "Found 1 problem in 4 files: 1 error (1 ALM002)."),
        (["--ignore", "multiple-heads"], D4, "Found 1 problem in 4 files: 1 error (1 ALM002)."),
        (["--ignore", "ALM001"], D4, "Found 1 problem in 4 files: 1 error (1 ALM002)."),
        (["--select", "ALM0", "--ignore", "ALM001"], D4, "Found 1 problem in 4 files: 1 error (1 ALM002)."),
        (["--select", "ALM001", "--ignore", "ALM0"], B2 + C3, "Found 2 problems in 4 files: 2 errors (2 ALM001)."),
        (["--select", "ALM001,ALM002"], B2 + C3 + D4, "Found 3 problems in 4 files: 3 errors (2 ALM001, 1 ALM002)."),
        (
            ["--select", "ALM001", "--select", "ALM002"],
            B2 + C3 + D4,
            "Found 3 problems in 4 files: 3 errors (2 ALM001, 1 ALM002).",
        ),
        (["--select", "ALM005", "--extend-select", "ALM002"], D4, "Found 1 problem in 4 files: 1 error (1 ALM002)."),
        (["--select", "ALL", "--ignore", "ALM00,ALM105"], "", "All checks passed (4 files)."),
        (["--ignore", "ALM"], "", "All checks passed (4 files)."),
    ],
)
def test_select_and_ignore(options: list[str], stdout: str, summary: str) -> None:
    assert run(*options) == (stdout, summary + "\n", 1 if stdout else 0)


@pytest.mark.usefixtures("project")
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--select", "ALM999"], "unknown rule selector 'ALM999' in --select"),
        (["--ignore", "multiple-head"], "unknown rule selector 'multiple-head' in --ignore"),
        (["--extend-select", "ALM001,E501"], "unknown rule selector 'E501' in --extend-select"),
        (["--select", "alm001"], "unknown rule selector 'alm001' in --select"),
    ],
)
def test_unknown_selectors(options: list[str], message: str) -> None:
    assert run(*options) == ("", f"alembic-lint: error: {message}\n", 2)


# -- formats and exit codes -------------------------------------------------------------------
def _finding(path: str, line: int, col: int, end_col: int, code: str, name: str, message: str) -> dict[str, object]:
    return {
        "path": path,
        "line": line,
        "column": col,
        "end_line": line,
        "end_column": end_col,
        "code": code,
        "name": name,
        "message": message,
        "severity": "error",
    }


@pytest.mark.usefixtures("project")
def test_json_format() -> None:
    expected = [
        _finding("versions/b2.py", 11, 12, 16, "ALM001", "multiple-heads", B2.split(": ALM001 ")[1].rstrip("\n")),
        _finding("versions/c3.py", 11, 12, 16, "ALM001", "multiple-heads", C3.split(": ALM001 ")[1].rstrip("\n")),
        _finding(
            "versions/d4.py", 12, 17, 22, "ALM002", "missing-down-revision", D4.split(": ALM002 ")[1].rstrip("\n")
        ),
    ]
    assert run("--format", "json") == (
        json.dumps(expected, indent=2) + "\n",
        "Found 3 problems in 4 files: 3 errors (2 ALM001, 1 ALM002).\n",
        1,
    )


def test_json_format_when_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a1.py").write_text("revision = 'a1'\ndown_revision = None\n" + BODY)
    monkeypatch.chdir(tmp_path)
    assert run("--format", "json") == ("[]\n", "All checks passed (1 file).\n", 0)


@pytest.mark.usefixtures("project")
def test_exit_zero() -> None:
    assert run("--exit-zero") == (B2 + C3 + D4, "Found 3 problems in 4 files: 3 errors (2 ALM001, 1 ALM002).\n", 0)


def test_version() -> None:
    assert run("--version") == (f"alembic-lint {__version__}\n", "", 0)


def test_python_m_alembic_lint_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "alembic_lint", "--version"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert (result.stdout, result.stderr, result.returncode) == (f"alembic-lint {__version__}\n", "", 0)


def test_unknown_option() -> None:
    out, err, code = run("--bogus")
    # argparse writes the usage (wrapped to the terminal's width) before the error.
    assert (out, code) == ("", 2)
    assert err.startswith("usage: alembic-lint ")
    assert err.endswith("\nalembic-lint: error: unrecognized arguments: --bogus\n")


# -- graph -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("case", "argv", "history"),
    [
        (
            "clean_expand_contract",
            [],
            "2023_1_contract01 (2024_1_expand01) -> 2024_1_contract01 (contract) (head), drop invoice status\n"
            "d3a5b8c9e2f1 (2023_1_expand01) -> 2023_1_contract01 (contract), make currency required\n"
            "2023_1_expand01 -> 2024_1_expand01 (expand) (effective head), add invoice state\n"
            "d3a5b8c9e2f1 -> 2023_1_expand01 (expand), add invoice currency\n"
            "<base> -> d3a5b8c9e2f1 (branchpoint), initial schema\n",
        ),
        (
            "clean_flask_merges",
            ["migrations"],
            "4e8b2d9c7a16, 6a3f1c8e2d94 -> 7c2b9e4f1a35 (head) (mergepoint), merge tags and slug\n"
            "9d1e6f2a3b58 -> 4e8b2d9c7a16, add tags\n"
            "9d1e6f2a3b58 -> 6a3f1c8e2d94, add post slug\n"
            "8f3a2c6b1e47, 2c9e4b7a1f03 -> 9d1e6f2a3b58 (branchpoint) (mergepoint), empty message\n"
            "5b7d8c1d4e9a -> 8f3a2c6b1e47, add posts table\n"
            "5b7d8c1d4e9a -> 2c9e4b7a1f03, add avatar to user\n"
            "<base> -> 5b7d8c1d4e9a (branchpoint), initial migration\n",
        ),
        (
            "alm010_airflow_none_label",
            ["airflow"],
            "13eb55f81627 -> 338e90f54d61 (None) (head), More logging into task_instance.\n"
            "1507a7289a2f -> 13eb55f81627 (None), Maintain history for compatibility with earlier migrations.\n"
            "e3a246e0dc1 -> 1507a7289a2f (None), create is_encrypted\n"
            "<base> -> e3a246e0dc1 (None), current schema\n",
        ),
    ],
)
def test_graph_text(case: str, argv: list[str], history: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # What `alembic history` prints for these folders (test_fixtures checks it against alembic itself).
    monkeypatch.chdir(FIXTURES / case)
    assert run("graph", *argv) == (history, "", 0)


def test_graph_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "clean_expand_contract")
    v = "migrations/versions"
    expected = {
        "heads": ["2024_1_contract01", "2024_1_expand01"],
        "bases": ["d3a5b8c9e2f1"],
        "revisions": {
            "d3a5b8c9e2f1": {
                "path": f"{v}/d3a5b8c9e2f1_initial_schema.py",
                "down_revisions": [],
                "branch_labels": [],
                "depends_on": [],
            },
            "2023_1_contract01": {
                "path": f"{v}/2023_1/contract/2023_1_contract01_make_currency_required.py",
                "down_revisions": ["d3a5b8c9e2f1"],
                "branch_labels": ["contract"],
                "depends_on": ["2023_1_expand01"],
            },
            "2023_1_expand01": {
                "path": f"{v}/2023_1/expand/2023_1_expand01_add_invoice_currency.py",
                "down_revisions": ["d3a5b8c9e2f1"],
                "branch_labels": ["expand"],
                "depends_on": [],
            },
            "2024_1_contract01": {
                "path": f"{v}/2024_1/contract/2024_1_contract01_drop_invoice_status.py",
                "down_revisions": ["2023_1_contract01"],
                "branch_labels": ["contract"],
                "depends_on": ["2024_1_expand01"],
            },
            "2024_1_expand01": {
                "path": f"{v}/2024_1/expand/2024_1_expand01_add_invoice_state.py",
                "down_revisions": ["2023_1_expand01"],
                "branch_labels": ["expand"],
                "depends_on": [],
            },
        },
    }
    assert run("graph", "--format", "json") == (json.dumps(expected, indent=2) + "\n", "", 0)
    # Paths are relative to the folder given.
    out, _, _ = run("graph", "migrations/versions", "--format", "json")
    assert json.loads(out)["revisions"]["d3a5b8c9e2f1"]["path"] == "d3a5b8c9e2f1_initial_schema.py"


def test_graph_names_the_files_it_could_not_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "alm000_syntax_error")
    # Its revision is read from the lines before the syntax error; its down_revision is after it.
    assert run("graph") == (
        "a1f3c5e7b9d2 -> b4d6f8a0c2e1 (head), add email\n<base> -> a1f3c5e7b9d2, create users\n"
        "<unknown> -> c7e9a1b3d5f4 (head), add phone\n",
        "",
        0,
    )
    monkeypatch.chdir(FIXTURES / "alm011_bad_cookie")  # nothing recoverable: not in the graph
    assert run("graph") == (
        "<base> -> 0c1d2e3f4a5b (head), create produit\n",
        "alembic-lint: versions/1d2e3f4a5b6c_ajout_du_prix_unitaire.py: not in the graph: unknown encoding: uft-8\n",
        0,
    )


def test_graph_of_several_script_directories_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("api", "worker"):
        for file in ("env.py", "script.py.mako"):
            (tmp_path / name).mkdir(exist_ok=True)
            (tmp_path / name / file).write_text("")
        (tmp_path / name / "versions").mkdir()
        (tmp_path / name / "versions" / "a1.py").write_text("revision = 'a1'\ndown_revision = None\n" + BODY)
    monkeypatch.chdir(tmp_path)
    assert run("graph") == (
        "",
        f"alembic-lint: error: .: holds 2 revision graphs ({tmp_path / 'api'}, {tmp_path / 'worker'}); "
        "pass one of them\n",
        2,
    )


# -- bad input: one line on stderr, exit 2, no traceback ------------------------------------------
@pytest.mark.parametrize("command", [[], ["graph"]])
def test_a_path_that_does_not_exist(command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(*command, "nope") == ("", "alembic-lint: error: nope: no such file or directory\n", 2)


def test_a_name_too_long(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = "x" * 300
    assert run(name) == ("", f"alembic-lint: error: {name}: File name too long\n", 2)


F6 = "revision id 'f-6' contains '-', which alembic does not allow (@ - + :); rename it"


@pytest.mark.usefixtures("project")
def test_an_unreadable_file_dangling_symlink() -> None:
    # A finding like any other (exit 1), and the rest of the folder is still checked: what the
    # unread file could change (heads, dangling ids) is reported, held back, not hidden (issue 10).
    Path("versions/e5.py").symlink_to("gone.py")
    Path("versions/f6.py").write_text("revision = 'f-6'\ndown_revision = 'c3'\n" + BODY)
    e5 = "versions/e5.py:1:1: ALM011 cannot read file: No such file or directory\n"
    note = " (held back: e5.py could not be read, its {} unknown)"
    heads = note.format("revision and branch_labels are")
    b2 = B2.replace("alongside 'c3'", "alongside 'f-6'").replace("\n", heads + "\n")
    d4 = D4.replace("\n", note.format("revision is") + "\n")
    f6_head = f"versions/f6.py:1:12: ALM001 revision 'f-6' is a head alongside 'b2': {HEADS}{heads}\n"
    summary = "Found 5 problems in 6 files: 5 errors (2 ALM001, 1 ALM002, 1 ALM008, 1 ALM011).\n"
    assert run() == (b2 + d4 + e5 + f6_head + f"versions/f6.py:1:12: ALM008 {F6}\n", summary, 1)
    out, err, code = run("--format", "json", "--exit-zero")
    assert [(item["path"], item["code"]) for item in json.loads(out)] == [
        ("versions/b2.py", "ALM001"),
        ("versions/d4.py", "ALM002"),
        ("versions/e5.py", "ALM011"),
        ("versions/f6.py", "ALM001"),
        ("versions/f6.py", "ALM008"),
    ]
    assert json.loads(out)[2] == _finding("versions/e5.py", 1, 1, 1, "ALM011", "unreadable-file", UNREAD)
    assert json.loads(out)[-1] == _finding("versions/f6.py", 1, 12, 17, "ALM008", "invalid-revision", F6)
    assert (err, code) == (summary, 0)
    # Given as an argument, a dangling link is a path that does not exist: a usage error.
    assert run("versions/e5.py") == ("", "alembic-lint: error: versions/e5.py: no such file or directory\n", 2)


UNREAD = "cannot read file: No such file or directory"


@pytest.mark.usefixtures("project")
def test_an_unreadable_file_symlink_loop() -> None:
    Path("versions/e5.py").symlink_to("e5.py")
    out, err, code = run("versions")
    loop = "versions/e5.py:1:1: ALM011 cannot read file: Too many levels of symbolic links\n"
    held = " (held back: e5.py could not be read, its {} unknown)\n"
    b2, c3 = (h.replace("\n", held.format("revision and branch_labels are")) for h in (B2, C3))
    assert (out, err.endswith(" in 5 files: 4 errors (2 ALM001, 1 ALM002, 1 ALM011).\n"), code) == (
        b2 + c3 + D4.replace("\n", held.format("revision is")) + loop,
        True,
        1,
    )


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
@pytest.mark.usefixtures("project")
def test_an_unreadable_file_without_permission() -> None:
    Path("versions/c3.py").chmod(0)
    try:
        out, _, code = run("versions")
        assert (out.splitlines()[0], code) == ("versions/c3.py:1:1: ALM011 cannot read file: Permission denied", 1)
    finally:
        Path("versions/c3.py").chmod(0o644)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root lists folders whatever their mode")
def test_a_folder_without_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir(mode=0)
    monkeypatch.chdir(tmp_path)
    try:
        assert run("locked") == ("", f"alembic-lint: error: {tmp_path}/locked/alembic.ini: Permission denied\n", 2)
    finally:
        (tmp_path / "locked").chmod(0o755)


NOTHING = (
    "{tmp}: no Alembic migrations found (no alembic.ini or [tool.alembic], no script directory with env.py or "
    "script.py.mako beside a versions folder, and no .py file here that sets down_revision)"
)


@pytest.mark.parametrize("files", [{}, {"README": "", "notes/todo.txt": ""}])
def test_nothing_to_check_is_exit_2(files: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.chdir(tmp_path)
    expected = ("", f"alembic-lint: error: {NOTHING.format(tmp=tmp_path)}\n", 2)
    assert run() == expected
    assert run("graph") == expected


@pytest.mark.parametrize(
    ("files", "finding"),
    [
        (
            {"alembic.ini": "[alembic\nscript_location = alembic\n"},
            "alembic.ini:1:1: ALM012 cannot parse: File contains no section headers.",
        ),
        (
            {"alembic.ini": "[alembic]\nscript_location = %(here)s/alembic\n"},
            "alembic.ini:2:1: ALM012 script_location '{tmp}/alembic' names no folder",
        ),
        (
            {
                "alembic.ini": "[alembic]\nscript_location = %(here)s\nversion_locations = a;b\npath_separator = ,\n",
                "a/a1.py": "",
            },
            "alembic.ini:4:1: ALM012 ',' is not a valid value for path_separator; "
            "expected 'space', 'newline', 'os', ':', ';'",
        ),
        (
            {"pyproject.toml": "[tool.alembic]\nscript_location = \n"},
            "pyproject.toml:2:19: ALM012 cannot parse: Invalid value (at line 2, column 19)",
        ),
    ],
)
def test_a_configuration_that_cannot_be_resolved_is_a_finding(
    files: dict[str, str], finding: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.chdir(tmp_path)
    finding = finding.format(tmp=tmp_path)
    assert run() == (f"{finding}\n", "Found 1 problem in 1 file: 1 error (1 ALM012).\n", 1)
    assert run("--ignore", "ALM012") == ("", "All checks passed (0 files).\n", 0)
    assert run("graph") == ("", f"alembic-lint: error: {finding}\n", 2)  # nothing left to draw


def test_a_folder_of_ordinary_python_is_not_linted_as_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No config, no script directory, no file setting down_revision: one error, not an ALM008 per file."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text("revision = compute()\n")
    (tmp_path / "app" / "models.py").write_text("class User:\n    pass\n")
    monkeypatch.chdir(tmp_path)
    assert run("app") == (
        "",
        f"alembic-lint: error: {NOTHING.format(tmp=tmp_path / 'app')}\n",
        2,
    )


# -- options before the subcommand, --statistics with every format ---------------------------------
@pytest.mark.usefixtures("project")
def test_options_before_the_subcommand_are_the_subcommands() -> None:
    graph = run("graph", "--no-cache", "versions")
    assert graph[2] == 0
    assert run("--no-cache", "graph", "versions") == graph
    assert run("--no-cache", "--", "graph") == ("", "alembic-lint: error: graph: no such file or directory\n", 2)
    assert run("--cache-dir", "graph", "graph", "versions") == graph  # DIR named `graph` is not the subcommand
    out, err, code = run("--select", "ALM001", "graph", "versions")  # graph has no --select: argparse says so
    assert (out, err.splitlines()[-1], code) == (
        "",
        "alembic-lint graph: error: unrecognized arguments: --select versions",
        2,
    )


@pytest.mark.usefixtures("project")
@pytest.mark.parametrize(
    "output_format", ["text", "full", "grouped", "json", "json-lines", "github", "gitlab", "sarif"]
)
def test_statistics_with_every_format(output_format: str) -> None:
    from alembic_lint.report import FORMAT_NAMES

    assert set(FORMAT_NAMES) == {"text", "full", "grouped", "json", "json-lines", "github", "gitlab", "sarif", "junit"}
    out, err, code = run("--statistics", "--format", output_format)
    summary = "Found 3 problems in 4 files: 3 errors (2 ALM001, 1 ALM002).\n"
    if output_format == "json":
        assert (json.loads(out), err, code) == (
            [
                {"code": "ALM001", "name": "multiple-heads", "count": 2, "fixable": True, "fixable_count": 2},
                {"code": "ALM002", "name": "missing-down-revision", "count": 1, "fixable": False, "fixable_count": 0},
            ],
            summary,
            1,
        )
    elif output_format in ("text", "full", "grouped"):
        assert (out, err, code) == ("2\tALM001\t[*] multiple-heads\n1\tALM002\t[ ] missing-down-revision\n", summary, 1)
    else:
        assert (out, err, code) == (
            "",
            f"alembic-lint: error: --statistics cannot be written as {output_format}: "
            "use --format text, full, grouped or json\n",
            2,
        )


@pytest.mark.usefixtures("project")
def test_statistics_refuse_junit_too() -> None:
    assert run("--statistics", "--format", "junit")[1:] == (
        "alembic-lint: error: --statistics cannot be written as junit: use --format text, full, grouped or json\n",
        2,
    )
