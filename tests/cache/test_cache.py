"""The cache never changes what is reported: every run with it prints what `--no-cache` prints."""

from __future__ import annotations

import io
import logging
import os
import pickle
import subprocess
import sys
import time
from argparse import Namespace
from dataclasses import replace
from pathlib import Path

import cachefile_support as cachefile
import pytest

from alembic_lint import cache
from alembic_lint.cache import CACHE_DIR_NAME, CacheOptions, cache_path, project_root
from alembic_lint.cache import store as cache_store
from alembic_lint.cache.key import cache_key
from alembic_lint.cli import _cache_options, main
from alembic_lint.discover import VersionFolder, discover
from alembic_lint.settings import Settings
from benchmarks.generate import generate

OLD = 1_600_000_000_000_000_000  # 2020-09-13, in ns: "edited long ago", outside the racy window


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def default_cache_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check where the cache goes by default, so conftest's override is lifted."""
    monkeypatch.delenv("ALEMBIC_LINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("ALEMBIC_LINT_NO_CACHE", raising=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    generate(root, 24, heads=2, seed=3)
    monkeypatch.chdir(root)
    return root


def versions(root: Path) -> Path:
    return root / "migrations" / "versions"


def the_cache_file(root: Path) -> Path:
    (folder,) = discover([root])
    return cache_path(folder)


def age(root: Path, when: int = OLD) -> None:
    """Give every migration an old mtime, one second apart, as if written long ago."""
    for offset, path in enumerate(sorted(versions(root).iterdir())):
        os.utime(path, ns=(when + offset * 10**9, when + offset * 10**9))


def same_as_no_cache(*argv: str) -> tuple[int, str, str]:
    cached = run(*argv)
    assert cached == run(*argv, "--no-cache")
    return cached


def test_cache_lives_at_the_project_root_and_is_ignored_by_git(project: Path) -> None:
    assert not (project / CACHE_DIR_NAME).exists()
    same_as_no_cache(".")
    folder = project / CACHE_DIR_NAME
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert [p.suffix for p in folder.iterdir() if not p.name.startswith(".") and p.name != "CACHEDIR.TAG"] == [".cache"]


def test_an_unchanged_folder_is_not_parsed_again_nor_rewritten(project: Path, parses: list[str]) -> None:
    first = run(".")
    assert len(parses) == 24
    stamp = the_cache_file(project).stat()
    parses.clear()
    assert run(".") == first
    assert parses == []
    after = the_cache_file(project).stat()
    assert (after.st_ino, after.st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)


@pytest.mark.parametrize("aged", [True, False], ids=["mtime-decides", "racy-so-content-decides"])
def test_edit_add_delete_rename_give_the_no_cache_output(project: Path, parses: list[str], aged: bool) -> None:
    files = sorted(versions(project).iterdir())
    clock = [OLD]

    def settle() -> None:
        if aged:
            clock[0] += 100 * 10**9
            age(project, clock[0])

    settle()
    base = same_as_no_cache(".")
    assert base[0] == 1  # the generated folder has two heads

    # Edit: re-chain one file onto another parent (a third head appears).
    target = files[5]
    text = target.read_text()
    revision = next(line for line in text.splitlines() if line.startswith("revision"))
    rev_id = revision.split("=")[1].strip().strip("'")
    target.write_text(
        text.replace("down_revision", "down_revision_was", 1).replace(
            "depends_on", "down_revision = None\ndepends_on", 1
        )
    )
    settle()
    parses.clear()
    edited = same_as_no_cache(".")
    assert edited != base
    assert parses.count(target.name) == 2  # once through the cache, once for --no-cache
    assert len(parses) == 25

    # Add a file.
    (versions(project) / "ffffffffffff_added.py").write_text(
        f'"""added\n\nRevision ID: ffffffffffff\nRevises: {rev_id}\n"""\n'
        f"revision = 'ffffffffffff'\ndown_revision = {rev_id!r}\nbranch_labels = None\ndepends_on = None\n"
    )
    settle()
    added = same_as_no_cache(".")
    assert "ffffffffffff" in added[1] + added[2]

    # Delete a file that others name as their down_revision.
    files[1].unlink()
    settle()
    deleted = same_as_no_cache(".")
    assert "ALM002" in deleted[1]

    # Rename a file: same content, new path.
    renamed = files[3].with_name("0000_renamed.py")
    files[3].rename(renamed)
    settle()
    parses.clear()
    result = same_as_no_cache(".")
    assert "0000_renamed.py" in result[1]
    assert parses.count("0000_renamed.py") == 2

    # Select other rules: the cached verdict is for other settings.
    same_as_no_cache(".", "--select", "ALM005")
    same_as_no_cache(".", "--format", "json")
    # Lint one file of the folder after the folder was cached.
    same_as_no_cache(str(renamed))
    # The graph command reads the same cache.
    same_as_no_cache("graph", ".", "--format", "json")


def test_a_new_top_level_package_is_seen_by_alembic_201(project: Path) -> None:
    """ALM201 reads the project's top-level modules from disk: the cached verdict depends on them."""
    target = sorted(versions(project).iterdir())[2]
    target.write_text(target.read_text() + "\nfrom shop.tables import orders\n")
    before = same_as_no_cache(".", "--select", "ALM201")
    assert "ALM201" not in before[1]
    (project / "shop").mkdir()
    (project / "shop" / "__init__.py").write_text("")
    after = same_as_no_cache(".", "--select", "ALM201")
    assert "ALM201" in after[1] and "shop" in after[1]


def write_same_size(path: Path, old: str, new: str, mtime: int) -> None:
    text = path.read_text()
    assert len(old) == len(new) and old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(mtime, mtime))


