"""The repository is the boundary: what a checkout names outside it is not read.

A pull request decides what its checkout holds: an alembic.ini whose `version_locations`
name `/home/runner/secrets`, a `script_location` of `../../..`, a versions folder that is
a link to `/`, `versions/x.py -> /proc/self/environ`. Reading any of them would print
lines of files outside the repository into a CI log (`--format full` shows the source
line of each finding). So every path that configuration or a link decides is compared,
by its real path (`os.path.realpath`), with the repository's: outside it, it is not read.

The root of a linted path is the git top level above it (a `.git` folder, or the `.git`
file of a worktree or submodule: no git process is run), else the nearest folder above
it with pyproject.toml, setup.cfg or setup.py, else the path itself (its folder, for a
file). Such a bare boundary also admits the folder of the configuration (or script
directory) that discovery finds above the path and that holds it: a versions folder
named on the command line belongs to the alembic.ini above it. None of those folders can
be a pull request's to choose: with no repository around the path, nothing above the
checkout is the checkout's. The user may admit more with `--allow-outside PATH`, a
command-line flag only: a configuration file is the pull request's to write.

Cheap by design: one `realpath` per configured location and per link, never one per
file. A plain file in a folder that is inside is inside (folder links are never walked).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from alembic_lint.records import record

_T = TypeVar("_T")

GIT = ".git"
PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py")


@record
class Boundary:
    """The folders whose files may be read: the repositories' roots and the allowed paths.

    `roots` and `allowed` are absolute paths as written (the walk up from a path compares
    them as they are); `real` holds their real paths (what a location or link resolves to
    is compared with those). `name` is how messages call the roots."""

    roots: tuple[Path, ...]
    allowed: tuple[Path, ...] = ()
    real: tuple[str, ...] = ()
    name: str = "the repository"
    bare: bool = False  # no repository was found around a root: see `widened`

    @classmethod
    def of(
        cls, roots: Iterable[Path], allowed: Iterable[Path] = (), name: str = "the repository", bare: bool = False
    ) -> Boundary:
        """A boundary around `roots`, admitting `allowed` too (each with everything below it)."""
        absolute = tuple(dict.fromkeys(Path(os.path.abspath(root)) for root in roots))
        extra = tuple(dict.fromkeys(Path(os.path.abspath(path)) for path in allowed))
        real = tuple(dict.fromkeys(os.path.realpath(path) for path in (*absolute, *extra)))
        return cls(absolute, extra, real, name, bare)

    def __or__(self, other: Boundary) -> Boundary:
        """Both boundaries' roots and allowed paths (no system call)."""
        if other == self:
            return self
        return Boundary(
            _unique((*self.roots, *other.roots)),
            _unique((*self.allowed, *other.allowed)),
            _unique((*self.real, *other.real)),
            self.name,
            self.bare or other.bare,
        )

    def widened(self, folder: Path) -> Boundary | None:
        """A bare boundary with `folder` (above its root) as its root instead: the walk up from a
        path with no repository around it looks at each folder within the boundary it would have
        if the configuration there held the path. None for a boundary that is not bare."""
        if not self.bare:
            return None
        return Boundary.of((*(root for root in self.roots if folder not in root.parents), folder), self.allowed)

    @property
    def label(self) -> str:
        """`the repository /work/app` (the roots, for messages)."""
        return f"{self.name} {', '.join(str(root) for root in self.roots)}"

    def admits(self, real: str) -> bool:
        """True when a real path is at or below a root or an allowed path."""
        for top in self.real:
            if real == top or real.startswith(top if top.endswith(os.sep) else top + os.sep):
                return True
        return False

    def outside(self, path: str | os.PathLike[str]) -> str | None:
        """The real path of `path` when it is outside (one `realpath`); None when it is inside."""
        real = os.path.realpath(path)
        return None if self.admits(real) else real

    def shown(self, path: str | os.PathLike[str], real: str) -> str:
        """How a message names where `path` (refused, with real path `real`) leads: the target
        its link names when that is already outside (`/proc/self/environ`, not the process's
        own `/proc/1234/environ`), else the real path."""
        try:
            target = os.path.normpath(os.path.join(os.path.dirname(path), os.readlink(path)))
        except (OSError, ValueError):
            return real
        return target if not self.spans(Path(target)) else real

    def spans(self, folder: Path) -> bool:
        """True when a folder, as written, is at or below a root or an allowed path: how far the
        walk up from a linted path looks for the configuration that holds it (no system call)."""
        return any(top == folder or top in folder.parents for top in (*self.roots, *self.allowed))


def checkout_root(path: Path) -> Path | None:
    """The root of the repository `path` is in: the git top level, else the project root;
    None when there is neither (see the module's docstring)."""
    start = _folder(path)
    project: Path | None = None
    for folder in (start, *start.parents):
        if os.path.lexists(folder / GIT):
            return folder
        if project is None and any(os.path.lexists(folder / name) for name in PROJECT_FILES):
            project = folder
    return project


def _unique(items: tuple[_T, ...]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(items))


def _folder(path: Path) -> Path:
    path = Path(os.path.abspath(path))
    return path if os.path.isdir(path) else path.parent


def boundary_for(paths: Sequence[Path], allowed: Iterable[Path] = (), config: Path | None = None) -> Boundary:
    """The boundary of a run over `paths`: each path's repository (the path itself when there is
    none: a bare boundary, which also admits the folder of alembic-lint's `config` file, found
    at or above the path), and the allowed paths."""
    roots = [checkout_root(path) for path in paths]
    bare = any(root is None for root in roots)
    found = [root if root is not None else _folder(path) for root, path in zip(roots, paths, strict=True)]
    if bare and config is not None:
        found.append(config.parent)
    return Boundary.of(found, allowed, bare=bare)


def refusal(target: str | os.PathLike[str], boundary: Boundary | str, named: str = "") -> str:
    """The words for something not read: `resolves to /x, outside the repository /app: not read`
    (`boundary`, or its label); `is outside ...` when the configuration `named` it so."""
    label = boundary if isinstance(boundary, str) else boundary.label
    if named and os.path.normpath(named) == str(target):
        return f"is outside {label}: not read"
    return f"resolves to {target}, outside {label}: not read"
