"""One script directory's cache for one run: which files are unchanged, the cached
verdict, the facts (cached or parsed now), and writing it all back."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint import parse
from alembic_lint.cache.fileformat import CacheFile, Entry, Signer, write_cache_file
from alembic_lint.cache.fingerprint import fingerprint
from alembic_lint.cache.key import cache_key
from alembic_lint.cache.options import CacheOptions
from alembic_lint.cache.paths import cache_directory, cache_path, folder_identity
from alembic_lint.cache.unpickle import load_facts
from alembic_lint.cache.verdict import dump_verdict, load_verdict
from alembic_lint.parallel import FileKey, digest, parse_many
from alembic_lint.parse import Parsed

if TYPE_CHECKING:
    from alembic_lint.diagnostics import Diagnostic
    from alembic_lint.discover import VersionFolder

# Timestamps coarser than this exist (FAT: 2 s); an mtime this close to the moment
# the cache was written is not trusted alone.
RACY_NS = 2_000_000_000


class FolderCache:
    """Open it (reads the cache file's index and checks every migration against it), ask for
    the cached verdict or the facts, then `save`."""

    def __init__(
        self,
        folder: VersionFolder,
        options: CacheOptions,
        settings_key: str,
        jobs: int | None = None,
        config: Path | None = None,
        history: Callable[[], object] | None = None,
    ):
        self.folder = folder
        self.options = options
        self.settings_key = settings_key
        # What the verdict also depends on when the files read it (git's HEAD, for folders
        # with `get_down_revision()` files): taken only for those, so a commit leaves the
        # verdicts of every other folder valid.
        self.history = history
        self.jobs = jobs
        self.stamp = fingerprint()
        # No key, or a project cache folder that is a link the checkout could aim anywhere: no cache.
        key = cache_key()
        self.path = cache_directory(folder, options.directory, config)
        self.signer: Signer | None = None
        if key is not None and (options.directory is not None or not os.path.islink(self.path)):
            self.path = cache_path(folder, options.directory, config, key)
            self.signer = Signer(key, folder_identity(folder))
        self.container = CacheFile(self.path, self.signer, self.stamp)
        self.verdict = self.container.verdict
        self.dirty = False
        # Per file: its key, and where its cached facts are (a slot in the old file) when valid.
        self.keys: list[FileKey | None] = []
        self.slots: list[int | None] = []
        self.fresh: dict[int, Parsed] = {}  # index -> facts parsed during the probe
        self.names = [str(path) for path in folder.files]  # what the index and the verdict key name files by
        self._probe()
        self._parsed: list[Parsed] | None = None

    def _probe(self) -> None:
        """Sort every file into: unchanged (key and cached facts), changed and already parsed
        (`fresh`), or to be parsed (no key). One `stat` per file; a read only when needed."""
        racy_after = self.container.written - RACY_NS
        by_content = self.options.check == "hash"
        entries, keys, slots, stat = self.container.entries, self.keys, self.slots, os.stat
        for index, (path, name) in enumerate(zip(self.folder.files, self.names, strict=True)):
            entry = entries.get(name)
            key: FileKey | None = None
            slot: int | None = None
            if type(entry) is tuple and len(entry) == 4:
                size, mtime, content, where = entry
                try:
                    found = stat(name)
                except OSError:
                    found = None
                malformed = (type(size), type(mtime), type(content), type(where)) != (int, int, bytes, int)
                if found is None or malformed or found.st_size != size:
                    pass  # gone, malformed or resized: parse it
                elif not by_content and found.st_mtime_ns == mtime and mtime < racy_after:
                    key, slot = (size, mtime, content), where
                else:  # same size, but the mtime moved, is racy, or hashes are asked for: compare content
                    parsed, new_key = _read_and_parse_if_changed(path, content)
                    if parsed is None and new_key is not None:
                        key, slot = new_key, where
                        self.dirty = self.dirty or new_key[1] != mtime
                    elif parsed is not None:
                        self.fresh[index] = parsed
                        key = new_key
            keys.append(key)
            slots.append(slot)

    def verdict_key(self, history: bool = False) -> bytes | None:
        """What the cached diagnostics are valid for: settings, folder, and every file's content
        (`history`: and the `history` stamp; the same contents always give the same choice)."""
        if any(key is None for key in self.keys):
            return None
        salt = repr(self.history()) if history and self.history is not None else ""
        names = "\0".join([self.settings_key, salt, str(self.folder.root), *self.names])
        contents = b"".join(key[2] for key in self.keys if key is not None)  # 16 bytes each
        return digest(names.encode("utf-8", "surrogateescape") + b"\0" + contents)

    def cached_diagnostics(self) -> list[Diagnostic] | None:
        """The previous run's diagnostics when nothing they depend on changed, else None."""
        if self.verdict is None or self.fresh:
            return None
        key = self.verdict_key()
        if key is not None and key != self.verdict[0] and self.history is not None:
            key = self.verdict_key(history=True)
        if key is None or key != self.verdict[0]:
            return None
        return load_verdict(self.verdict[1], self.folder.files, fixes=self.options.fixes)

    def parsed(self) -> list[Parsed]:
        """Every file's facts, in order: from the cache where valid, parsed now where not."""
        if self._parsed is not None:
            return self._parsed
        files = self.folder.files
        result: list[Parsed | None] = [None] * len(files)
        missing: list[int] = []
        for index, (path, slot) in enumerate(zip(files, self.slots, strict=True)):
            if index in self.fresh:
                result[index] = self.fresh[index]
                continue
            blob = self.container.facts(slot) if slot is not None else None
            facts = _facts_from(blob, path) if blob is not None else None
            if facts is None:
                missing.append(index)
                self.slots[index] = None
            else:
                result[index] = facts
        if missing:
            self.dirty = True
            parsed, keys = parse_many([files[i] for i in missing], keys=True, jobs=self.jobs)
            for index, facts, key in zip(missing, parsed, keys, strict=True):
                result[index] = facts
                self.keys[index] = key
        if self.fresh:
            self.dirty = True
        self._parsed = [item for item in result if item is not None]
        return self._parsed

    def save(self, found: Sequence[Diagnostic] | None = None, history: bool = False) -> None:
        """Write the cache if anything changed (`found`: this run's diagnostics, the new verdict;
        `history`: they depend on the `history` stamp too). Never raises: a cache that cannot
        be written is simply not written."""
        verdict = self.verdict
        if found is not None:
            key = self.verdict_key(history)
            if key is not None and (verdict is None or verdict[0] != key):
                verdict = (key, dump_verdict(found, self.folder.files))
                self.dirty = True
        if not self.dirty or self.signer is None:
            return
        parsed = self._parsed
        entries: dict[str, Entry] = {}
        facts: list[bytes | memoryview] = []
        for index, (name, key, slot) in enumerate(zip(self.names, self.keys, self.slots, strict=True)):
            if key is None:
                continue  # unreadable: try again next time
            blob = self.container.facts(slot) if slot is not None else None
            if blob is None:
                if parsed is None:
                    continue
                blob = pickle.dumps(parsed[index], protocol=pickle.HIGHEST_PROTOCOL)
            entries[name] = (key[0], key[1], key[2], len(facts))
            facts.append(blob)
        write_cache_file(self.path, self.signer, self.stamp, time.time_ns(), entries, verdict, facts)


def _read_and_parse_if_changed(path: Path, content: bytes) -> tuple[Parsed | None, FileKey | None]:
    """Read a file whose size matches its entry: (None, new key) when its content is the
    cached one, else (its facts, new key). (failure, None) when it cannot be read."""
    read = parse.read_file(path)
    if isinstance(read, parse.ParseFailure):
        return read, None
    data, stat = read
    key = (stat.st_size, stat.st_mtime_ns, digest(data))
    if key[2] == content:
        return None, key
    return parse.parse_migration(path, data), key


def _facts_from(blob: bytes | memoryview, path: Path) -> Parsed | None:
    try:
        facts = load_facts(blob)
    except Exception:
        return None
    if isinstance(facts, (parse.Migration, parse.ParseFailure)) and facts.path == path:
        return facts
    return None
