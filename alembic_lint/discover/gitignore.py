"""The folders git ignores, read from .gitignore files (git itself is never run).

Only folders are asked about: discovery prunes its walk with them. Configuration files
are never skipped for being ignored (projects often ignore their local alembic.ini).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from alembic_lint.globs import translate
from alembic_lint.records import record


@record
class Pattern:
    base: Path  # the folder of the .gitignore file
    regex: re.Pattern[str]
    negated: bool
    anchored: bool  # matched against the path below `base`, else against the name alone


class Ignores:
    """The patterns that apply below some folder, in the order git reads them (last match wins)."""

    def __init__(self, patterns: tuple[Pattern, ...] = ()) -> None:
        self.patterns = patterns

    @classmethod
    def above(cls, folder: Path) -> Ignores:
        """The patterns that apply inside `folder` before its own .gitignore: the repository's
        `.git/info/exclude`, then the .gitignore files from its top down to `folder`'s parent;
        none when `folder` is not in a git checkout."""
        top = next((parent for parent in (folder, *folder.parents) if (parent / ".git").exists()), None)
        if top is None:
            return cls()
        patterns = read(top / ".git" / "info" / "exclude", top)
        for parent in reversed(folder.parents):
            if parent == top or top in parent.parents:
                patterns += read(parent / ".gitignore", parent)
        return cls(patterns)

    def below(self, folder: Path) -> Ignores:
        """These patterns and those of `folder/.gitignore`."""
        more = read(folder / ".gitignore", folder)
        return Ignores(self.patterns + more) if more else self

    def ignores(self, folder: Path) -> bool:
        """True when git ignores this folder (its parent is not ignored: the walk never entered one)."""
        ignored = False
        for pattern in self.patterns:
            if pattern.negated == (not ignored):
                continue  # it could not change the answer
            if pattern.anchored:
                try:
                    subject = folder.relative_to(pattern.base).as_posix()
                except ValueError:
                    continue
            else:
                subject = folder.name
            if pattern.regex.fullmatch(subject):
                ignored = not pattern.negated
        return ignored


def read(path: Path, base: Path) -> tuple[Pattern, ...]:
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return ()
    out = []
    for line in text.splitlines():
        pattern = _pattern(line, base)
        if pattern is not None:
            out.append(pattern)
    return tuple(out)


def _pattern(line: str, base: Path) -> Pattern | None:
    if not line.strip() or line.startswith("#"):
        return None
    line = re.sub(r"(?<!\\)\s+$", "", line)  # trailing spaces, unless escaped
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    if line.startswith("\\"):
        line = line[1:] if line[1:2] in ("#", "!") else line
    line = line.rstrip("/")  # "dir/" matches folders only: only folders are asked about
    if not line:
        return None
    anchored = "/" in line
    return Pattern(base, _compile(line.lstrip("/")), negated, anchored)


@functools.lru_cache(maxsize=1024)
def _compile(glob: str) -> re.Pattern[str]:
    """A .gitignore pattern is a glob (`**/` any folders, `/**` everything inside): the same as `exclude`'s."""
    return re.compile(translate(glob.replace("\\", "")))  # `\*` escapes: the rare literal, taken as the glob
