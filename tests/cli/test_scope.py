"""`--since REV` / `since` and `--diff-base REF` (issue 9): the file rules' findings only for the
new migrations, the graph rules' for the whole graph; on a repository-shaped fixture, and in a
real git repository for `--diff-base`."""

from __future__ import annotations

from pathlib import Path

import pytest
from fix.gitrepo import Repo, needs_git
from helpers import run_cli, tree

from alembic_lint.lint import lint
from alembic_lint.settings import Settings


def migration(rev: str, down: str | None, upgrade: str = 'op.drop_column("users", "c")') -> str:
    """A migration whose downgrade() is empty (ALM102) and which imports the application (ALM201)."""
    down_value = "None" if down is None else repr(down)
    return (
        f'"""{rev}"""\nfrom alembic import op\n\nfrom app.models import User  # noqa: ALM104\n\n'
        f"revision = {rev!r}\ndown_revision = {down_value}\n\n\ndef upgrade():\n    {upgrade}\n\n\n"
        "def downgrade():\n    pass\n"
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """app/ beside migrations/ (env.py, versions/): a1 <- b2 <- c3, and d4 a second head on a1.
    The ALM104 noqa comments are unused: ALM900 reports them when selected."""
    tree(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'shop'\n",
            "app/__init__.py": "",
            "app/models.py": "",
            "migrations/env.py": "",
            "migrations/versions/a1_users.py": migration("a1", None, 'op.create_index("ix_a1", "users", ["c"])'),
            "migrations/versions/b2_orders.py": migration("b2", "a1"),
            "migrations/versions/c3_items.py": migration("c3", "b2", 'op.create_index("ix_c3", "items", ["c"])'),
            "migrations/versions/d4_other.py": migration("d4", "a1"),
        },
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def shown(out: str) -> list[str]:
    """`file:CODE` of each finding, in order."""
    return [f"{line.split(':')[0].rsplit('/', 1)[1]}:{line.split(': ')[1].split(' ')[0]}" for line in out.splitlines()]


def test_since_reports_file_findings_from_the_revision_on_and_graph_findings_everywhere(project: Path) -> None:
    code, out, err = run_cli("--since", "b2", ".")
    assert (code, shown(out), err) == (
        1,
        [
            "b2_orders.py:ALM201",
            "b2_orders.py:ALM102",
            "c3_items.py:ALM201",
            "c3_items.py:ALM001",  # a graph finding: c3 and d4 are two heads, d4 is before b2's branch
            "c3_items.py:ALM102",
            "d4_other.py:ALM001",
        ],
        "Found 6 problems in 4 files: 2 errors (2 ALM001), 4 warnings (2 ALM102, 2 ALM201).\n",
    )
    # Each REV of a repeated --since adds its branch: d4 and after.
    assert shown(run_cli("--since", "c3", "--since", "d4", ".")[1]) == [
        "c3_items.py:ALM201",
        "c3_items.py:ALM001",
        "c3_items.py:ALM102",
        "d4_other.py:ALM201",
        "d4_other.py:ALM001",
        "d4_other.py:ALM102",
    ]


def test_since_in_the_configuration_and_the_flag_that_replaces_it(project: Path) -> None:
    (project / "alembic-lint.toml").write_text('since = "c3"\nextend-select = ["ALM900"]\n')
    assert shown(run_cli(".")[1]) == [
        "c3_items.py:ALM201",
        "c3_items.py:ALM900",  # the suppression rule's findings are file findings too
        "c3_items.py:ALM001",
        "c3_items.py:ALM102",
        "d4_other.py:ALM001",
    ]
    assert shown(run_cli("--since", "d4", "--ignore", "ALM900", ".")[1]) == [
        "c3_items.py:ALM001",
        "d4_other.py:ALM201",
        "d4_other.py:ALM001",
        "d4_other.py:ALM102",
    ]
    # The library and every front-end that calls it read `since` from the settings.
    result = lint([project], Settings(since=("d4",), select=("ALM102",)))
    assert [d.path.name for d in result.diagnostics] == ["d4_other.py"]


def test_since_applies_to_the_postgresql_rules(project: Path) -> None:
    """ALM3xx are file rules like any other: a1's index is history, c3's is new."""
    code, out, _ = run_cli("--select", "ALM301", "--since", "b2", ".")
    assert (code, [line.split(": ALM301 ")[0] for line in out.splitlines()]) == (
        1,
        ["migrations/versions/c3_items.py:11:5"],
    )
    assert len(run_cli("--select", "ALM301", ".")[1].splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "config", "error"),
    [
        (("--since", "zz"), None, "--since: no revision 'zz' in the revision graphs checked"),
        (("--since", "b2", "--since", "zz"), None, "--since: no revision 'zz' in the revision graphs checked"),
        ((), 'since = ["a1", "x"]', "{config}: `since`: no revision 'x' in the revision graphs checked"),
        ((), "since = 3", "{config}: `since`: expected a string or an array of strings, got an integer"),
    ],
)
def test_a_since_revision_no_graph_holds_is_a_usage_error(
    project: Path, args: tuple[str, ...], config: str | None, error: str
) -> None:
    if config is not None:
        (project / "alembic-lint.toml").write_text(config + "\n")
    assert run_cli(*args, ".") == (
        2,
        "",
        f"alembic-lint: error: {error.format(config=project / 'alembic-lint.toml')}\n",
    )


