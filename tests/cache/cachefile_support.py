"""Read and write cache files the way an attacker (or a test) would, beside the real code."""

from __future__ import annotations

import itertools
import pickle
from dataclasses import dataclass
from pathlib import Path

from alembic_lint.cache.fileformat import HEADER, Signer, write_cache_file
from alembic_lint.cache.paths import folder_identity
from alembic_lint.discover import VersionFolder

KEY_ID_AT = 19 + 4  # after the magic and the schema


@dataclass
class Contents:
    stamp: bytes
    written: int
    entries: dict[str, tuple[int, int, bytes, int]]
    verdict: tuple[bytes, bytes] | None
    facts: list[bytes]


def read(path: Path) -> Contents:
    """A cache file's contents, trusted (the test wrote it)."""
    data = path.read_bytes()
    _, _, _, stamp, index_length, facts_length, _, _ = HEADER.unpack(data[: HEADER.size])
    index = data[HEADER.size : HEADER.size + index_length]
    written, entries, verdict, bounds = pickle.loads(index)
    section = data[HEADER.size + index_length :]
    facts = [section[start:end] for start, end in itertools.pairwise(bounds)]
    assert len(data) == HEADER.size + index_length + facts_length
    return Contents(stamp, written, entries, verdict, facts)


def write(path: Path, contents: Contents, key: bytes, folder: VersionFolder) -> None:
    """A cache file signed with `key` for `folder`, through the real writer."""
    path.unlink(missing_ok=True)
    signer = Signer(key, folder_identity(folder))
    c = contents
    write_cache_file(path, signer, c.stamp, c.written, c.entries, c.verdict, c.facts)
    assert path.is_file()


def key_id(key: bytes) -> bytes:
    return Signer(key, b"").key_id
