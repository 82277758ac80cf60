"""The repository is the boundary: what a pull request's checkout names outside it is not read.

Each attack of issue 15 is built in a temporary repository (its top holds `.git`) beside a
folder outside it whose file has a secret and a syntax error on line 1. Each test
asserts the exact findings, that nothing of the outside file appears in any output format,
and, where it shows something, that the attack is real: `--allow-outside` reads the file,
and `--format full` then prints its secret line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import migration_source, run_cli, tree

from alembic_lint.boundary import Boundary, boundary_for, checkout_root
from alembic_lint.config import ConfigError, load_settings
from alembic_lint.report import FORMAT_NAMES

REPO_TOP = Path(__file__).parent.parent.parent
SECRET = "AKIA-this-is-the-secret-4f1c9e"
OUTSIDE_SOURCE = f'AWS_SECRET_KEY = "{SECRET}" )\n'  # a syntax error on line 1, which full prints
ENV_SECRET = "ci-token-that-must-not-leak-77d2"


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(the repository, a folder outside it holding x.py with the secret); the current folder is the repository."""
    repo = tree(
        tmp_path / "repo",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n",
            "migrations/env.py": "",
            "migrations/versions/a.py": migration_source("a", None),
            "migrations/versions/b.py": migration_source("b", "a"),
        },
    )
    other = tree(tmp_path / "other" / "folder", {"x.py": OUTSIDE_SOURCE})
    monkeypatch.chdir(repo)
    return repo, other


def outputs(*args: str) -> dict[str, tuple[int, str, str]]:
    """Every report format of `check`, and `graph` as text and JSON."""
    shown = {name: run_cli(".", "--format", name, *args) for name in FORMAT_NAMES}
    shown["statistics"] = run_cli(".", "--statistics", *args)
    for name in ("text", "json"):
        shown[f"graph {name}"] = run_cli("graph", ".", "--format", name, *args)
    return shown


def assert_nothing_from_outside(shown: dict[str, tuple[int, str, str]], *secrets: str) -> None:
    leaked = [name for name, (_, out, err) in shown.items() for secret in secrets or (SECRET,) if secret in out + err]
    assert leaked == []


def test_version_locations_naming_a_folder_outside(places: tuple[Path, Path]) -> None:
    repo, other = places
    (repo / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s/migrations\nversion_locations = %(here)s/migrations/versions {other}\n"
    )
    shown = outputs()
    assert shown["text"] == (
        1,
        f"alembic.ini:3:1: ALM012 version_locations '{other}' is outside the repository {repo}: not read\n",
        "Found 1 problem in 3 files: 1 error (1 ALM012).\n",
    )
    assert shown["full"][1] == (
        "alembic.ini:3:1: ALM012 [unresolved-configuration] "
        f"version_locations '{other}' is outside the repository {repo}: not read\n"
        "  |\n"
        f"3 | version_locations = %(here)s/migrations/versions {other}\n"
        "  | ^^^^^^^^^^^^^^^^^\n"
    )
    assert_nothing_from_outside(shown)
    # The attack is real: allowed, the outside file is linted and its line printed.
    allowed = run_cli(".", "--format", "full", "--allow-outside", str(other))
    assert allowed[0] == 1 and SECRET in allowed[1]


def test_a_link_in_versions_pointing_outside(places: tuple[Path, Path]) -> None:
    repo, other = places
    (repo / "migrations/versions/c.py").symlink_to(other / "x.py")
    shown = outputs()
    assert shown["text"] == (
        1,
        f"migrations/versions/c.py:1:1: ALM011 resolves to {other / 'x.py'}, outside the repository {repo}: not read\n",
        "Found 1 problem in 2 files: 1 error (1 ALM011).\n",
    )
    assert shown["full"][1] == (
        "migrations/versions/c.py:1:1: ALM011 [unreadable-file] "
        f"resolves to {other / 'x.py'}, outside the repository {repo}: not read\n"
    )
    assert_nothing_from_outside(shown)
    assert run_cli("migrations/versions/c.py") == (
        1,
        shown["text"][1],
        "Found 1 problem in 1 file: 1 error (1 ALM011).\n",
    )
    allowed = run_cli(".", "--format", "full", "--allow-outside", str(other))
    assert allowed[0] == 1 and SECRET in allowed[1]


def test_a_link_inside_the_repository_is_read(places: tuple[Path, Path]) -> None:
    repo, _ = places
    (repo / "shared").mkdir()
    (repo / "shared/c.py").write_text(migration_source("c", "b"))
    (repo / "migrations/versions/c.py").symlink_to(repo / "shared/c.py")
    assert run_cli(".") == (0, "", "All checks passed (3 files).\n")