def test_an_ambiguous_prefix_says_so(project: Path) -> None:
    tree(project, {"migrations/versions/b3_more.py": migration("b3", "c3")})
    assert run_cli("--since", "b", ".") == (
        2,
        "",
        "alembic-lint: error: --since: 'b' matches 2 revisions (b2, b3); give more characters\n",
    )


@needs_git
def test_diff_base_reports_the_files_a_branch_adds_or_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "repo")
    files = {
        "pyproject.toml": "[project]\nname = 'shop'\n",
        "app/__init__.py": "",
        "app/models.py": "",
        "migrations/env.py": "",
        "migrations/versions/a1_users.py": migration("a1", None),
        "migrations/versions/b2_orders.py": migration("b2", "a1"),
    }
    repo.commit("the history", files)
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("c3", {"migrations/versions/c3_items.py": migration("c3", "b2")})
    repo.git("checkout", "-q", "main")
    repo.commit("main moves on", {"README": "later on main\n"})
    repo.git("checkout", "-q", "feature")
    (repo.root / "migrations/versions/b2_orders.py").write_text(migration("b2", "a1") + "# edited, not committed\n")
    (repo.root / "migrations/versions/d4_new.py").write_text(migration("d4", "c3"))  # not tracked yet
    monkeypatch.chdir(repo.root)
    code, out, err = run_cli("--diff-base", "main", "--select", "ALM102")
    assert (code, shown(out), err) == (
        1,
        ["b2_orders.py:ALM102", "c3_items.py:ALM102", "d4_new.py:ALM102"],
        "Found 3 problems in 4 files: 3 warnings (3 ALM102).\n",
    )
    repo.git("stash", "-q", "--include-untracked")  # only what the branch committed: c3
    assert shown(run_cli("--diff-base", "main", "--select", "ALM102", "migrations")[1]) == ["c3_items.py:ALM102"]
    # With --since too, both must hold.
    assert shown(run_cli("--diff-base", "main", "--since", "b2", "--select", "ALM102")[1]) == ["c3_items.py:ALM102"]
    assert run_cli("--diff-base", "nope") == (
        2,
        "",
        f"alembic-lint: error: --diff-base nope: 'nope' names no commit in {repo.root} (a branch, tag or commit; "
        "in CI, fetch it first)\n",
    )


@needs_git
def test_diff_base_outside_a_repository_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, {"migrations/env.py": "", "migrations/versions/a1.py": migration("a1", None)})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # a repository above tmp_path is not ours
    assert run_cli("--diff-base", "main", "migrations") == (
        2,
        "",
        f"alembic-lint: error: --diff-base main: {tmp_path / 'migrations'} is not in a git repository\n",
    )
