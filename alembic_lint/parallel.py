"""Parse many files, across processes when there are enough of them to pay for it.

Workers are forked (they inherit the imported modules and the list of paths, so
nothing but results crosses a process boundary). Each parses the chunks of its
share front to back and sends each chunk's facts, pickled, through a pipe as soon
as it is done; the parent parses chunks of the same share from the back, so the
two meet wherever their speeds put the meeting point. A worker that gets no CPU,
dies or sends garbage is not waited for or trusted: the parent parses what is
missing itself, so the result is always exactly the serial one.

Where `fork` is missing (Windows), unsafe (other threads are running: a
language server), not worth it (small folders) or no CPU is idle, parsing is
serial.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from alembic_lint.parse import Parsed, ParseFailure, parse_migration, read_file, read_migration

FileKey = tuple[int, int, bytes]  # size, mtime_ns, content digest: what the cache compares

# Below this many files, parsing is serial. Measured with benchmarks/crossover.py on the
# 2-core benchmark machine (one worker against serial parsing in the same process, medians
# of 7, both cores idle). 2026-11-21, generated files (1.1 kB): 100 files 0.94x, 150 1.45x,
# 300 1.56x, 2,000 1.71x. 2026-12-01, generated: 50 0.86x, 100 1.17x, 150 1.04x, 200 1.26x,
# 500 1.32x; superset's (2.5 kB a file): 50 0.92x, 75 0.90x, 100 1.24x, 150 1.29x, 344 1.33x.
# Two processes pay once the serial work is about 30 ms (a fork, copy-on-write faults and
# pickling the worker's facts cost about 20 ms): about 100 files of either kind (larger files
# cost less per byte to parse, so a threshold in bytes fits no better). With the other core
# busy, two processes were slower at every size (0.70-0.78x): `idle_cpus` keeps those runs serial.
PARALLEL_MIN_FILES = 100
# Each worker gets at least this many files, so a 300-file folder does not fork 6 workers.
_MIN_SHARE = 50
# Files per message from a worker: small enough to balance the load finely, large enough
# that pickling and the pipe cost little per file.
_CHUNK_MIN, _CHUNK_MAX = 16, 64


def digest(data: bytes) -> bytes:
    """The content hash the cache keys files by (16 bytes of BLAKE2b)."""
    try:
        from _blake2 import blake2b  # hashlib would load OpenSSL (4 ms) for the same function
    except ImportError:  # pragma: no cover - not CPython
        from hashlib import blake2b
    return blake2b(data, digest_size=16).digest()


def read_and_parse(path: Path) -> tuple[Parsed, FileKey | None]:
    """Parse one file, and say which (size, mtime, content) the facts belong to.

    The file is stat-ed through the open handle before it is read: if it changes
    while being read, its mtime moves past the recorded one and the next run parses
    it again. An unreadable or oversized file has no key (it is never cached).
    """
    read = read_file(path)
    if isinstance(read, ParseFailure):
        return read, None
    data, stat = read
    return parse_migration(path, data), (stat.st_size, stat.st_mtime_ns, digest(data))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector. The parse phase allocates hundreds of thousands
    of small acyclic objects; with the collector on, it rescans the growing heap over and
    over (measured: 4x slower at 10,000 files). Reference counting still frees everything.

    What the pause allocated and kept is still in the youngest generation when it ends, so
    the first collection after it would traverse all of it (0.4 s at 1,000 files): when that
    is a lot, it is moved to the oldest generation first (`freeze` then `unfreeze`: two list
    splices), as if it had survived. (`unfreeze` also thaws what a caller froze: a language
    server freezes its parse results again after reading many files. A small pause leaves
    them alone; `gc.get_freeze_count` cannot tell, it counts them one by one.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_count()[0] > _MANY_YOUNG:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


# Objects left in the youngest generation above which a pause moves them to the oldest one:
# a collection traverses 100,000 in about a millisecond.
_MANY_YOUNG = 100_000


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# /proc/loadavg is read this many times and the fewest running tasks count: right after this
# process started, a task woken for a moment (measured on the project machine: in half of the
# reads, with the CPUs otherwise idle) is no busy CPU; a process that computes runs in every read.
_LOAD_SAMPLES = 5


def idle_cpus() -> int:
    """CPUs not busy with other processes right now: the number we may use minus the tasks
    other than this one that are running (Linux's /proc/loadavg "running/total" field;
    elsewhere every CPU counts as idle). Measured on the 2-core benchmark machine: with one
    other busy process, two parsing processes took as long as one doing all the work alone."""
    cpus = cpu_count()
    try:
        with open("/proc/loadavg", "rb") as handle:
            samples = []
            for _ in range(_LOAD_SAMPLES):
                handle.seek(0)  # procfs makes the line again on each read from the start
                samples.append(int(handle.read().split()[3].split(b"/")[0]))
        running = min(samples)
    except (OSError, ValueError, IndexError):
        return cpus
    return max(1, cpus - max(0, running - 1))


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
    return max(1, min(idle_cpus(), count // _MIN_SHARE))


def parse_many(
    paths: Sequence[Path], *, keys: bool = False, jobs: int | None = None
) -> tuple[list[Parsed], list[FileKey | None]]:
    """Parse files in order; with `keys`, also each file's cache key (else all None)."""
    with gc_paused():
        processes = plan_jobs(len(paths), jobs)
        if processes <= 1:
            return _parse_serial(paths, keys)
        return _Pool(paths, keys, processes - 1).run()