def test_same_size_and_mtime_change_is_seen_by_content_hash(project: Path) -> None:
    age(project)
    target = sorted(versions(project).iterdir())[7]
    mtime = target.stat().st_mtime_ns
    before = run(".", "--cache-check=hash")
    # Same length, same mtime, but now `down_revision` names the file itself: a new ALM008.
    text = target.read_text()
    revision = next(line for line in text.splitlines() if line.startswith("revision"))
    down = next(line for line in text.splitlines() if line.startswith("down_revision"))
    rev_id = revision.split("=")[1].strip()
    self_loop = down.split("=")[0] + "= " + rev_id
    write_same_size(target, down, self_loop, mtime)
    assert target.stat().st_size == len(text) and target.stat().st_mtime_ns == mtime
    after = same_as_no_cache(".", "--cache-check=hash")
    assert after != before
    assert "ALM008" in after[1]
    # By size and mtime alone (the default) a file edited long ago is trusted: that is the
    # documented trade-off `--cache-check=hash` exists for.
    write_same_size(target, self_loop, down, mtime)
    assert run(".", "--cache-check=hash") == before
    write_same_size(target, down, self_loop, mtime)
    assert run(".") == before


def test_a_recent_same_size_same_mtime_change_is_seen_by_default(project: Path) -> None:
    """An mtime within the filesystem's granularity of the cache write is not trusted alone."""
    target = sorted(versions(project).iterdir())[7]
    now = time.time_ns()
    os.utime(target, ns=(now, now))
    before = run(".")
    text = target.read_text()
    down = next(line for line in text.splitlines() if line.startswith("down_revision"))
    down_id = down.split("=")[1].strip()
    broken = down_id[:2] + "0" + down_id[3:] if down_id[2] != "0" else down_id[:2] + "1" + down_id[3:]
    write_same_size(target, f"= {down_id}", f"= {broken}", now)
    after = same_as_no_cache(".")
    assert after != before
    assert "ALM002" in after[1]


def test_a_touched_but_unchanged_file_is_hashed_not_parsed(project: Path, parses: list[str]) -> None:
    age(project)
    first = run(".")
    age(project, OLD + 10**12)  # a fresh checkout: every mtime moved, no content did
    parses.clear()
    assert run(".") == first
    assert parses == []


def malicious(marker: Path) -> bytes:
    """A pickle that, when loaded by a trusting unpickler, creates `marker`."""

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, (f"touch {marker}",))

    return pickle.dumps(Payload())


class Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


