"""Atomic file writes: readers see the old file or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8, newlines as given) to a temporary file in the same folder,
    then move it over `path`. Raises OSError; the temporary file never outlives a failure."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """`write_text_atomic` for bytes: the file's mode is kept when it exists."""
    temp = _temporary(path, data)
    try:
        if path.exists():
            try:
                os.chmod(temp, path.stat().st_mode & 0o7777)
            except OSError:
                pass
        os.replace(temp, path)
    except BaseException:
        _unlink(temp)
        raise


def create_bytes_atomic(path: Path, data: bytes) -> None:
    """Create `path` with `data`, whole or not at all; FileExistsError when it exists
    (a hard link from the finished temporary file never replaces an existing one)."""
    temp = _temporary(path, data)
    try:
        try:
            os.link(temp, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: exclusive create, then fill
            with open(path, "xb") as handle:
                handle.write(data)
    finally:
        _unlink(temp)


def _temporary(path: Path, data: bytes) -> str:
    """A finished temporary file beside `path`, with the mode a new file gets."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
    except BaseException:
        _unlink(temp)
        raise
    return temp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