def _parse_serial(paths: Sequence[Path], keys: bool) -> tuple[list[Parsed], list[FileKey | None]]:
    if keys:
        pairs = [read_and_parse(path) for path in paths]
        return [p for p, _ in pairs], [k for _, k in pairs]
    return [read_migration(path) for path in paths], [None] * len(paths)


_Result = tuple[list[Parsed], list[FileKey | None]]
_HEADER = 8  # chunk index and payload length, 4 bytes each


class _Worker:
    """A forked child parsing the chunks of its region in order and sending each one as
    soon as it is done. The parent takes chunks from the other end of the same region,
    so they meet wherever the child's speed puts the meeting point: a busy machine where
    the child gets no CPU costs one fork, not a slower run."""

    def __init__(self, pid: int, fd: int, first: int, end: int):
        self.pid = pid
        self.fd = fd
        self.delivered = first  # chunks [first, delivered) have arrived
        self.end = end  # chunks [end, ...) of the region were taken by the parent
        self.buffer = bytearray()
        self.alive = True

    @property
    def remaining(self) -> int:
        return self.end - self.delivered


class _Pool:
    def __init__(self, paths: Sequence[Path], keys: bool, children: int):
        self.paths = paths
        self.keys = keys
        size = max(_CHUNK_MIN, min(_CHUNK_MAX, len(paths) // (children + 1) // 8 or 1))
        self.chunks = [(start, min(start + size, len(paths))) for start in range(0, len(paths), size)]
        self.results: list[_Result | None] = [None] * len(self.chunks)
        # Child i starts at the front of region i; the parent starts at the back.
        bounds = [len(self.chunks) * i // children for i in range(children + 1)]
        self.workers = [worker for i in range(children) if (worker := self._fork(bounds[i], bounds[i + 1])) is not None]

    def run(self) -> _Result:
        try:
            if not self.workers:
                return _parse_serial(self.paths, self.keys)
            while True:
                self._drain()
                worker = max(self.workers, key=lambda w: w.remaining)
                if worker.remaining <= 0:
                    break
                worker.end -= 1
                if self.results[worker.end] is None:
                    start, end = self.chunks[worker.end]
                    self.results[worker.end] = _parse_serial(self.paths[start:end], self.keys)
        finally:
            self._stop()
        parsed: list[Parsed] = []
        found: list[FileKey | None] = []
        for index, result in enumerate(self.results):
            if result is None:  # a gap left by a worker that lied about its progress: never trusted
                start, end = self.chunks[index]
                result = _parse_serial(self.paths[start:end], self.keys)
            parsed.extend(result[0])
            found.extend(result[1])
        return parsed, found

    def _fork(self, first: int, end: int) -> _Worker | None:
        if first >= end:
            return None
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
            try:
                os.close(read_end)
                self._work(write_end, first, end)
            finally:
                os._exit(0)
        os.close(write_end)
        os.set_blocking(read_end, False)
        try:  # room for a few chunks, so a worker seldom waits for the parent to read (Linux)
            import fcntl

            fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, 1 << 20)
        except (ImportError, AttributeError, OSError):
            pass
        return _Worker(pid, read_end, first, end)

    def _work(self, fd: int, first: int, end: int) -> None:
        import pickle

        try:
            for index in range(first, end):
                start, stop = self.chunks[index]
                payload = pickle.dumps(_parse_serial(self.paths[start:stop], self.keys), protocol=5)
                record = index.to_bytes(4, "little") + len(payload).to_bytes(4, "little") + payload
                view = memoryview(record)
                while view:
                    view = view[os.write(fd, view) :]
        except BaseException:  # the parent is gone or stopped us; it parses what is missing itself
            pass

    def _drain(self) -> None:
        """Take whatever the workers have sent so far, without waiting."""
        for worker in self.workers:
            while worker.alive:
                try:
                    data = os.read(worker.fd, 1 << 20)
                except BlockingIOError:
                    break
                except OSError:
                    data = b""
                if not data:  # the worker exited: the parent takes its remaining chunks
                    worker.alive = False
                    break
                worker.buffer += data
            self._unpack(worker)
            if not worker.alive:
                worker.end = min(worker.end, worker.delivered)

    def _unpack(self, worker: _Worker) -> None:
        import pickle

        buffer = worker.buffer
        while len(buffer) >= _HEADER:
            index = int.from_bytes(buffer[:4], "little")
            length = int.from_bytes(buffer[4:8], "little")
            if len(buffer) < _HEADER + length:
                return
            payload = bytes(buffer[_HEADER : _HEADER + length])
            del buffer[: _HEADER + length]
            if index != worker.delivered:  # out of order: not what a worker sends, so stop listening
                worker.alive = False
                return
            worker.delivered += 1
            if self.results[index] is None:
                try:
                    result = pickle.loads(payload)
                except Exception:
                    continue
                start, end = self.chunks[index]
                if _well_formed(result, end - start):
                    self.results[index] = result

    def _stop(self) -> None:
        import signal

        for worker in self.workers:
            try:
                os.kill(worker.pid, signal.SIGKILL)  # it may still be parsing a chunk the parent took
            except OSError:
                pass
            try:
                os.close(worker.fd)
            except OSError:
                pass
            try:
                os.waitpid(worker.pid, 0)
            except OSError:
                pass


def _well_formed(result: object, expected: int) -> bool:
    return (
        isinstance(result, tuple)
        and len(result) == 2
        and isinstance(result[0], list)
        and isinstance(result[1], list)
        and len(result[0]) == expected
        and len(result[1]) == expected
    )
