"""Path globs as ruff matches `exclude` and `per-file-ignores` patterns.

- A pattern without `/` (`legacy`, `*_merge.py`) matches any component of the path
  relative to the project root: a file name or any folder above it.
- A pattern with `/` (`migrations/versions/0*.py`, `legacy/**`) is anchored at the
  project root and matches that path, or a folder holding the file.
- `*` and `?` stay within one component, `**` spans folders, `[abc]`/`[!abc]` are sets.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path, PurePosixPath


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(translate(pattern) + "(?:/.*)?")


def translate(pattern: str) -> str:
    """The regular expression of a glob (`*`, `?`, `**`, `[...]`), matching a whole relative path."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(ch))
            i += 1
    return "".join(out)


def matches(pattern: str, path: Path, root: Path | None) -> bool:
    """True when `path` (absolute) matches `pattern` relative to `root`."""
    pattern = pattern.replace("\\", "/").rstrip("/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    if not pattern:
        return False
    relative: PurePosixPath | None = None
    if root is not None:
        try:
            relative = PurePosixPath(path.relative_to(root).as_posix())
        except ValueError:
            relative = None
    if "/" not in pattern:
        parts = relative.parts if relative is not None else (path.name,)
        return any(_compile(pattern).fullmatch(part) for part in parts)
    if PurePosixPath(pattern).is_absolute():
        return _compile(pattern).fullmatch(path.as_posix()) is not None
    return relative is not None and _compile(pattern).fullmatch(str(relative)) is not None


def matches_any(patterns: tuple[str, ...], path: Path, root: Path | None) -> bool:
    return any(matches(pattern, path, root) for pattern in patterns)
