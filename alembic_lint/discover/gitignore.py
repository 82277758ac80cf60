"""The folders git ignores, read from .gitignore files (git itself is never run).

Only folders are asked about: discovery prunes its walk with them. Configuration files
are never skipped for being ignored (projects often ignore their local alembic.ini).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
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
        """The patterns of the repository holding `folder`, from its top down to `folder`'s parent
        (`.git/info/exclude` first); none when `folder` is not in a git checkout."""
        chain: list[Path] = []
        for parent in folder.parents:
            chain.append(parent)
            if (parent / ".git").exists():
                break
        else:
            return cls()
        top = chain[-1]
        patterns = read(top / ".git" / "info" / "exclude", top)
        for parent in reversed(chain):
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
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and "]" in glob[i + 2 :]:
            end = glob.index("]", i + 2)
            body = glob[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = end + 1
        elif char == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile("".join(out))
