"""A per-file cache of parsed facts, and of the last verdict per script directory.

Like ruff's cache: one file per script directory under `.alembic_lint_cache/` at
the project root (the folder of the alembic.ini / pyproject.toml discovery used;
else the parent of the script directory; else the linted folder), with a
`.gitignore` holding `*`. Each migration's entry is keyed by its path, size,
mtime (nanoseconds) and a BLAKE2b hash of its content:

* `mtime` check (the default): an entry whose size and mtime match is used as it
  is, unless the mtime is within `RACY_NS` of the moment the cache was written
  ("racily clean", as git calls it: an edit in the same clock tick as our read
  would keep the mtime), in which case the content hash decides. A file whose
  mtime moved but whose content did not (a `git checkout`, a restored CI cache)
  is re-hashed, not re-parsed.
* `hash` check (`--cache-check=hash`): every file is read and its hash compared,
  for filesystems or tools that keep mtimes while changing content.

When every file is unchanged and the settings are the same, the diagnostics of
the previous run are reused without even loading the facts (the "verdict"); when
some changed, only those are parsed and the graph is rebuilt.

The whole cache is invalidated by a different alembic-lint version or source
files (an editable install being worked on), Python version, or shape of the
parsed facts (a hash of the fields of every dataclass a cache file may hold:
those of `parse.py` and `diagnostics.py` and those their fields name). Parsing
takes no settings, so facts do not depend on them. The verdict does: its key
holds `repr(settings)`, every file's content hash, and what each selected rule
reads from elsewhere (`Rule.outside_inputs`: ALM201's list of the project's
top-level modules). A rule that reads anything else from disk must say so there.

Safety: the cache lives in the user's own project, but a pull request could
commit one, and unpickling can run code. So nothing is trusted: the container is
unpickled with no globals allowed at all, each file's facts with only those
dataclasses and `pathlib` paths allowed, and the
loaded structure is checked (types, versions, the path it claims to be for).
Anything unexpected (corrupt, truncated, foreign, from another version) means
"no cache": the files are parsed and the cache rewritten. Writes go to a
temporary file renamed over the old one, so concurrent runs never leave a torn
file (the last writer wins).
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, BinaryIO, ClassVar, Literal

from alembic_lint import __version__, diagnostics, parse
from alembic_lint.parallel import FileKey, digest, parse_many
from alembic_lint.parse import Parsed

if TYPE_CHECKING:
    from alembic_lint.diagnostics import Diagnostic
    from alembic_lint.discover import VersionFolder

CACHE_DIR_NAME = ".alembic_lint_cache"
SCHEMA = 1  # bump when the layout of the cache file changes
MAGIC = "alembic-lint-cache"
# Timestamps coarser than this exist (FAT: 2 s); an mtime this close to the moment
# the cache was written is not trusted alone.
RACY_NS = 2_000_000_000

CheckMode = Literal["mtime", "hash"]
CHECK_MODES: tuple[CheckMode, ...] = ("mtime", "hash")

_Entry = tuple[int, int, bytes, int]  # size, mtime_ns, content digest, slot of the pickled facts


@dataclass(frozen=True)
class CacheOptions:
    """How the command line uses the cache. `enabled=False` reads and writes nothing."""

    enabled: bool = True
    directory: Path | None = None  # None: <project root>/.alembic_lint_cache
    check: CheckMode = "mtime"


def project_root(folder: VersionFolder, config: Path | None = None) -> Path:
    """Where `.alembic_lint_cache/` goes for a script directory: beside the alembic.ini or
    pyproject.toml it came from, else beside alembic-lint's own `config` file when that holds
    it, else beside the script directory, else in the folder linted."""
    if folder.config is not None:
        return folder.config.parent
    root = folder.root
    if config is not None and (config.parent == root or config.parent in root.parents):
        return config.parent
    if root.name == "versions" and _is_script_dir(root.parent):
        return root.parent.parent  # a versions folder given: beside its script directory
    if root / "versions" in folder.locations and _is_script_dir(root):
        return root.parent  # a script directory found without a config
    return root


def _is_script_dir(folder: Path) -> bool:
    return (folder / "env.py").is_file() or (folder / "script.py.mako").is_file()


def cache_path(folder: VersionFolder, directory: Path | None = None, config: Path | None = None) -> Path:
    """The cache file of one script directory (named after it and its version locations)."""
    base = directory if directory is not None else project_root(folder, config) / CACHE_DIR_NAME
    ident = "\0".join([str(folder.root), *(str(p) for p in folder.locations), str(folder.recursive)])
    name = folder.root.name or "root"
    return base / f"{name}-{digest(ident.encode('utf-8', 'surrogateescape')).hex()[:16]}.cache"


# -- what invalidates everything ---------------------------------------------------
def fact_classes() -> list[type]:
    """Every dataclass a cache file may hold: those of parse.py and diagnostics.py, and any
    other reachable from `Migration`, `ParseFailure` or `Diagnostic` through field annotations
    (noqa.py's `Suppressions`, for one)."""
    import re

    found: dict[type, None] = {}
    todo: list[type] = [
        value
        for module in (parse, diagnostics)
        for value in vars(module).values()
        if isinstance(value, type) and hasattr(value, "__dataclass_fields__") and value.__module__ == module.__name__
    ]
    while todo:
        cls = todo.pop()
        if cls in found:
            continue
        found[cls] = None
        namespace = vars(sys.modules[cls.__module__])
        for field in cls.__dataclass_fields__.values():  # type: ignore[attr-defined]
            for name in re.findall(r"[A-Za-z_]\w*", str(field.type)):
                value = namespace.get(name)
                if isinstance(value, type) and hasattr(value, "__dataclass_fields__"):
                    todo.append(value)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__qualname__))


