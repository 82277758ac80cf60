"""Atomic file writes: readers see the old file or the new one, never half of either.

The one place that writes a temporary file and renames (or links) it into place: the report
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
    temp = _temporary(path, write)
    try:
        os.chmod(temp, mode if mode is not None else _mode_for(path))
        os.replace(temp, path)
    except BaseException:
        _unlink(temp)
        raise


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write `data` (see `write_atomic`)."""
    write_atomic(path, _writer(data), mode=mode)


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` as UTF-8, newlines as given (see `write_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def create_bytes_atomic(path: Path, data: bytes) -> None:
    """Create `path` with `data`, whole or not at all; FileExistsError when it exists
    (a hard link from the finished temporary file never replaces an existing one)."""
    temp = _temporary(path, _writer(data))
    try:
        os.chmod(temp, _mode_for(path))
        try:
            os.link(temp, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: exclusive create, then fill
            with open(path, "xb") as handle:
                handle.write(data)
    finally:
        _unlink(temp)


def _writer(data: bytes) -> Callable[[BinaryIO], None]:
    def write(handle: BinaryIO) -> None:
        handle.write(data)

    return write


def _temporary(path: Path, write: Callable[[BinaryIO], None]) -> str:
    """A finished temporary file beside `path`."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
    except BaseException:
        _unlink(temp)
        raise
    return temp


def _mode_for(path: Path) -> int:
    """The mode of the file `path` names, else what the umask allows a new file."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
