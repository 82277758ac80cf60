"""The cache file: an index (versions, per-file keys, verdict) followed by the parsed facts,
written atomically. A run whose files are all unchanged reads only the index."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from alembic_lint.cache.unpickle import _NoGlobals

MAGIC = "alembic-lint-cache"
SCHEMA = 1  # bump when the layout of the cache file changes

Entry = tuple[int, int, bytes, int]  # size, mtime_ns, content digest, slot of the pickled facts


class CacheFile:
    """A cache file: an index pickle (versions, per-file keys, verdict) followed by a facts pickle
    (a list of per-file pickles). A run whose files are all unchanged reads only the index."""

    def __init__(self, path: Path, expected: bytes):
        self.path = path
        self.written = 0
        self.entries: dict[str, Entry] = {}  # path -> size, mtime_ns, digest, slot in `facts`
        self.verdict: tuple[bytes, bytes] | None = None  # verdict key, pickled diagnostics
        self._facts_at: tuple[int, int, int, int] | None = None  # offset, inode, size, mtime_ns
        self._facts: list[bytes] | None = None
        try:
            with open(path, "rb") as handle:
                index = _NoGlobals(handle).load()
                offset = handle.tell()
                stat = os.fstat(handle.fileno())
        except Exception:  # missing, unreadable, truncated, corrupt, foreign: all mean "no cache"
            return
        if not (isinstance(index, tuple) and len(index) == 6 and index[0] == MAGIC and index[1] == SCHEMA):
            return
        _, _, stamp, written, entries, verdict = index
        if stamp != expected or type(written) is not int or not isinstance(entries, dict):
            return
        self.written, self.entries = written, entries
        if isinstance(verdict, tuple) and len(verdict) == 2 and all(type(v) is bytes for v in verdict):
            self.verdict = verdict
        self._facts_at = (offset, stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def facts(self, slot: int) -> bytes | None:
        """The pickled facts in `slot`, read on first use from the same file the index came from."""
        if self._facts is None:
            self._facts = []
            if self._facts_at is not None:
                offset, inode, size, mtime = self._facts_at
                try:
                    with open(self.path, "rb") as handle:
                        stat = os.fstat(handle.fileno())
                        if (stat.st_ino, stat.st_size, stat.st_mtime_ns) == (inode, size, mtime):
                            handle.seek(offset)
                            loaded = _NoGlobals(handle).load()
                            if isinstance(loaded, list):
                                self._facts = loaded
                except Exception:
                    pass  # replaced by another run meanwhile, or corrupt: parse again
        if 0 <= slot < len(self._facts) and type(self._facts[slot]) is bytes:
            return self._facts[slot]
        return None


def write_cache_file(path: Path, *parts: object) -> None:
    """Pickle `parts` one after the other into a temporary file, then rename it over `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _ensure_marker_files(path.parent)
        fd, temp = _mkstemp(path.parent, path.name)
    except OSError:
        return
    try:
        with open(fd, "wb") as handle:
            for part in parts:
                pickle.dump(part, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _ensure_marker_files(directory: Path) -> None:
    """`.gitignore` (`*`: nothing in here is ever committed) and a CACHEDIR.TAG for backup tools."""
    for name, text in (
        (".gitignore", "# Created by alembic-lint: this folder is a cache.\n*\n"),
        ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# Created by alembic-lint.\n"),
    ):
        marker = directory / name
        if marker.exists():
            continue
        fd, temp = _mkstemp(directory, name)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes it private; these are ordinary files
        os.replace(temp, marker)


def _mkstemp(directory: Path, name: str) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
