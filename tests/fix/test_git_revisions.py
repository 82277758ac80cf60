"""alembic-git-revisions projects: `get_down_revision()` resolved statically, compared with the
library itself on a real repository; revision_chain.json; one finding when neither exists."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from gitrepo import Repo, needs_git
from helpers import run_cli

from alembic_lint import lint
from alembic_lint.fix.git_revisions import resolve
from alembic_lint.lint import parse_files
from alembic_lint.parse import Migration

V = "migrations/versions"


def dynamic(revision: str) -> str:
    return (
        f'"""{revision}"""\nfrom alembic import op\nfrom alembic_git_revisions import get_down_revision\n\n'
        f'revision = "{revision}"\ndown_revision = get_down_revision(revision)\n\n\n'
        'def upgrade():\n    op.execute("SELECT 1")\n\n\ndef downgrade():\n    op.execute("SELECT 1")\n'
    )


def static(revision: str, down: object) -> str:
    return (
        f'"""{revision}"""\nfrom alembic import op\n\nrevision = "{revision}"\ndown_revision = {down!r}\n\n\n'
        'def upgrade():\n    op.execute("SELECT 1")\n\n\ndef downgrade():\n    op.execute("SELECT 1")\n'
    )


def resolved(versions: Path) -> dict[str, str]:
    """{revision: down_revision} for the get_down_revision() files, as alembic-lint resolves them."""
    files = sorted(versions.glob("*.py"))
    before = {p.path for p in parse_files(files) if isinstance(p, Migration) and p.down_revision.shape == "dynamic"}
    parsed, _ = resolve(parse_files(files))
    return {
        p.revision.items[0].text: p.down_revision.items[0].text
        for p in parsed
        if isinstance(p, Migration) and p.path in before and p.down_revision.shape == "str"
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """Static a1 <- b2; then `one` (c3, committed first) and `two` (d4) merged two-then-one;
    then, not committed, a hybrid e5 revising d4 and a dynamic f6."""
    repo = Repo(tmp_path / "repo")
    monkeypatch.chdir(repo.root)
    repo.commit("static", {f"{V}/a1_root.py": static("a1", None), f"{V}/b2_second.py": static("b2", "a1")})
    repo.checkout("-b", "one")
    repo.commit("one", {f"{V}/c3_one.py": dynamic("c3")})
    repo.checkout("main")
    repo.checkout("-b", "two")
    repo.commit("two", {f"{V}/d4_two.py": dynamic("d4")})
    repo.checkout("main")
    repo.merge("two", "--no-ff")
    repo.merge("one", "--no-ff")
    Path(V, "e5_hybrid.py").write_text(static("e5", "d4"))
    Path(V, "f6_new.py").write_text(dynamic("f6"))
    return repo


@needs_git
def test_the_chain_is_the_librarys_own(project: Repo) -> None:
    library = pytest.importorskip("alembic_git_revisions")
    versions = Path(V).absolute()
    library.build_chain.cache_clear()
    expected = library.build_chain(versions)
    assert resolved(versions) == expected == {"d4": "b2", "c3": "e5", "f6": "c3"}
    # ... and so the folder is linted as the real, linear graph
    assert run_cli("check", V, "--select", "ALM0") == (0, "", "All checks passed (6 files).\n")
    assert run_cli("graph", V)[1].splitlines()[0] == "c3 -> f6 (head), f6"


@needs_git
def test_two_heads_behind_get_down_revision_are_found(project: Repo) -> None:
    # A second static file revising d4: the library chains only one of the two hybrids on.
    Path(V, "g7_hybrid.py").write_text(static("g7", "d4"))
    library = pytest.importorskip("alembic_git_revisions")
    library.build_chain.cache_clear()
    assert (
        resolved(Path(V).absolute()) == library.build_chain(Path(V).absolute()) == {"d4": "b2", "c3": "g7", "f6": "c3"}
    )
    code, out, _ = run_cli("check", V, "--select", "ALM001")
    assert code == 1
    assert [line.split(": ALM001 ")[1][:40] for line in out.splitlines()] == [
        "revision 'e5' is a head alongside 'f6': ",
        "revision 'f6' is a head alongside 'e5': ",
    ]


@needs_git
def test_a_chain_file_wins_over_git(project: Repo) -> None:
    Path("migrations", "revision_chain.json").write_text(json.dumps({"c3": "b2", "d4": "c3", "f6": "e5"}))
    assert resolved(Path(V).absolute()) == {"c3": "b2", "d4": "c3", "f6": "e5"}


def test_a_chain_file_linked_out_of_the_repository_is_not_read(
    project: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its values would become down_revisions shown in findings: a link out of the repository is refused."""
    copy = tmp_path / "copy"
    shutil.copytree(project.root / "migrations", copy / "migrations")
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"c3": "AKIA-secret", "d4": "c3", "f6": "e5"}))
    (copy / "migrations" / "revision_chain.json").symlink_to(outside)
    monkeypatch.chdir(copy)
    code, out, err = run_cli("check", V, "--select", "ALM0")
    chain = copy / "migrations" / "revision_chain.json"
    assert (code, err) == (1, "Found 1 problem in 6 files: 1 error (1 ALM009).\n")
    assert f"but {chain} resolves to {outside}, outside the repository {copy / 'migrations'}: not read: " in out
    assert "AKIA-secret" not in out


def test_without_chain_file_or_history_it_is_said_once(
    project: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(project.root / "migrations", copy / "migrations")
    monkeypatch.chdir(copy)
    assert run_cli("check", V, "--select", "ALM0") == (
        1,
        f"{V}/c3_one.py:6:17: ALM009 3 files take down_revision from get_down_revision() (alembic-git-revisions), "
        f"but there is no {copy / 'migrations' / 'revision_chain.json'} and no git history (not a git repository): "
        "heads are not checked in this folder; write revision_chain.json with "
        "`alembic-git-revisions <versions folder>` or lint a clone with its full history\n",
        "Found 1 problem in 6 files: 1 error (1 ALM009).\n",
    )


@needs_git
def test_a_commit_invalidates_the_cached_verdict_only_of_a_folder_with_get_down_revision(
    project: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdict of a folder whose files do not read git's history survives a commit."""
    plain = Repo(tmp_path / "plain")
    plain.commit("static", {f"{V}/a1_root.py": static("a1", None), f"{V}/b2_second.py": static("b2", "a1")})
    checked: list[Path] = []  # the folders linted again (a verdict the cache could not reuse)
    real = lint.check

    def check(parsed: object, *args: object, **kwargs: object) -> object:
        checked.append(parsed[0].path.parents[2])  # type: ignore[index]
        return real(parsed, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lint, "check", check)
    folders = {"plain": plain.root / V, "dynamic": project.root / V}
    outputs = {name: run_cli("check", str(folder)) for name, folder in folders.items()}
    assert checked == [plain.root, project.root]
    assert {name: run_cli("check", str(folder)) for name, folder in folders.items()} == outputs
    assert checked == [plain.root, project.root]  # both verdicts reused
    plain.commit("unrelated", {"README": "plain\n"})
    project.commit("unrelated", {"README": "dynamic\n"})
    assert {name: run_cli("check", str(folder)) for name, folder in folders.items()} == outputs
    assert checked == [plain.root, project.root, project.root]  # only the get_down_revision() folder again
    assert {name: run_cli("check", str(folder), "--no-cache") for name, folder in folders.items()} == outputs
