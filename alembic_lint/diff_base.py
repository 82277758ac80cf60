"""`--diff-base REF`: the files a pull request adds or changes, from git.

The merge base of REF and HEAD (`git merge-base REF HEAD`), then every file that differs
from it in the working tree (`git diff --name-only`: committed on the branch, staged or
not), and the files git does not track yet (`git ls-files --others --exclude-standard`).
Deleted files have no findings to report. Standard library only; git runs only when the
flag is given.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic_lint.fix.git_order import git
from alembic_lint.scope import ScopeError


def changed_files(ref: str, start: Path) -> tuple[Path, ...]:
    """The files added or changed since the merge base of `ref` and HEAD, in the repository
    holding `start` (absolute, real paths, sorted). Raises ScopeError when git is missing,
    `start` is not in a repository, `ref` names no commit, or has no merge base with HEAD."""
    folder = start if start.is_dir() else start.parent
    top = git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        if git(["--version"], folder) is None:
            raise ScopeError("git is not installed")
        raise ScopeError(f"{start} is not in a git repository")
    root = Path(top.strip())
    if ref.startswith("-") or git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root) is None:
        raise ScopeError(f"{ref!r} names no commit in {root} (a branch, tag or commit; in CI, fetch it first)")
    base = git(["merge-base", ref, "HEAD"], root)
    if base is None:
        raise ScopeError(f"{ref!r} and HEAD have no common ancestor (a shallow clone? fetch with more depth)")
    diff = git(["diff", "--name-only", "-z", "--diff-filter=ACMRT", base.strip(), "--"], root)
    untracked = git(["ls-files", "-z", "--others", "--exclude-standard"], root)
    names = [name for output in (diff or "", untracked or "") for name in output.split("\0") if name]
    return tuple(sorted({Path(os.path.realpath(root / name)) for name in names}))
