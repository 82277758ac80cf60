"""ALM001 re-chained in git order, on real repositories: merge commits, a squash merge, a rebase,
a feature branch (safe), uncommitted files, a shallow clone and no git at all (Create Date)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from gitrepo import Repo, needs_git
from helpers import run_cli

pytestmark = needs_git

V = "migrations/versions"
A, B, C, D = "1a0000000001", "2b0000000002", "3c0000000003", "4d0000000004"


def migration(revision: str, down: str | None, created: str = "2025-01-01 10:00:00") -> str:
    return (
        f'"""{revision}\n\nRevision ID: {revision}\nRevises: {down or ""}\nCreate Date: {created}\n\n"""\n'
        "from alembic import op\n\n"
        f'revision = "{revision}"\n'
        f"down_revision = {f'{chr(34)}{down}{chr(34)}' if down else 'None'}\n"
        "branch_labels = None\ndepends_on = None\n\n\n"
        'def upgrade():\n    op.execute("SELECT 1")\n\n\n'
        'def downgrade():\n    op.execute("SELECT 1")\n'
    )


def rechained(revision: str, old: str, new: str, created: str = "2025-01-01 10:00:00") -> str:
    """What the fix leaves: the same file revising `new`."""
    return (
        migration(revision, old, created)
        .replace(f'down_revision = "{old}"', f'down_revision = "{new}"')
        .replace(f"Revises: {old}", f"Revises: {new}")
    )


def heads(*found: tuple[str, str, str]) -> str:
    """ALM001's report lines for (file name, head, other head)."""
    return "".join(
        f"{V}/{name}:10:12: ALM001 revision {head!r} is a head alongside {other!r}: `alembic upgrade head` will "
        "fail; set down_revision to the latest head or run `alembic merge heads`\n"
        for name, head, other in found
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    repo = Repo(tmp_path / "repo")
    monkeypatch.chdir(repo.root)
    repo.commit("base", {f"{V}/1a_base.py": migration(A, None)})
    return repo


def date(repo: Repo, ref: str) -> str:
    return repo.git("log", "-1", "--format=%cs", ref).strip()


def two_branches(repo: Repo) -> None:
    """`one` (2b) is committed first, `two` (3c) second."""
    repo.checkout("-b", "one")
    repo.commit("one", {f"{V}/2b_one.py": migration(B, A)})
    repo.checkout("main")
    repo.checkout("-b", "two")
    repo.commit("two", {f"{V}/3c_two.py": migration(C, A)})
    repo.checkout("main")


def test_the_branch_committed_first_but_merged_last_ends_on_top(repo: Repo) -> None:
    two_branches(repo)
    merged_two = repo.merge("two", "--no-ff")
    merged_one = repo.merge("one", "--no-ff")
    before = {p.name: p.read_bytes() for p in Path(V).iterdir()}

    # 2b is already on main (a database may have applied it): the fix is unsafe, --fix leaves it.
    assert run_cli("check", V, "--fix") == (
        1,
        heads(("2b_one.py", B, C), ("3c_two.py", C, B)),
        "Found 2 problems in 3 files: 2 errors (2 ALM001).\n2 unsafe fixes available with `--fix --unsafe-fixes`.\n",
    )
    assert {p.name: p.read_bytes() for p in Path(V).iterdir()} == before

    code, out, err = run_cli("check", V, "--fix", "--unsafe-fixes")
    assert (code, out) == (0, "")
    assert err == (
        f"{V}/2b_one.py: ALM001: 2b_one.py arrived on main in {merged_one} ({date(repo, merged_one)}) after "
        f"3c_two.py ({merged_two}, {date(repo, merged_two)}): {B} now revises {C}\n"
        "Found 2 errors (2 fixed, 0 remaining).\n"
    )
    assert Path(V, "2b_one.py").read_text() == rechained(B, A, C)
    assert Path(V, "3c_two.py").read_bytes() == before["3c_two.py"]
    # idempotent: nothing left to fix
    assert run_cli("check", V, "--fix", "--unsafe-fixes") == (0, "", "All checks passed (3 files).\n")


def test_a_squash_merge_counts_when_it_lands(repo: Repo) -> None:
    two_branches(repo)
    merged_two = repo.merge("two", "--no-ff")
    repo.git("merge", "--squash", "one")
    squashed = repo.commit("squash one")
    code, out, err = run_cli("check", V, "--fix", "--unsafe-fixes")
    assert (code, out) == (0, "")
    assert err.splitlines()[0] == (
        f"{V}/2b_one.py: ALM001: 2b_one.py arrived on main in {squashed} ({date(repo, squashed)}) after "
        f"3c_two.py ({merged_two}, {date(repo, merged_two)}): {B} now revises {C}"
    )
    assert Path(V, "2b_one.py").read_text() == rechained(B, A, C)


def test_a_rebased_branch_comes_after_what_it_was_rebased_onto(repo: Repo) -> None:
    two_branches(repo)
    repo.merge("two", "--ff-only")
    two = repo.short("HEAD")
    repo.checkout("one")
    repo.day += 1
    repo.git("rebase", "-q", "main")
    repo.checkout("main")
    repo.merge("one", "--ff-only")
    rebased = repo.short("HEAD")
    code, out, err = run_cli("check", V, "--fix", "--unsafe-fixes")
    assert (code, out) == (0, "")
    assert err.splitlines()[0] == (
        f"{V}/2b_one.py: ALM001: 2b_one.py arrived on main in {rebased} ({date(repo, rebased)}) after "
        f"3c_two.py ({two}, {date(repo, two)}): {B} now revises {C}"
    )


def test_a_migration_only_on_the_current_branch_is_newest_and_safe_to_move(repo: Repo) -> None:
    repo.checkout("-b", "feature")
    added = repo.commit("feature", {f"{V}/4d_feature.py": migration(D, A)})
    repo.checkout("main")
    on_main = repo.commit("one", {f"{V}/2b_one.py": migration(B, A)})
    repo.checkout("feature")
    repo.merge("main", "--no-ff")  # main pulled into the feature branch: two heads
    code, out, err = run_cli("check", V, "--fix")  # safe: no database has applied 4d yet
    assert (code, out) == (0, "")
    assert err == (
        f"{V}/4d_feature.py: ALM001: 4d_feature.py is only on this branch (added in {added}, {date(repo, added)}), "
        f"not on main after 2b_one.py ({on_main}, {date(repo, on_main)}): {D} now revises {B}\n"
        "Found 2 errors (2 fixed, 0 remaining).\n"
    )
    assert Path(V, "4d_feature.py").read_text() == rechained(D, A, B)


def test_an_uncommitted_migration_is_newest(repo: Repo) -> None:
    on_main = repo.commit("one", {f"{V}/2b_one.py": migration(B, A)})
    Path(V, "3c_new.py").write_text(migration(C, A))
    code, out, err = run_cli("check", V, "--fix")
    assert (code, out) == (0, "")
    assert err.splitlines()[0] == (
        f"{V}/3c_new.py: ALM001: 3c_new.py is not committed yet after 2b_one.py ({on_main}, {date(repo, on_main)}): "
        f"{C} now revises {B}"
    )


def test_three_heads_are_chained_in_arrival_order(repo: Repo) -> None:
    for name, revision in (("2b_one.py", B), ("3c_two.py", C), ("4d_three.py", D)):
        repo.commit(name, {f"{V}/{name}": migration(revision, A)})
    code, out, err = run_cli("check", V, "--fix", "--unsafe-fixes")
    assert (code, out) == (0, "")
    assert err.endswith("Found 3 errors (3 fixed, 0 remaining).\n")
    assert Path(V, "3c_two.py").read_text() == rechained(C, A, B)
    assert Path(V, "4d_three.py").read_text() == rechained(D, A, C)


@pytest.mark.parametrize("how", ["shallow clone", "no repository"])
def test_without_history_the_create_date_decides_and_says_so(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    repo.commit("one", {f"{V}/2b_one.py": migration(B, A, "2025-03-02 09:00:00")})
    repo.commit("two", {f"{V}/3c_two.py": migration(C, A, "2025-03-01 09:00:00")})
    copy = tmp_path / "copy"  # beside the repository, not in it
    if how == "shallow clone":
        subprocess.run(["git", "clone", "-q", "--depth", "1", repo.root.as_uri(), str(copy)], check=True)
        reason = "a shallow clone, whose history is incomplete"
    else:
        shutil.copytree(repo.root / "migrations", copy / "migrations")
        reason = "not a git repository"
    monkeypatch.chdir(copy)
    _, _, err = run_cli("check", V, "--show-fixes")
    assert err.startswith(
        "Fixes available (`--fix` applies the safe ones, with `--unsafe-fixes` also the unsafe ones):\n"
        f"{V}/2b_one.py:10:12: ALM001 [unsafe] Re-chain {B} onto {C} (Create Date order)\n"
        f"    no git history ({reason}), so the Create Date headers decide: 2b_one.py (Create Date "
        f"2025-03-02 09:00:00) is newer than 3c_two.py (2025-03-01 09:00:00): {B} now revises {C}\n"
    )
    assert run_cli("check", V, "--fix", "--unsafe-fixes")[0] == 0
    assert Path(V, "2b_one.py").read_text() == rechained(B, A, C, "2025-03-02 09:00:00")


def test_the_main_branch_can_be_named(repo: Repo) -> None:
    repo.git("branch", "-m", "main", "trunk")
    repo.commit("one", {f"{V}/2b_one.py": migration(B, A)})
    repo.commit("two", {f"{V}/3c_two.py": migration(C, A)})
    _, _, err = run_cli("check", V, "--show-fixes")
    assert "no git history (no main branch (origin's HEAD, `main` or `master` does not exist))" in err
    Path("pyproject.toml").write_text('[tool.alembic-lint.rules.ALM001]\nmain-branch = "trunk"\n')
    _, _, err = run_cli("check", V, "--show-fixes")
    assert f"{V}/3c_two.py:10:12: ALM001 [unsafe] Re-chain {C} onto {B} (git order)\n" in err
    assert "3c_two.py arrived on trunk in " in err


def test_a_branch_that_starts_with_a_merge_can_stay_below_but_not_move(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no repository: the Create Date headers decide
    files = {
        "1a.py": migration(A, None),
        "2b.py": migration(B, A, "2025-01-03 10:00:00"),
        "3c.py": migration(C, A),
        "4d.py": migration(D, A),
        "5e.py": migration("5e", None).replace("down_revision = None", f"down_revision = ({C!r}, {D!r})"),
    }
    Path(V).mkdir(parents=True)
    for name, text in files.items():
        Path(V, name).write_text(text)
    assert run_cli("check", V, "--fix", "--unsafe-fixes")[0] == 0  # 2b is newer: it moves onto 5e
    assert Path(V, "2b.py").read_text() == rechained(B, A, "5e", "2025-01-03 10:00:00")
    Path(V, "2b.py").write_text(files["2b.py"].replace("2025-01-03", "2024-12-31"))  # now 5e's branch is newer
    code, _, err = run_cli("check", V, "--fix", "--unsafe-fixes")
    assert code == 1
    assert err.startswith(
        "alembic-lint: warning: ALM001: cannot re-chain: the branch of '5e' starts at 2 revisions (a merge); "
        "use --heads-strategy merge\n"
    )
