"""Atomic file writes: readers see the old file or the new one, never half of either.

The one place that writes a temporary file and renames it over the target: the report
(`--output-file`), the cache, and the fixes all write through here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: Path, write: Callable[[BinaryIO], None], *, mode: int | None = None) -> None:
    """Call `write` with a binary file in `path`'s folder, then move that file over `path`.

    The new file gets `mode` when given; otherwise the mode of the file it replaces, or
    what the umask allows for a new file (0o666 & ~umask). Raises OSError (and whatever
    `write` raises); the temporary file never outlives a failure."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.chmod(temp, mode if mode is not None else _mode_for(path))
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write `data` (see `write_atomic`)."""

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    write_atomic(path, write, mode=mode)


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` as UTF-8, newlines as given (see `write_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