def _fields_fingerprint() -> str:
    """The shape of the facts: every class a cache file may hold, with its fields and their types."""
    return ";".join(
        f"{cls.__module__}.{cls.__qualname__}("
        + ",".join(f"{k}:{f.type}" for k, f in cls.__dataclass_fields__.items())
        + ")"  # type: ignore[attr-defined]
        for cls in fact_classes()
    )


def _code_fingerprint() -> str:
    """Size and mtime of every source file of the package: a changed checkout invalidates the cache
    even before the version number moves."""
    package = Path(__file__).parent
    parts = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                parts.append(
                    f"{os.path.relpath(os.path.join(folder, name), package)}:{stat.st_size}:{stat.st_mtime_ns}"
                )
    return ";".join(parts)


def fingerprint() -> bytes:
    impl = sys.implementation
    text = "\n".join(
        [
            MAGIC,
            str(SCHEMA),
            __version__,
            impl.name,
            ".".join(map(str, impl.version[:2])),
            _fields_fingerprint(),
            _code_fingerprint(),
        ]
    )
    return digest(text.encode("utf-8", "surrogateescape"))


# -- untrusted bytes -------------------------------------------------------------
class _NoGlobals(pickle.Unpickler):
    """The container holds only dicts, tuples, ints, strings and bytes: no class may be named."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache file")


def _allowed_classes() -> dict[tuple[str, str], type]:
    allowed = {(cls.__module__, cls.__qualname__): cls for cls in fact_classes()}
    path_types = {type(Path()), *(cls for cls in type(Path()).__mro__ if issubclass(cls, PurePath))}
    for cls in path_types:
        allowed[(cls.__module__, cls.__qualname__)] = cls
    return allowed


class _FactsUnpickler(pickle.Unpickler):
    allowed: ClassVar[dict[tuple[str, str], type]] = {}

    def find_class(self, module: str, name: str) -> type:
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache file") from None


def _load_facts(blob: bytes) -> object:
    if not _FactsUnpickler.allowed:
        _FactsUnpickler.allowed = _allowed_classes()
    return _FactsUnpickler(io.BytesIO(blob)).load()


class _Container:
    """A cache file: an index pickle (versions, per-file keys, verdict) followed by a facts pickle
    (a list of per-file pickles). A run whose files are all unchanged reads only the index."""

    def __init__(self, path: Path, expected: bytes):
        self.path = path
        self.written = 0
        self.entries: dict[str, _Entry] = {}  # path -> size, mtime_ns, digest, slot in `facts`
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


# -- one script directory's cache, for one run -------------------------------------
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
    ):
        self.folder = folder
        self.options = options
        self.path = cache_path(folder, options.directory, config)
        self.settings_key = settings_key
        self.jobs = jobs
        self.stamp = fingerprint()
        self.container = _Container(self.path, self.stamp)
        self.verdict = self.container.verdict
        self.dirty = False
        # Per file: its key, and where its cached facts are (a slot in the old file) when valid.
        self.keys: list[FileKey | None] = []
        self.slots: list[int | None] = []
        self.fresh: dict[int, Parsed] = {}  # index -> facts parsed during the probe
        self._probe()
        self._parsed: list[Parsed] | None = None

    def _probe(self) -> None:
        """Sort every file into: unchanged (key and cached facts), changed and already parsed
        (`fresh`), or to be parsed (no key). One `stat` per file; a read only when needed."""
        racy_after = self.container.written - RACY_NS
        by_content = self.options.check == "hash"
        entries, keys, slots, stat = self.container.entries, self.keys, self.slots, os.stat
        for index, path in enumerate(self.folder.files):
            name = str(path)
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

    def verdict_key(self) -> bytes | None:
        """What the cached diagnostics are valid for: settings, folder, and every file's content."""
        if any(key is None for key in self.keys):
            return None
        names = "\0".join([self.settings_key, str(self.folder.root), *map(str, self.folder.files)])
        contents = b"".join(key[2] for key in self.keys if key is not None)  # 16 bytes each
        return digest(names.encode("utf-8", "surrogateescape") + b"\0" + contents)

    def cached_diagnostics(self) -> list[Diagnostic] | None:
        """The previous run's diagnostics when nothing they depend on changed, else None."""
        if self.verdict is None or self.fresh:
            return None
        key = self.verdict_key()
        if key is None or key != self.verdict[0]:
            return None
        try:
            loaded = _load_facts(self.verdict[1])
        except Exception:
            return None
        if not isinstance(loaded, list) or not all(isinstance(d, diagnostics.Diagnostic) for d in loaded):
            return None
        return loaded

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

    def save(self, found: Sequence[Diagnostic] | None = None) -> None:
        """Write the cache if anything changed (`found`: this run's diagnostics, the new verdict).
        Never raises: a cache that cannot be written is simply not written."""
        verdict = self.verdict
        if found is not None:
            key = self.verdict_key()
            if key is not None and (verdict is None or verdict[0] != key):
                verdict = (key, pickle.dumps(list(found), protocol=pickle.HIGHEST_PROTOCOL))
                self.dirty = True
        if not self.dirty:
            return
        parsed = self._parsed
        entries: dict[str, _Entry] = {}
        facts: list[bytes] = []
        for index, (path, key, slot) in enumerate(zip(self.folder.files, self.keys, self.slots, strict=True)):
            if key is None:
                continue  # unreadable: try again next time
            blob = self.container.facts(slot) if slot is not None else None
            if blob is None:
                if parsed is None:
                    continue
                blob = pickle.dumps(parsed[index], protocol=pickle.HIGHEST_PROTOCOL)
            entries[str(path)] = (key[0], key[1], key[2], len(facts))
            facts.append(blob)
        _write_atomically(self.path, (MAGIC, SCHEMA, self.stamp, time.time_ns(), entries, verdict), facts)


