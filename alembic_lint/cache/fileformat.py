"""A cache file's layout, its MAC, and the bounds on what is read before the MAC verifies.

    header  magic, schema, key id, fingerprint, index length, facts length, index MAC, facts MAC
    index   pickle of (written at, {path: (size, mtime_ns, digest, slot)}, verdict)
    facts   pickle of a list of per-file pickles (the slots)

The index MAC (HMAC-SHA256, key.py) covers the header's fields, the facts MAC, the
folder the file is for and the index; the facts MAC covers the facts. So the whole
file is authenticated, and a run whose files are all unchanged reads and verifies
only the header and the index. Nothing is unpickled before its MAC verifies, and
nothing is read at all from a file that is not a regular file, names another schema,
key or fingerprint, or says it is larger than the bounds below (a hostile file can
make us read at most `HEADER.size` bytes).
"""

from __future__ import annotations

import io
import os
import pickle
import stat
import struct
from pathlib import Path

from alembic_lint.cache.key import log_debug, mac
from alembic_lint.cache.unpickle import load_plain

MAGIC = b"alembic-lint cache\n"
SCHEMA = 2  # bump when the layout of the cache file changes
HEADER = struct.Struct("<19sI8s16sQQ32s32s")
# A 10,000-file folder's index is about 1.3 MB and its facts 17 MB: these bounds leave
# room for folders fifty times that, and are what a cache can cost in memory at most.
MAX_INDEX_BYTES = 64 << 20
MAX_FACTS_BYTES = 1 << 30

Entry = tuple[int, int, bytes, int]  # size, mtime_ns, content digest, slot of the pickled facts

_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)  # a FIFO must not block us


class Signer:
    """The key, and the folder a cache file is for: a file signed for one folder is not valid for another."""

    def __init__(self, key: bytes, folder: bytes):
        self.key = key
        self.folder = folder
        self.key_id = mac(key, b"key id")[:8]  # says "another key" apart from "corrupt"; reveals nothing

    def index_mac(self, fields: bytes, facts_mac: bytes, index: bytes | bytearray) -> bytes:
        return mac(self.key, b"index", fields, facts_mac, self.folder, index)

    def facts_mac(self, facts: bytes | bytearray) -> bytes:
        return mac(self.key, b"facts", facts)


class CacheFile:
    """A cache file as read by one run: its index (verified, then decoded), and the pickled
    facts of each slot, read and verified on first use."""

    def __init__(self, path: Path, signer: Signer | None, stamp: bytes):
        self.path = path
        self.signer = signer
        self.written = 0
        self.entries: dict[str, Entry] = {}  # path -> size, mtime_ns, digest, slot in `facts`
        self.verdict: tuple[bytes, bytes] | None = None  # verdict key, pickled diagnostics
        self._facts_at: tuple[int, int, bytes, int] | None = None  # offset, length, MAC, file size
        self._facts: list[bytes] | None = None
        if signer is not None:
            self._load(signer, stamp)

    def _load(self, signer: Signer, stamp: bytes) -> None:
        try:
            fd = os.open(self.path, _READ)
        except OSError:
            return  # no cache yet, or unreadable
        try:
            info = os.fstat(fd)
            header = _read(fd, HEADER.size) if stat.S_ISREG(info.st_mode) else b""
            if len(header) != HEADER.size:
                return
            magic, schema, key_id, found_stamp, index_length, facts_length, index_mac, facts_mac = HEADER.unpack(header)
            if magic != MAGIC or schema != SCHEMA or found_stamp != stamp:
                return  # not a cache file, or another version's
            if key_id != signer.key_id:
                log_debug(f"{self.path} was written with another cache key: ignored")
                return
            if (
                index_length > MAX_INDEX_BYTES
                or facts_length > MAX_FACTS_BYTES
                or info.st_size != HEADER.size + index_length + facts_length
            ):
                return
            index = _read(fd, index_length)
        except OSError:
            return
        finally:
            os.close(fd)
        if len(index) != index_length or not _same(signer.index_mac(header[:-64], facts_mac, index), index_mac):
            return  # corrupt, truncated, or forged
        try:
            loaded = load_plain(index)
        except Exception:
            return
        if not (isinstance(loaded, tuple) and len(loaded) == 3):
            return
        written, entries, verdict = loaded
        if type(written) is not int or not isinstance(entries, dict):
            return
        self.written, self.entries = written, entries
        if isinstance(verdict, tuple) and len(verdict) == 2 and all(type(v) is bytes for v in verdict):
            self.verdict = verdict
        self._facts_at = (HEADER.size + index_length, facts_length, facts_mac, info.st_size)

    def facts(self, slot: int) -> bytes | None:
        """The pickled facts in `slot`, read on first use from the file the index came from."""
        if self._facts is None:
            self._facts = self._read_facts()
        if 0 <= slot < len(self._facts) and type(self._facts[slot]) is bytes:
            return self._facts[slot]
        return None

    def _read_facts(self) -> list[bytes]:
        if self._facts_at is None or self.signer is None:
            return []
        offset, length, expected, size = self._facts_at
        try:
            fd = os.open(self.path, _READ)
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode) or info.st_size != size:
                    return []  # replaced by another run meanwhile: parse again
                os.lseek(fd, offset, os.SEEK_SET)
                data = _read(fd, length)
            finally:
                os.close(fd)
        except OSError:
            return []
        if len(data) != length or not _same(self.signer.facts_mac(data), expected):
            return []  # replaced meanwhile, or corrupt
        try:
            loaded = load_plain(data)
        except Exception:
            return []
        return loaded if isinstance(loaded, list) else []


def write_cache_file(
    path: Path,
    signer: Signer,
    stamp: bytes,
    index: tuple[int, dict[str, Entry], tuple[bytes, bytes] | None],
    facts: list[bytes],
) -> None:
    """Write a signed cache file to a temporary file, then rename it over `path`. Never raises;
    a cache too large to be read back is not written."""
    index_bytes = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    facts_bytes = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
    if len(index_bytes) > MAX_INDEX_BYTES or len(facts_bytes) > MAX_FACTS_BYTES:
        return
    facts_mac = signer.facts_mac(facts_bytes)
    fields = HEADER.pack(MAGIC, SCHEMA, signer.key_id, stamp, len(index_bytes), len(facts_bytes), b"", b"")[:-64]
    header = fields + signer.index_mac(fields, facts_mac, index_bytes) + facts_mac
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _ensure_marker_files(path.parent)
        fd, temp = _mkstemp(path.parent, path.name)
    except OSError:
        return
    try:
        with open(fd, "wb") as handle:
            handle.write(header)
            handle.write(index_bytes)
            handle.write(facts_bytes)
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _read(fd: int, length: int) -> bytearray:
    """Up to `length` bytes from `fd` (fewer at the end of the file)."""
    buffer = bytearray(length)
    got = 0
    with io.FileIO(fd, "rb", closefd=False) as raw, memoryview(buffer) as view:
        while got < length:
            chunk = raw.readinto(view[got:])
            if not chunk:
                break
            got += chunk
    del buffer[got:]
    return buffer


def _same(a: bytes, b: bytes) -> bool:
    import hmac

    return hmac.compare_digest(a, b)


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
