"""Read a file of a checkout from disk within bounds that no file in it can exceed.

A checkout decides what its files hold, and git stores symbolic links: `versions/a.py`
may be a link to `/dev/zero` (endless), to a FIFO (a read that never returns), or
simply be huge. So a source file is opened without blocking, read only when it is a
regular file, and never beyond `MAX_SOURCE_BYTES`.

The limit: the largest migration among 1,136 from nine projects that ship theirs
(superset, airflow, mlflow, prefect, keystone, neutron, aiida-core, galaxy, ...) is
42.5 kB; 2 MB is about fifty times that. It also bounds the cost of one file: the
worst legal Python measured (a 1 MB list literal, or 1 MB of `x = 1` lines) takes
`ast.parse` about 3 s and 500 MB per MB of source, so a file at the limit costs at
most about 6 s and 1 GB, once (its facts are cached).
"""

from __future__ import annotations

import io
import os
import stat

MAX_SOURCE_BYTES = 2_000_000
_OPEN = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class SourceTooLarge(Exception):
    """A file larger than `MAX_SOURCE_BYTES`: it is not read."""

    def __init__(self, size: int, limit: int = MAX_SOURCE_BYTES):
        super().__init__(size, limit)
        self.size = size
        self.limit = limit

    @property
    def message(self) -> str:
        """`file is 12.3 MB, above the 2 MB limit: not parsed` (in bytes when that would read as the limit)."""
        shown = f"{self.size / 1e6:.1f} MB"
        if float(shown.split()[0]) * 1e6 <= self.limit:
            shown = f"{self.size:,} bytes"
        return f"file is {shown}, above the {_megabytes(self.limit)} limit: not parsed"


def _megabytes(size: int) -> str:
    return f"{size / 1e6:g} MB" if size % 100_000 == 0 else f"{size:,} bytes"


def read_source(path: str | os.PathLike[str], limit: int = MAX_SOURCE_BYTES) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file, and its status taken through the open handle before reading
    (so a change during the read shows in the next run's mtime). Raises OSError (unreadable,
    not a regular file) or SourceTooLarge (above `limit`, now or while being read)."""
    fd = os.open(path, _OPEN)
    with io.FileIO(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise SourceTooLarge(info.st_size, limit)
        # Read to the end, which is usually where the stat said (one read, then one empty one),
        # but never past the limit: a file may grow while it is read.
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = handle.read(min(max(info.st_size + 1 - size, 1 << 16), limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise SourceTooLarge(size, limit)
        return b"".join(chunks), info


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return f"mode {stat.S_IFMT(mode):o}"
