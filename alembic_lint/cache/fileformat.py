"""A cache file's layout, its MAC, and the bounds on what is read before the MAC verifies.

    header  magic, schema, key id, fingerprint, index length, facts length, index MAC, facts MAC
    index   pickle of (written at, {path: (size, mtime_ns, digest, slot)}, verdict, slot bounds)
    facts   the per-file pickles (the slots), one after the other

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
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from alembic_lint.cache.key import log_debug, mac, mac_of_pieces
from alembic_lint.cache.unpickle import load_plain

MAGIC = b"alembic-lint cache\n"
SCHEMA = 3  # bump when the layout of the cache file changes
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

    def facts_mac(self, pieces: Sequence[bytes | bytearray | memoryview]) -> bytes:
        """The MAC of the facts section, from the pieces it is made of."""
        return mac_of_pieces(self.key, b"facts", pieces)


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
        self._bounds: list[int] = []  # slot i is facts[bounds[i]:bounds[i + 1]]
        self._facts: memoryview | None = None
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
        if not (isinstance(loaded, tuple) and len(loaded) == 4):
            return
        written, entries, verdict, bounds = loaded
        if type(written) is not int or not isinstance(entries, dict) or not isinstance(bounds, list):
            return
        self.written, self.entries, self._bounds = written, entries, bounds
        if isinstance(verdict, tuple) and len(verdict) == 2 and all(type(v) is bytes for v in verdict):
            self.verdict = verdict
        self._facts_at = (HEADER.size + index_length, facts_length, facts_mac, info.st_size)

    def facts(self, slot: int) -> memoryview | None:
        """The pickled facts in `slot`, read on first use from the file the index came from."""
        if self._facts is None:
            self._facts = memoryview(self._read_facts())
        bounds = self._bounds
        if not 0 <= slot < len(bounds) - 1:
            return None
        start, end = bounds[slot], bounds[slot + 1]
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(self._facts):
            return None
        return self._facts[start:end]

    def _read_facts(self) -> bytes | bytearray:
        if self._facts_at is None or self.signer is None:
            return b""
        offset, length, expected, size = self._facts_at
        try:
            fd = os.open(self.path, _READ)
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode) or info.st_size != size:
                    return b""  # replaced by another run meanwhile: parse again
                os.lseek(fd, offset, os.SEEK_SET)
                data = _read(fd, length)
            finally:
                os.close(fd)
        except OSError:
            return b""
        if len(data) != length or not _same(self.signer.facts_mac([data]), expected):
            return b""  # replaced meanwhile, or corrupt
        return data


def write_cache_file(
    path: Path,
    signer: Signer,
    stamp: bytes,
    written: int,
    entries: dict[str, Entry],
    verdict: tuple[bytes, bytes] | None,
    facts: Sequence[bytes | memoryview],
) -> None:
    """Write a signed cache file to a temporary file, then rename it over `path`. Never raises;
    a cache too large to be read back is not written."""
    bounds = [0]
    for blob in facts:
        bounds.append(bounds[-1] + len(blob))
    index_bytes = pickle.dumps((written, entries, verdict, bounds), protocol=pickle.HIGHEST_PROTOCOL)
    if len(index_bytes) > MAX_INDEX_BYTES or bounds[-1] > MAX_FACTS_BYTES:
        return
    facts_mac = signer.facts_mac(facts)  # piece by piece: the section is never joined in memory
    fields = HEADER.pack(MAGIC, SCHEMA, signer.key_id, stamp, len(index_bytes), bounds[-1], b"", b"")[:-64]
    header = fields + signer.index_mac(fields, facts_mac, index_bytes) + facts_mac
    from alembic_lint.atomic import write_atomic

    def write(handle: BinaryIO) -> None:
        handle.write(header)
        handle.write(index_bytes)
        for blob in facts:
            handle.write(blob)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _ensure_marker_files(path.parent)
        write_atomic(path, write, mode=0o600)
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
    from alembic_lint.atomic import write_bytes_atomic

    for name, text in (
        (".gitignore", "# Created by alembic-lint: this folder is a cache.\n*\n"),
        ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# Created by alembic-lint.\n"),
    ):
        marker = directory / name
        if not marker.exists():
            write_bytes_atomic(marker, text.encode("utf-8"), mode=0o644)
