"""A checkout cannot forge what the cache says: only files signed with the user's key count."""

from __future__ import annotations

import logging
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import cachefile_support as cachefile
import pytest
from helpers import migration_source, run_cli, write_project

from alembic_lint.cache import CACHE_DIR_NAME, cache_path, fileformat
from alembic_lint.cache.key import ENV_KEY, cache_key
from alembic_lint.discover import discover
from alembic_lint.parallel import digest
from alembic_lint.parse import parse_migration
from alembic_lint.report import FORMAT_NAMES

REPO = Path(__file__).parent.parent.parent
FORGED = "forged_but_linear"  # in the forged file's message: must never be shown


@pytest.fixture(autouse=True)
def own_key_and_default_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets a fresh key folder, and the cache goes to the project's own folder."""
    monkeypatch.delenv("ALEMBIC_LINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("ALEMBIC_LINT_NO_CACHE", raising=False)
    monkeypatch.delenv(ENV_KEY, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "alembic-lint" / "key"


@pytest.fixture
def two_heads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """a <- b, a <- c: two heads, two ALM001."""
    root = write_project(tmp_path / "project", {"a": None, "b": "a", "c": "a"})
    monkeypatch.chdir(root)
    return root


def outputs() -> dict[str, tuple[int, str, str]]:
    """Every report format of `check`, and the graph as text and JSON (which show messages)."""
    shown = {name: run_cli(".", "--format", name) for name in FORMAT_NAMES}
    for name in ("text", "json"):
        shown[f"graph {name}"] = run_cli("graph", ".", "--format", name)
    return shown


def forge(project: Path, key: bytes) -> None:
    """The attack of issue 15: a cache whose entry for c.py carries c.py's real size, mtime
    and content digest, but the facts of a linear c.py (down_revision = "b"), and a verdict
    of "nothing found"; signed with `key`, at the name the user's own cache has."""
    (folder,) = discover([project])
    path = cache_path(folder)
    real = cachefile.read(path)  # the user's own cache: its stamp, and the verdict key of the last run
    assert real.verdict is not None
    facts, entries = [], {}
    for slot, file in enumerate(folder.files):
        source = migration_source("c", "b", message=FORGED).encode() if file.name == "c.py" else file.read_bytes()
        info = file.stat()
        entries[str(file)] = (info.st_size, info.st_mtime_ns, digest(file.read_bytes()), slot)
        facts.append(pickle.dumps(parse_migration(file, source)))
    forged = cachefile.Contents(real.stamp, 0, entries, (real.verdict[0], pickle.dumps([])), facts)
    cachefile.write(path, forged, key, folder)


def test_a_forged_cache_is_not_believed(two_heads: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALEMBIC_LINT_NO_CACHE", "1")
        truth = outputs()
    assert truth["text"][0] == 1 and truth["text"][1].count("ALM001") == 2
    assert outputs() == truth  # with the user's own cache
    forge(two_heads, b"an attacker's key, not the user's")
    assert outputs() == truth
    assert not [name for name, (_, out, err) in truth.items() if FORGED in out + err]
    # The forgery is a real one: under the user's own key it would be believed.
    forge(two_heads, cache_key())  # type: ignore[arg-type]
    fooled = outputs()
    assert fooled["text"] == (0, "", "All checks passed (3 files).\n")
    assert FORGED in fooled["graph text"][1]


def test_a_cache_written_with_another_key_is_ignored_with_one_debug_line(
    two_heads: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expected = run_cli(".")
    (folder,) = discover([two_heads])
    path = cache_path(folder)
    cachefile.write(path, cachefile.read(path), b"the key of another machine entirely", folder)
    caplog.set_level(logging.DEBUG, logger="alembic_lint")
    assert run_cli(".") == expected
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("alembic_lint.cache", logging.DEBUG, f"{path} was written with another cache key: ignored")
    ]
    assert cachefile.read(path).stamp  # rewritten with ours
    caplog.clear()
    assert run_cli(".") == expected
    assert caplog.records == []


def test_the_key_is_made_once_private_and_outside_the_project(two_heads: Path, own_key_and_default_place: Path) -> None:
    key_file = own_key_and_default_place
    assert not key_file.exists()
    run_cli(".")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    key = key_file.read_bytes().strip()
    assert len(key) == 64 and int(key, 16) >= 0
    run_cli(".")
    assert key_file.read_bytes().strip() == key  # made once
    inside = sorted(str(p.relative_to(two_heads)) for p in two_heads.rglob("*") if p.is_file())
    cache_name = cache_path(discover([two_heads])[0]).name
    assert inside == sorted(
        [
            "alembic.ini",
            "migrations/env.py",
            "migrations/versions/a.py",
            "migrations/versions/b.py",
            "migrations/versions/c.py",
            f"{CACHE_DIR_NAME}/.gitignore",
            f"{CACHE_DIR_NAME}/CACHEDIR.TAG",
            f"{CACHE_DIR_NAME}/{cache_name}",
        ]
    )
    for file in two_heads.rglob("*"):
        if file.is_file():
            assert key not in file.read_bytes() and bytes.fromhex(key.decode()) not in file.read_bytes()


def test_without_xdg_cache_home_the_key_is_in_the_home_folder(
    two_heads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for xdg in (None, "relative/xdg"):  # the XDG spec: a relative path is ignored
        if xdg is None:
            monkeypatch.delenv("XDG_CACHE_HOME")
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        run_cli(".")
        assert (tmp_path / "home" / ".cache" / "alembic-lint" / "key").is_file()
    assert not (two_heads / "relative").exists()


def test_the_environment_variable_is_the_key(
    two_heads: Path, own_key_and_default_place: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    monkeypatch.setenv(ENV_KEY, "first CI secret, long enough")
    expected = run_cli(".")
    assert not own_key_and_default_place.exists()  # no key file made
    (folder,) = discover([two_heads])
    first = cache_path(folder)
    assert first == cache_path(folder, key=b"first CI secret, long enough") and first.is_file()
    parses.clear()
    assert run_cli(".") == expected and parses == []  # trusted
    monkeypatch.setenv(ENV_KEY, "another secret, as long as that")
    assert run_cli(".") == expected and len(parses) == 3  # not the same key: not trusted
    assert cache_path(folder) != first
    parses.clear()
    monkeypatch.setenv(ENV_KEY, "first CI secret, long enough")
    assert run_cli(".") == expected and parses == []  # the first key's file is still there


def test_a_short_environment_key_caches_nothing_and_says_so(
    two_heads: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(ENV_KEY, "too short")
    expected = run_cli(".", "--no-cache")
    assert run_cli(".") == expected
    assert not (two_heads / CACHE_DIR_NAME).exists()
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, f"{ENV_KEY} is shorter than 16 characters: nothing is cached")
    ]


@pytest.mark.skipif(os.name != "posix", reason="file modes and owners")
@pytest.mark.parametrize("change", ["mode", "owner"])
def test_a_key_file_others_can_use_is_refused(
    two_heads: Path, own_key_and_default_place: Path, caplog: pytest.LogCaptureFixture, change: str
) -> None:
    run_cli(".")
    key_file = own_key_and_default_place
    if change == "mode":
        key_file.chmod(0o644)
        problem = "may be read or written by other users (mode 0644)"
    else:
        if os.geteuid() != 0:
            pytest.skip("only root can give a file away")
        os.chown(key_file, 65534, -1)
        problem = "belongs to another user"
    expected = run_cli(".", "--no-cache")
    before = {p.name: p.stat().st_mtime_ns for p in (two_heads / CACHE_DIR_NAME).iterdir()}
    assert run_cli(".") == expected
    assert {p.name: p.stat().st_mtime_ns for p in (two_heads / CACHE_DIR_NAME).iterdir()} == before  # not written
    message = f"the cache key {key_file} {problem}: nothing is cached (`chmod 600` it, or delete it)"
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [(logging.WARNING, message)]


def test_no_place_for_a_key_means_no_cache(two_heads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert cache_key() is None
    assert run_cli(".") == run_cli(".", "--no-cache")
    assert not (two_heads / CACHE_DIR_NAME).exists()


def test_concurrent_first_runs_agree_on_the_key(tmp_path: Path) -> None:
    probe = "from alembic_lint.cache.key import cache_key; print(cache_key().decode())"
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "race")}
    runs = [
        subprocess.Popen([sys.executable, "-c", probe], env=env, stdout=subprocess.PIPE, text=True) for _ in range(8)
    ]
    keys = {proc.communicate()[0].strip() for proc in runs}
    folder = tmp_path / "race" / "alembic-lint"
    assert keys == {(folder / "key").read_text().strip()}
    assert [p.name for p in folder.iterdir()] == ["key"]  # no temporary file left behind


def test_a_linked_project_cache_folder_is_not_used(two_heads: Path, tmp_path: Path) -> None:
    """A checkout may hold `.alembic_lint_cache` as a link to anywhere: nothing is written through it."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (two_heads / CACHE_DIR_NAME).symlink_to(elsewhere, target_is_directory=True)
    assert run_cli(".") == run_cli(".", "--no-cache")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("section", ["index", "facts"])
def test_an_oversized_cache_file_is_not_read_nor_unpickled(
    two_heads: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str], section: str
) -> None:
    expected = run_cli(".")
    run_cli("graph", ".")  # a run that loads the facts too
    (folder,) = discover([two_heads])
    data = cache_path(folder).read_bytes()
    header = fileformat.HEADER.unpack(data[: fileformat.HEADER.size])
    index_length, facts_length = header[4], header[5]
    read: list[int] = []
    real_read = fileformat._read
    monkeypatch.setattr(fileformat, "_read", lambda fd, n: read.append(n) or real_read(fd, n))
    unpickled: list[int] = []
    monkeypatch.setattr(fileformat, "load_plain", lambda data: unpickled.append(len(data)))
    if section == "index":
        monkeypatch.setattr(fileformat, "MAX_INDEX_BYTES", index_length - 1)
    else:
        monkeypatch.setattr(fileformat, "MAX_FACTS_BYTES", facts_length - 1)
    parses.clear()
    assert run_cli(".") == expected
    assert read == [fileformat.HEADER.size] and unpickled == [] and len(parses) == 3


def test_a_cache_file_claiming_a_huge_size_is_not_read(two_heads: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sparse file as large as its header says: refused on the header alone."""
    expected = run_cli(".")
    (folder,) = discover([two_heads])
    path = cache_path(folder)
    data = path.read_bytes()
    fields = list(fileformat.HEADER.unpack(data[: fileformat.HEADER.size]))
    fields[4] = 1 << 40  # the index length
    with open(path, "wb") as handle:
        handle.write(fileformat.HEADER.pack(*fields))
        handle.truncate(fileformat.HEADER.size + fields[4] + fields[5])
    read: list[int] = []
    real_read = fileformat._read
    monkeypatch.setattr(fileformat, "_read", lambda fd, n: read.append(n) or real_read(fd, n))
    assert run_cli(".") == expected
    assert read == [fileformat.HEADER.size]
    assert path.stat().st_size < 1 << 20  # rewritten
