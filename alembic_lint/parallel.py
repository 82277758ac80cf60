"""Parse many files, across processes when there are enough of them to pay for it.

Workers are forked (they inherit the imported modules and the list of paths, so
nothing but results crosses a process boundary) and send back their facts
pickled through a pipe. The parent parses its own share meanwhile. A worker that
fails in any way is not trusted: the parent parses that share itself, so the
result is always exactly the serial one.

Where `fork` is missing (Windows), unsafe (other threads are running: a
language server) or not worth it (small folders), parsing is serial.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from alembic_lint.parse import Migration, ParseFailure, parse_migration, read_migration, unreadable

Parsed = Migration | ParseFailure
FileKey = tuple[int, int, bytes]  # size, mtime_ns, content digest: what the cache compares

# Below this many files, parsing is serial. Measured on the 2-core benchmark machine
# (benchmarks/crossover.py, 2026-11-21, medians of 7 in-process runs while other test
# suites shared the machine): forking one worker costs about 15 ms (fork, pickling the
# worker's facts, unpickling them here), which parsing half of the files on the other
# core repays from about 150 files on; 250 keeps small folders strictly serial with a margin.
PARALLEL_MIN_FILES = 250
# Each worker gets at least this many files, so a 300-file folder does not fork 16 workers.
_MIN_SHARE = 120
# The parent also unpickles the workers' facts, so it takes a slightly smaller share.
_PARENT_SHARE = 0.85


def digest(data: bytes) -> bytes:
    """The content hash the cache keys files by (16 bytes of BLAKE2b)."""
    from _blake2 import blake2b  # hashlib would load OpenSSL (4 ms) for the same function

    return blake2b(data, digest_size=16).digest()


def read_and_parse(path: Path) -> tuple[Parsed, FileKey | None]:
    """Parse one file, and say which (size, mtime, content) the facts belong to.

    The file is stat-ed through the open handle before it is read: if it changes
    while being read, its mtime moves past the recorded one and the next run parses
    it again. An unreadable file has no key (it is never cached).
    """
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            data = handle.read()
    except OSError as exc:
        return unreadable(path, exc), None
    return parse_migration(path, data), (stat.st_size, stat.st_mtime_ns, digest(data))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector. The parse phase allocates hundreds of thousands
    of small acyclic objects; with the collector on, it rescans the growing heap over and
    over (measured: 4x slower at 10,000 files). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _can_fork() -> bool:
    if not hasattr(os, "fork") or sys.platform == "darwin":  # macOS: fork is unsafe with system frameworks
        return False
    threading = sys.modules.get("threading")
    # A forked child gets only the calling thread; locks held by others stay locked forever.
    return threading is None or threading.active_count() == 1


def plan_jobs(count: int, jobs: int | None = None) -> int:
    """How many processes parse `count` files (1: serial). `jobs` forces a number."""
    if jobs is not None:
        return max(1, min(jobs, count)) if _can_fork() else 1
    if count < PARALLEL_MIN_FILES or not _can_fork():
        return 1
    return max(1, min(cpu_count(), count // _MIN_SHARE))


def parse_many(
    paths: Sequence[Path], *, keys: bool = False, jobs: int | None = None
) -> tuple[list[Parsed], list[FileKey | None]]:
    """Parse files in order; with `keys`, also each file's cache key (else all None)."""
    count = len(paths)
    with gc_paused():
        processes = plan_jobs(count, jobs)
        if processes <= 1:
            return _parse_serial(paths, keys)
        own = max(1, int(count / processes * _PARENT_SHARE)) if processes > 1 else count
        rest = count - own
        bounds = [own + rest * i // (processes - 1) for i in range(processes)]
        shares = [(bounds[i], bounds[i + 1]) for i in range(processes - 1)]
        children = [_fork_worker(paths[start:end], keys) for start, end in shares]
        try:
            parsed, found = _parse_serial(paths[:own], keys)
            for (start, end), child in zip(shares, children, strict=True):
                result = _collect(child, end - start)
                if result is None:  # the worker failed: do its share here
                    result = _parse_serial(paths[start:end], keys)
                parsed.extend(result[0])
                found.extend(result[1])
        finally:
            for child in children:
                _reap(child)
        return parsed, found


def _parse_serial(paths: Sequence[Path], keys: bool) -> tuple[list[Parsed], list[FileKey | None]]:
    if keys:
        pairs = [read_and_parse(path) for path in paths]
        return [p for p, _ in pairs], [k for _, k in pairs]
    return [read_migration(path) for path in paths], [None] * len(paths)


_Child = tuple[int, int]  # pid, read end of its pipe


def _fork_worker(paths: Sequence[Path], keys: bool) -> _Child | None:
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the worker: never returns, never runs the parent's cleanup or flushes its buffers
        status = 1
        try:
            os.close(read_end)
            payload = pickle.dumps(_parse_serial(paths, keys), protocol=pickle.HIGHEST_PROTOCOL)
            with open(write_end, "wb") as out:
                out.write(payload)
            status = 0
        except BaseException:  # the parent notices the missing result and parses the share itself
            pass
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(child: _Child | None, expected: int) -> tuple[list[Parsed], list[FileKey | None]] | None:
    """The worker's result, or None when it is missing or not what was asked for."""
    if child is None:
        return None
    _, read_end = child
    try:
        with open(read_end, "rb", closefd=False) as pipe:
            data = pipe.read()
        result = pickle.loads(data)
    except Exception:
        return None
    if (
        isinstance(result, tuple)
        and len(result) == 2
        and isinstance(result[0], list)
        and isinstance(result[1], list)
        and len(result[0]) == expected
        and len(result[1]) == expected
    ):
        return result
    return None


def _reap(child: _Child | None) -> None:
    if child is None:
        return
    pid, read_end = child
    try:
        os.close(read_end)  # a worker still writing gets EPIPE and exits
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except (OSError, ChildProcessError):
        pass
