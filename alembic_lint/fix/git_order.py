"""The order in which migration files arrived, from git: alembic-git-revisions' order.

alembic-git-revisions chains migrations in the order `git log --reverse --topo-order
--diff-filter=A --no-renames` lists their files being added, over the whole history, a
file counting by its name and its first add only. Topological order follows the commit
graph rather than commit dates, so a branch committed early but merged late comes late;
it holds for merge commits, squash merges and rebases alike; no pathspec, so a file moved
between folders keeps the place of its original add; no rename detection, so a renamed
file (a new revision id) counts as added. A shallow clone has no complete history, so it
gives no order. Standard library only: this also runs while linting (git_revisions.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from alembic_lint.records import record

_FORMAT = "--format=%x00%H %h %cs"  # a NUL never starts a file name: it marks each commit's line
_LOG = ("log", "--reverse", "--topo-order", "--diff-filter=A", "--no-renames", _FORMAT, "--name-only")
MAIN_CANDIDATES = ("main", "master")


@record
class Added:
    """Where a file's first add sits in an order."""

    name: str
    position: int
    commit: str | None = None  # the commit that added it; None for a file not committed yet
    short: str | None = None  # its abbreviated hash
    date: str | None = None  # its date, YYYY-MM-DD
    on_main: bool = False


@record
class Order:
    """Files by arrival: on the main branch first, then only on the current branch, then not committed."""

    main: str  # the ref the main branch was read from ("origin/main")
    files: dict[str, Added]

    def get(self, name: str) -> Added:
        return self.files.get(name) or Added(name, len(self.files))


@record
class NoOrder:
    reason: str  # "not a git repository", "a shallow clone", ...


def git(args: Sequence[str], cwd: Path) -> str | None:
    """git's output, or None when git is missing or the command fails."""
    import subprocess  # here: linting a folder without get_down_revision() never runs git

    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
            env=env,
        )
    except (OSError, ValueError):
        return None
    return result.stdout if result.returncode == 0 else None


def unavailable(cwd: Path) -> NoOrder | None:
    """Why git cannot order files here, or None when it can."""
    shallow = git(["rev-parse", "--is-shallow-repository"], cwd)
    if shallow is None:
        return NoOrder("git is not installed" if git(["--version"], cwd) is None else "not a git repository")
    if shallow.strip() == "true":
        return NoOrder("a shallow clone, whose history is incomplete")
    if git(["rev-parse", "--verify", "--quiet", "HEAD"], cwd) is None:
        return NoOrder("no commit yet")
    return None


Commit = tuple[str, str, str]  # full hash, abbreviated hash, date


def added(cwd: Path, revisions: Sequence[str] = ()) -> list[tuple[Commit, str]]:
    """(commit, path) of every file add reachable from `revisions` (default HEAD), oldest first."""
    out = git([*_LOG, *revisions, "--"], cwd) or ""
    rows: list[tuple[Commit, str]] = []
    commit: Commit = ("", "", "")
    for line in out.split("\n"):
        if line.startswith("\0"):
            full, short, date = [*line[1:].split(" "), "", ""][:3]
            commit = (full, short, date)
        elif line.strip():
            rows.append((commit, line.strip()))
    return rows


def first_adds(rows: Iterable[tuple[Commit, str]], names: set[str]) -> dict[str, Commit]:
    """Each wanted file name's first add (later adds of the same name are moves or copies)."""
    found: dict[str, Commit] = {}
    for commit, path in rows:
        name = path.rsplit("/", 1)[-1]
        if name.endswith(".py") and name in names and name not in found:
            found[name] = commit
    return found


def main_branch(cwd: Path, configured: str = "") -> str | None:
    """The configured branch, else origin's HEAD, else `main`, else `master` (None if none exists)."""
    if configured:
        return configured if _exists(cwd, configured) else None
    origin = git(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], cwd)
    if origin and origin.strip():
        return origin.strip()
    return next((name for name in MAIN_CANDIDATES if _exists(cwd, name)), None)


def _exists(cwd: Path, ref: str) -> bool:
    return git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd) is not None


def arrival_order(cwd: Path, names: Iterable[str], configured_main: str = "") -> Order | NoOrder:
    """The order the named files arrived in: on the main branch in its add order, then the
    adds only the current branch has, then files not committed (by name, as the library ties them)."""
    reason = unavailable(cwd)
    if reason is not None:
        return reason
    main = main_branch(cwd, configured_main)
    if main is None:
        wanted = f"`{configured_main}`" if configured_main else "origin's HEAD, `main` or `master`"
        return NoOrder(f"no main branch ({wanted} does not exist)")
    wanted_names = set(names)
    files: dict[str, Added] = {}
    on_main = first_adds(added(cwd, [main]), wanted_names)
    for name, (full, short, date) in on_main.items():
        files[name] = Added(name, len(files), full, short, date, on_main=True)
    rest = first_adds(added(cwd, ["HEAD", f"^{main}"]), wanted_names - set(files))
    for name, (full, short, date) in rest.items():
        files[name] = Added(name, len(files), full, short, date)
    for name in sorted(wanted_names - set(files)):
        files[name] = Added(name, len(files))
    return Order(main, files)


def library_order(versions: Path, names: Iterable[str]) -> list[str] | NoOrder:
    """alembic-git-revisions' own order for one versions folder: the adds reachable from HEAD
    (run in the folder's parent, as the library runs it), keep-first by file name."""
    cwd = versions.parent
    reason = unavailable(cwd)
    if reason is not None:
        return reason
    return list(first_adds(added(cwd), set(names)))


def arrived_in(cwd: Path, commit: str, main: str) -> tuple[str, str] | None:
    """The commit on the main branch's first-parent line that brought `commit` there (itself,
    or the merge that did), as (abbreviated hash, date)."""
    out = git(["log", "--first-parent", "--format=%H %h %cs", main, "--"], cwd)
    if out is None:
        return None
    chain = [row.split(" ") for row in out.split("\n") if row.strip()]
    for full, short, date in chain:
        if full == commit:
            return short, date
    descendants = set((git(["rev-list", "--ancestry-path", f"{commit}..{main}", "--"], cwd) or "").split())
    for full, short, date in reversed(chain):  # oldest first
        if full in descendants:
            return short, date
    return None