def damage(kind: str, path: Path, marker: Path) -> None:
    """What anyone without the key can do to a cache file."""
    data = path.read_bytes()
    header = cachefile.HEADER.size
    flips = {"flip-magic": 0, "flip-stamp": 40, "flip-lengths": 60, "flip-index-mac": 80, "flip-facts-mac": 100}
    flips |= {"flip-index": header + 10, "flip-facts": len(data) - 20, "flip-last": len(data) - 1}
    if kind in flips:
        at = flips[kind]
        path.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :])
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "header-only":
        path.write_bytes(data[:header])
    elif kind == "facts-truncated":
        path.write_bytes(data[: len(data) - 100])
    elif kind == "extended":
        path.write_bytes(data + b"\0")
    elif kind == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "foreign":
        path.write_bytes(pickle.dumps({"some": "other tool's cache"}))
    elif kind == "code":
        path.write_bytes(malicious(marker))
    elif kind == "schema-1":  # the unsigned layout of earlier versions, at the current name
        contents = cachefile.read(path)
        index = ("alembic-lint-cache", 1, contents.stamp, contents.written, contents.entries, contents.verdict)
        path.write_bytes(pickle.dumps(index) + pickle.dumps(contents.facts))
    elif kind == "directory":
        path.unlink()
        path.mkdir()
    elif kind == "fifo":
        path.unlink()
        os.mkfifo(path)
    else:
        raise AssertionError(kind)


def resign(kind: str, path: Path, marker: Path, folder: VersionFolder) -> None:
    """Cache files whose MAC verifies (a leaked key, or a bug of ours) but whose contents are
    wrong: still never trusted beyond what they may hold."""
    contents = cachefile.read(path)
    facts, entries, verdict = contents.facts, contents.entries, contents.verdict
    if kind == "code-in-facts":
        facts[0] = malicious(marker)
    elif kind == "code-in-index":
        verdict = Evil(marker)  # type: ignore[assignment]
    elif kind == "code-in-verdict":
        assert verdict is not None
        verdict = (verdict[0], malicious(marker))
    elif kind == "wrong-types":
        entries = {name: ("size", None, 3, []) for name in entries}  # type: ignore[misc]
    elif kind == "slots-out-of-range":
        entries = {name: (*entry[:3], entry[3] + 10**6) for name, entry in entries.items()}
    elif kind == "other-version":
        contents.stamp = b"\0" * len(contents.stamp)
    elif kind == "other-path":
        facts[0], facts[1] = facts[1], facts[0]
        verdict = None
    elif kind == "other-folder":
        folder = replace(folder, recursive=not folder.recursive)
    else:
        raise AssertionError(kind)
    contents.facts, contents.entries, contents.verdict = facts, entries, verdict
    cachefile.write(path, contents, cache_key(), folder)  # type: ignore[arg-type]


DAMAGE = ["flip-magic", "flip-stamp", "flip-lengths", "flip-index-mac", "flip-facts-mac", "flip-index"]
DAMAGE += ["flip-facts", "flip-last", "truncated", "header-only", "facts-truncated", "extended", "garbage"]
DAMAGE += ["empty", "foreign", "code", "schema-1", "directory", "fifo"]
RESIGNED = ["code-in-facts", "code-in-index", "code-in-verdict", "wrong-types", "slots-out-of-range"]
RESIGNED += ["other-version", "other-path", "other-folder"]


