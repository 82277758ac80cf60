"""The secret every cache file is signed with, kept outside any project.

A checkout can hold anything, a cache folder included (`.gitignore` stops accidents,
not `git add -f`), so a cache file is trusted only when its MAC verifies under a
key the checkout cannot know:

* `ALEMBIC_LINT_CACHE_KEY`, when set and not empty: the key itself (at least
  `MIN_KEY_LENGTH` characters). For CI runners that restore a cache between jobs:
  give every job the same secret.
* else the file `key` in `$XDG_CACHE_HOME/alembic-lint/` (an absolute
  `XDG_CACHE_HOME`), else in `~/.cache/alembic-lint/`: 32 random bytes, hex,
  created on first use with mode 0600 and linked into place in one step, so two
  first runs at the same moment end up with the same key. A key file that another
  user owns or that others may read or write is not used.

No key (no home folder, a read-only one, a refused key): nothing is cached. The
library logs why (`logging`, logger `alembic_lint.cache`) and never prints.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

ENV_KEY = "ALEMBIC_LINT_CACHE_KEY"
MIN_KEY_LENGTH = 16
KEY_FILE_NAME = "key"
_KEY_BYTES = 32
_MAX_KEY_FILE = 4096  # a key file is read whole: anything larger is not one of ours


def key_folder() -> Path | None:
    """`$XDG_CACHE_HOME/alembic-lint`, else `~/.cache/alembic-lint`; None without a home folder."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative path is ignored
        return Path(xdg, "alembic-lint")
    try:
        return Path.home() / ".cache" / "alembic-lint"
    except (RuntimeError, KeyError, OSError):  # no HOME and no passwd entry
        return None


def cache_key() -> bytes | None:
    """The key to sign and verify cache files with, or None when there is none."""
    given = os.environ.get(ENV_KEY, "")
    if given:
        if len(given) < MIN_KEY_LENGTH:
            log_warning(f"{ENV_KEY} is shorter than {MIN_KEY_LENGTH} characters: nothing is cached")
            return None
        return given.encode("utf-8", "surrogateescape")
    folder = key_folder()
    if folder is None:
        log_debug("no home folder to keep the cache key in: nothing is cached")
        return None
    path = folder / KEY_FILE_NAME
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log_debug(f"cannot read the cache key {path}: {exc.strerror or exc}: nothing is cached")
        return None
    try:
        _create_key(path)
        return _read_key(path)
    except OSError as exc:
        log_debug(f"cannot create the cache key {path}: {exc.strerror or exc}: nothing is cached")
        return None


def _read_key(path: Path) -> bytes | None:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        problem = _unsafe(info)
        if problem:
            log_warning(f"the cache key {path} {problem}: nothing is cached (`chmod 600` it, or delete it)")
            return None
        data = os.read(fd, _MAX_KEY_FILE + 1)
    finally:
        os.close(fd)
    key = data.strip()
    if len(key) < MIN_KEY_LENGTH or len(data) > _MAX_KEY_FILE:
        log_debug(f"the cache key {path} is not a key (being written by another run?): nothing is cached")
        return None
    return key


def _unsafe(info: os.stat_result) -> str | None:
    """Why a key file cannot be trusted, or None."""
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if os.name != "posix":
        return None  # modes and owners mean something else there
    if info.st_uid != os.geteuid():
        return "belongs to another user"
    if info.st_mode & 0o077:
        return f"may be read or written by other users (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def _create_key(path: Path) -> None:
    """Write a new random key to a private temporary file, then link it to `path`: the link
    fails when another run was first, and then its key is the one everybody reads."""
    import tempfile

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with open(fd, "wb") as handle:
            handle.write(os.urandom(_KEY_BYTES).hex().encode("ascii") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another run made one first: use that one
        except OSError:  # a filesystem without hard links: a rename is atomic too (the last one wins)
            os.replace(temp, path)
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass


def log_debug(message: str) -> None:
    import logging

    logging.getLogger("alembic_lint.cache").debug(message)


def log_warning(message: str) -> None:
    import logging

    logging.getLogger("alembic_lint.cache").warning(message)


def mac(key: bytes, label: bytes, *parts: bytes | bytearray | memoryview) -> bytes:
    """HMAC-SHA256 under `key` of a label and parts, each part preceded by its length (so no
    two different sequences of parts sign alike)."""
    import hmac

    signer = hmac.new(key, label + b"\0", "sha256")
    for part in parts:
        signer.update(len(part).to_bytes(8, "little"))
        signer.update(part)
    return signer.digest()


def mac_of_pieces(key: bytes, label: bytes, pieces: Sequence[bytes | bytearray | memoryview]) -> bytes:
    """`mac(key, label, b"".join(pieces))`, without joining them."""
    import hmac

    signer = hmac.new(key, label + b"\0", "sha256")
    signer.update(sum(len(piece) for piece in pieces).to_bytes(8, "little"))
    for piece in pieces:
        signer.update(piece)
    return signer.digest()