def _read_and_parse_if_changed(path: Path, content: bytes) -> tuple[Parsed | None, FileKey | None]:
    """Read a file whose size matches its entry: (None, new key) when its content is the
    cached one, else (its facts, new key). (failure, None) when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            data = handle.read()
    except OSError as exc:
        return parse.unreadable(path, exc), None
    key = (stat.st_size, stat.st_mtime_ns, digest(data))
    if key[2] == content:
        return None, key
    return parse.parse_migration(path, data), key


def _facts_from(blob: bytes, path: Path) -> Parsed | None:
    try:
        facts = _load_facts(blob)
    except Exception:
        return None
    if isinstance(facts, (parse.Migration, parse.ParseFailure)) and facts.path == path:
        return facts
    return None


def _write_atomically(path: Path, *parts: object) -> None:
    """Pickle `parts` one after the other into a private file that replaces `path` atomically."""
    from alembic_lint.atomic import write_atomic

    def write(handle: BinaryIO) -> None:
        for part in parts:
            pickle.dump(part, handle, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _ensure_marker_files(path.parent)
        write_atomic(path, write, mode=0o600)
    except OSError:
        pass


def _ensure_marker_files(directory: Path) -> None:
    """`.gitignore` (`*`: nothing in here is ever committed) and a CACHEDIR.TAG for backup tools."""
    from alembic_lint.atomic import write_bytes_atomic

    for name, text in (
        (".gitignore", "# Created by alembic-lint: this folder is a cache.\n*\n"),
        ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# Created by alembic-lint.\n"),
    ):
        marker = directory / name
        if marker.exists():
            continue
        write_bytes_atomic(marker, text.encode("utf-8"), mode=0o644)