@pytest.mark.parametrize("kind", DAMAGE + RESIGNED)
def test_a_bad_cache_file_is_ignored_and_rewritten(
    project: Path, parses: list[str], kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    age(project)
    expected = run(".")
    path = the_cache_file(project)
    marker = project.parent / "pwned"
    if kind in DAMAGE:
        damage(kind, path, marker)
    else:
        resign(kind, path, marker, discover([project])[0])
    caplog.set_level(logging.DEBUG, logger="alembic_lint")
    assert run(".") == expected
    assert caplog.messages == []  # damage is ignored silently: only another key is worth a line
    edited = sorted(versions(project).iterdir())[4]
    edited.write_text(edited.read_text() + "# edited: this run reads every other file's cached facts\n")
    parses.clear()
    assert same_as_no_cache(".") == expected
    assert parses.count(edited.name) == 2
    assert not marker.exists()
    parses.clear()
    assert run(".") == expected  # rewritten and trusted again
    assert parses == ([] if kind != "directory" else [f.name for f in sorted(versions(project).iterdir())])


def test_an_unreadable_file_is_reported_every_time(project: Path) -> None:
    (versions(project) / "0_link.py").symlink_to(project / "missing.py")
    first = same_as_no_cache(".")
    assert first[0] == 1  # a finding (ALM011), never cached: reported again on the next run
    assert "0_link.py:1:1: ALM011 cannot read file: No such file or directory" in first[1]
    assert run(".") == first


def test_no_cache_reads_and_writes_nothing(project: Path) -> None:
    run("--no-cache", ".")
    run("graph", ".", "--no-cache")
    assert not (project / CACHE_DIR_NAME).exists()


def test_cache_dir_option_environment_and_setting(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    same_as_no_cache(".", "--cache-dir", str(elsewhere))
    assert not (project / CACHE_DIR_NAME).exists()
    assert (elsewhere / ".gitignore").is_file()
    assert len(list(elsewhere.glob("*.cache"))) == 1
    args = Namespace(no_cache=False, cache_dir=None, cache_check="mtime")
    from_settings = Settings(cache_dir=elsewhere)  # the `cache-dir` key of a config file
    linted = [tmp_path]  # the folder linted: `elsewhere` is inside it
    assert _cache_options(args, from_settings, linted) == CacheOptions(True, elsewhere, "mtime")
    flag = Namespace(no_cache=True, cache_dir=tmp_path, cache_check="hash")
    assert _cache_options(flag, from_settings, linted) == CacheOptions(False, tmp_path, "hash")
    monkeypatch.setenv("ALEMBIC_LINT_CACHE_DIR", str(tmp_path / "env"))
    assert _cache_options(args, from_settings, linted).directory == tmp_path / "env"
    assert _cache_options(flag, from_settings, linted).directory == tmp_path
    monkeypatch.setenv("ALEMBIC_LINT_NO_CACHE", "1")
    assert not _cache_options(args, from_settings, linted).enabled


def test_where_the_cache_goes(tmp_path: Path) -> None:
    generate(tmp_path / "app", 3, heads=1)
    (with_config,) = discover([tmp_path / "app"])
    assert project_root(with_config) == tmp_path / "app"
    (tmp_path / "app" / "alembic.ini").unlink()
    (script_dir,) = discover([tmp_path / "app"])
    assert project_root(script_dir) == tmp_path / "app"
    (versions_folder,) = discover([tmp_path / "app" / "migrations" / "versions"])
    assert project_root(versions_folder) == tmp_path / "app"
    bare = tmp_path / "bare" / "versions"
    bare.parent.mkdir()
    (tmp_path / "app" / "migrations" / "versions").rename(bare)
    (plain,) = discover([bare])
    assert project_root(plain) == bare  # no env.py beside it: not a script directory
    assert project_root(plain, config=tmp_path / "bare" / "alembic-lint.toml") == tmp_path / "bare"
    assert project_root(plain, config=tmp_path / "elsewhere" / "alembic-lint.toml") == bare


def test_concurrent_runs_leave_a_valid_cache(
    project: Path, parses: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four first runs at once: they race to make the key and to write the cache, and agree."""
    age(project)
    expected = run("--no-cache", ".")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-xdg"))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent.parent)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "alembic_lint", "."],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outputs = [proc.communicate() for proc in runs]
    assert [(proc.returncode, out.decode(), err.decode()) for proc, (out, err) in zip(runs, outputs, strict=True)] == [
        expected
    ] * 4
    keys = tmp_path / "fresh-xdg" / "alembic-lint"
    assert [p.name for p in keys.iterdir()] == ["key"]
    folder = project / CACHE_DIR_NAME
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".gitignore", "CACHEDIR.TAG", the_cache_file(project).name]
    )
    parses.clear()
    assert run(".") == expected
    assert parses == []


def test_the_cache_accepts_what_parse_produces(project: Path) -> None:
    """Every type in a parsed file's facts is allowed by the cache's unpickler (a new field of an
    unlisted type would make every entry a miss, silently)."""
    run(".")
    (folder,) = discover([project])
    store = cache.FolderCache(folder, CacheOptions(), "")
    assert len(store.slots) == len(folder.files) and None not in store.slots
    blobs = [store.container.facts(slot) for slot in store.slots]  # type: ignore[arg-type]
    assert all(cache_store._facts_from(blob, path) is not None for blob, path in zip(blobs, folder.files, strict=True))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "argv",
    [(), ("--format", "full"), ("--format", "sarif"), ("--statistics",), ("--show-fixes",), ("--format", "json")],
)
def test_a_warm_run_shows_the_fixes_a_cold_run_shows(project: Path, argv: tuple[str, ...]) -> None:
    """Findings with fixes (the generated project names PostgreSQL: ALM301), warm and cold: the
    formats, --statistics and --show-fixes read the fixes from the cached verdict; the others
    load it without them and print the same."""
    age(project)
    cold = run(".", "--no-cache", *argv)
    assert "ALM301" in cold[1] + cold[2] or argv == ("--show-fixes",)
    run(".", *argv)  # writes the verdict
    assert run(".", *argv) == cold
    assert run(".", *argv) == cold  # and reads it