def test_a_linked_versions_folder_pointing_outside(places: tuple[Path, Path]) -> None:
    repo, other = places
    (repo / "migrations/versions/a.py").unlink()
    (repo / "migrations/versions/b.py").unlink()
    (repo / "migrations/versions").rmdir()
    (repo / "migrations/versions").symlink_to(other, target_is_directory=True)
    shown = outputs()
    finding = f"migrations/versions:1:1: ALM011 resolves to {other}, outside the repository {repo}: not read\n"
    assert shown["text"] == (1, finding, "Found 1 problem in 0 files: 1 error (1 ALM011).\n")
    assert_nothing_from_outside(shown)
    allowed = run_cli(".", "--format", "full", "--allow-outside", str(other))
    assert allowed[0] == 1 and SECRET in allowed[1]


@pytest.mark.skipif(not Path("/proc/self/environ").is_file(), reason="needs /proc")
def test_a_link_to_proc_self_environ(places: tuple[Path, Path]) -> None:
    """/proc/self/environ is a regular file: only the boundary keeps the CI's variables out of the report."""
    repo, _ = places
    (repo / "migrations/versions/c.py").symlink_to("/proc/self/environ")
    env = {**os.environ, "PYTHONPATH": str(REPO_TOP), "CI_DEPLOY_TOKEN": ENV_SECRET, "ALEMBIC_LINT_NO_CACHE": "1"}

    def run(*args: str) -> tuple[int, str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "alembic_lint", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode, done.stdout, done.stderr

    where = f"outside the repository {repo}: not read"
    finding = f"migrations/versions/c.py:1:1: ALM011 resolves to /proc/self/environ, {where}\n"
    assert run(".") == (1, finding, "Found 1 problem in 2 files: 1 error (1 ALM011).\n")
    shown = {name: run(".", "--format", name) for name in FORMAT_NAMES}
    assert_nothing_from_outside(shown, ENV_SECRET)
    allowed = run(".", "--format", "full", "--allow-outside", "/proc")
    assert allowed[0] == 1 and ENV_SECRET in allowed[1]  # the attack is real


def test_script_location_outside(places: tuple[Path, Path]) -> None:
    repo, other = places
    tree(other.parent, {"scripts/env.py": "", "scripts/versions/x.py": OUTSIDE_SOURCE})
    (repo / "alembic.ini").write_text("[alembic]\nscript_location = ../other/scripts\n")
    shown = outputs()
    assert shown["text"] == (
        1,
        f"alembic.ini:2:1: ALM012 script_location '../other/scripts' resolves to {other.parent / 'scripts'}, "
        f"outside the repository {repo}: not read\n",
        "Found 1 problem in 3 files: 1 error (1 ALM012).\n",  # the script directory laid out beside it is still linted
    )
    assert_nothing_from_outside(shown)
    allowed = run_cli(".", "--format", "full", "--allow-outside", str(other.parent))
    assert allowed[0] == 1 and SECRET in allowed[1]


def test_a_script_location_package_resource_outside(places: tuple[Path, Path]) -> None:
    """`pkg:migrations` is found by its path on prepend_sys_path (or sys.path): outside, it is not read."""
    repo, other = places
    tree(
        other.parent,
        {"outpkg/__init__.py": "", "outpkg/migrations/env.py": "", "outpkg/migrations/versions/x.py": OUTSIDE_SOURCE},
    )
    (repo / "alembic.ini").write_text(
        f"[alembic]\nscript_location = outpkg:migrations\nprepend_sys_path = {other.parent}\n"
    )
    shown = outputs()
    assert shown["text"] == (
        1,
        "alembic.ini:2:1: ALM012 script_location 'outpkg:migrations' resolves to "
        f"{other.parent / 'outpkg/migrations'}, "
        f"outside the repository {repo}: not read\n",
        "Found 1 problem in 3 files: 1 error (1 ALM012).\n",  # the script directory laid out beside it is still linted
    )
    assert_nothing_from_outside(shown)


def test_a_configuration_file_linked_outside(places: tuple[Path, Path]) -> None:
    repo, other = places
    (other / "alembic.ini").write_text(f"{OUTSIDE_SOURCE}[alembic]\nscript_location = {other}\n")
    (repo / "alembic.ini").unlink()
    (repo / "alembic.ini").symlink_to(other / "alembic.ini")
    shown = outputs()
    assert shown["text"] == (
        1,
        f"alembic.ini:1:1: ALM012 resolves to {other / 'alembic.ini'}, outside the repository {repo}: not read\n",
        "Found 1 problem in 3 files: 1 error (1 ALM012).\n",
    )
    assert_nothing_from_outside(shown)
    (repo / "alembic.ini").unlink()
    (other / "pyproject.toml").write_text(f'[tool.alembic-lint]\nselect = ["{SECRET}"]\n')
    (repo / "pyproject.toml").symlink_to(other / "pyproject.toml")
    pyproject = repo / "pyproject.toml"
    assert run_cli(".") == (
        2,
        "",
        f"alembic-lint: error: {pyproject}: resolves to {other / 'pyproject.toml'}, outside the repository {repo}: "
        f"not read (--allow-outside {other / 'pyproject.toml'} reads it)\n",
    )


def test_a_linted_folder_that_leads_outside(places: tuple[Path, Path]) -> None:
    repo, other = places
    (repo / "db").symlink_to(other, target_is_directory=True)
    assert run_cli("db") == (
        2,
        "",
        f"alembic-lint: error: db: resolves to {other}, outside the repository {repo}: not read "
        f"(--allow-outside {other} reads it)\n",
    )


def test_version_locations_of_alembic_lint_outside(places: tuple[Path, Path]) -> None:
    repo, other = places
    (repo / "pyproject.toml").write_text(
        f'[tool.alembic-lint]\nversion-locations = ["migrations/versions", "{other}"]\n'
    )
    assert run_cli(".") == (
        2,
        "",
        f"alembic-lint: error: {repo / 'pyproject.toml'}: `version-locations`: {other} is outside the repository "
        f"{repo}: not read (--allow-outside {other} reads it)\n",
    )
    code, out, _ = run_cli(".", "--format", "full", "--allow-outside", str(other))
    assert code == 1 and SECRET in out


def test_a_configured_cache_dir_outside_is_refused(places: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    repo, other = places
    monkeypatch.delenv("ALEMBIC_LINT_CACHE_DIR", raising=False)
    cache = other.parent / "cache"
    (repo / "pyproject.toml").write_text(f'[tool.alembic-lint]\ncache-dir = "{cache}"\n')
    assert run_cli(".") == (
        2,
        "",
        f"alembic-lint: error: {repo / 'pyproject.toml'}: `cache-dir` {cache} is outside the repository {repo}: "
        "not written there (a configuration file cannot send the cache outside it; --cache-dir or "
        "ALEMBIC_LINT_CACHE_DIR can)\n",
    )
    assert run_cli("graph", ".")[0] == 2
    assert not cache.exists()
    clean = (0, "", "All checks passed (2 files).\n")
    assert run_cli(".", "--no-cache") == clean  # nothing is written: nothing to refuse
    assert run_cli(".", "--cache-dir", str(cache)) == clean  # the command line is free
    assert len(list(cache.glob("*.cache"))) == 1
    monkeypatch.setenv("ALEMBIC_LINT_CACHE_DIR", str(other.parent / "env-cache"))
    assert run_cli(".") == clean  # and so is the environment
    assert len(list((other.parent / "env-cache").glob("*.cache"))) == 1
    monkeypatch.delenv("ALEMBIC_LINT_CACHE_DIR")
    (repo / "pyproject.toml").write_text('[tool.alembic-lint]\ncache-dir = ".cache/alembic-lint"\n')
    assert run_cli(".") == clean  # inside: fine
    assert len(list((repo / ".cache/alembic-lint").glob("*.cache"))) == 1
    (repo / "pyproject.toml").write_text(f'[tool.alembic-lint]\ncache-dir = "{cache}"\n')
    assert run_cli(".", "--allow-outside", str(cache)) == clean


def test_allow_outside_is_a_flag_and_never_a_configuration_key(places: tuple[Path, Path]) -> None:
    repo, other = places
    (repo / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s/migrations\nversion_locations = %(here)s/migrations/versions {other}\n"
    )
    assert run_cli(".", "--allow-outside", str(other)) == (
        1,
        f"{other / 'x.py'}:1:51: ALM000 syntax error: unmatched ')'\n",
        "Found 1 problem in 3 files: 1 error (1 ALM000).\n",
    )
    assert run_cli(".", "--allow-outside", str(other.parent), "--allow-outside", str(repo)) == run_cli(
        ".", "--allow-outside", str(other)
    )
    assert run_cli(".", "--allow-outside", "no/such/folder") == (
        2,
        "",
        "alembic-lint: error: --allow-outside no/such/folder: no such file or directory\n",
    )
    for name in ("allow-outside", "allow_outside"):
        config = repo / "alembic-lint.toml"
        config.write_text(f'{name} = ["{other}"]\n')
        with pytest.raises(ConfigError, match=f"unknown key `{name}`"):
            load_settings(config)
        code, _, err = run_cli(".")
        assert code == 2 and f"unknown key `{name}`" in err and SECRET not in err


def test_without_a_repository_the_configuration_above_a_versions_folder_still_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No .git and no project file: the root is the path linted, and the alembic.ini above it that names it."""
    project = tree(
        tmp_path / "project",
        {
            "alembic.ini": "[alembic]\nscript_location = %(here)s/db\n",
            "db/env.py": "",
            "db/versions/a.py": migration_source("a", None),
            "db/versions/b.py": migration_source("b", "a"),
        },
    )
    other = tree(tmp_path / "other", {"x.py": OUTSIDE_SOURCE})
    assert run_cli(str(project / "db/versions")) == (0, "", "All checks passed (2 files).\n")
    # alembic-lint's own configuration above it: its folder counts for its keys too.
    monkeypatch.delenv("ALEMBIC_LINT_CACHE_DIR")
    (project / "alembic-lint.toml").write_text('version-locations = ["db/versions"]\ncache-dir = ".cache"\n')
    assert run_cli(str(project / "db/versions/a.py")) == (0, "", "All checks passed (1 file).\n")
    assert len(list((project / ".cache").glob("*.cache"))) == 1
    (project / "alembic-lint.toml").unlink()
    (project / "db/versions/c.py").symlink_to(other / "x.py")
    code, out, _ = run_cli(str(project / "db/versions"), "--format", "full")
    assert code == 1 and "ALM011" in out and SECRET not in out
    (project / "alembic.ini").write_text(f"[alembic]\nscript_location = %(here)s/db\nversion_locations = {other}\n")
    code, out, _ = run_cli(str(project), "--format", "json")
    assert code == 1 and SECRET not in out
    assert [(item["path"], item["code"], item["message"]) for item in json.loads(out)] == [
        (
            str(project / "alembic.ini"),
            "ALM012",
            f"version_locations '{other}' is outside the repository {project}: not read",
        ),
        (
            str(project / "db/versions/c.py"),
            "ALM011",
            f"resolves to {other / 'x.py'}, outside the repository {project}: not read",
        ),
    ]


def test_the_root_is_the_git_top_level_else_the_project_root_else_the_path(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert checkout_root(deep) is None
    assert boundary_for([deep]) == Boundary.of([deep], bare=True)
    (tmp_path / "a" / "b" / "setup.cfg").write_text("")
    assert checkout_root(deep) == tmp_path / "a" / "b"
    (tmp_path / "a" / "pyproject.toml").write_text("")
    assert checkout_root(deep / "x.py") == tmp_path / "a" / "b"  # the nearest project file
    (tmp_path / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n")  # a worktree's .git is a file
    assert checkout_root(deep) == tmp_path  # git's top level wins over any project file below it
    assert boundary_for([deep]) == Boundary.of([tmp_path])


def test_what_the_boundary_admits(tmp_path: Path) -> None:
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    (tmp_path / "repo-other").mkdir()
    (tmp_path / "repo" / "out").symlink_to(tmp_path / "repo-other", target_is_directory=True)
    (tmp_path / "repo" / "in").symlink_to(tmp_path / "repo" / "sub", target_is_directory=True)
    boundary = Boundary.of([tmp_path / "repo"])
    assert boundary.outside(tmp_path / "repo" / "sub" / "x.py") is None
    assert boundary.outside(tmp_path / "repo" / "in" / "x.py") is None
    assert boundary.outside(tmp_path / "repo" / "out") == str(tmp_path / "repo-other")  # a prefix is no parent
    assert boundary.outside(tmp_path / "repo" / ".." / "repo-other") == str(tmp_path / "repo-other")
    assert boundary.shown(tmp_path / "repo" / "out", str(tmp_path / "repo-other")) == str(tmp_path / "repo-other")
    allowed = Boundary.of([tmp_path / "repo"], [tmp_path / "repo-other"])
    assert allowed.outside(tmp_path / "repo" / "out" / "x.py") is None
    assert Boundary.of([Path("/")]).outside("/etc/passwd") is None
    assert (boundary | allowed) == Boundary.of([tmp_path / "repo"], [tmp_path / "repo-other"])
