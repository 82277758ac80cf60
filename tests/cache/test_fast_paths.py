"""Each shortcut taken for speed gives exactly what the straightforward code gives."""

from __future__ import annotations

import io
import json
import os
import re
import tokenize
from pathlib import Path

import pytest

from alembic_lint.discover import MIGRATION_FILE, list_migration_files
from alembic_lint.graph import Cycle, RevisionGraph
from alembic_lint.history import dumps_indented, format_graph_json
from alembic_lint.parse import parse_migration
from alembic_lint.source import DecodeError, decode_source, split_lines


def reference_listing(locations: list[Path], recursive: bool) -> tuple[Path, ...]:
    """The listing as first written: os.walk and a resolve() per file."""
    files: list[Path] = []
    seen: set[Path] = set()
    for location in locations:
        if not location.is_dir():
            continue
        for root, dirs, names in os.walk(location):
            dirs.sort()
            dirs[:] = [d for d in dirs if not d.endswith("__pycache__")]
            if root.endswith("__pycache__"):
                continue
            for name in sorted(names):
                if not MIGRATION_FILE.match(name):
                    continue
                path = Path(root, name)
                real = path.resolve()
                if real in seen:
                    continue
                seen.add(real)
                files.append(path)
            if not recursive:
                break
    return tuple(files)


def test_listing_matches_os_walk_with_links_caches_and_nesting(tmp_path: Path) -> None:
    top = tmp_path / "versions"
    for name in ["b.py", "a.py", "__init__.py", ".#lock.py", ".hidden.py", "notes.txt", "c.pyc", "Z.py"]:
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text("")
    for name in ["2024/expand/x.py", "2024/contract/y.py", "2023/a.py", "__pycache__/p.py", "x__pycache__/q.py"]:
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text("")
    (top / "link_to_a.py").symlink_to(top / "a.py")
    (top / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    (top / "dir_link").symlink_to(top / "2024", target_is_directory=True)
    (top / "dir.py").mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.py").symlink_to(top / "a.py")
    (other / "own.py").write_text("")
    for locations in ([top], [top, other], [other, top], [top / "2024", top]):
        for recursive in (False, True):
            ours = list_migration_files(locations, recursive)
            assert ours == reference_listing(locations, recursive)
            assert [str(p) for p in ours] == [os.path.join(*p.parts) for p in ours]
    assert [p.name for p in list_migration_files([top], False)] == [
        ".hidden.py",
        "Z.py",
        "a.py",
        "b.py",
        "dangling.py",
    ]


@pytest.mark.parametrize(
    "value",
    [{}, [], {"a": []}, {"a": {"b": [1, 2.5, None, True, 'x\u00e9"\\\n']}}, ["\u00e9", {"k": {}}], 3, "s", [[[]]]],
)
def test_indented_json_is_the_stdlib_text(value: object) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2)


def test_graph_json_paths_are_relative_like_pathlib(tmp_path: Path) -> None:
    versions = tmp_path / "p" / "versions"
    versions.mkdir(parents=True)
    (versions / "a1.py").write_text('revision = "a1"\ndown_revision = None\n')
    parsed = [parse_migration(versions / "a1.py", (versions / "a1.py").read_bytes())]
    graph = RevisionGraph.build(parsed)
    for base, shown in [
        (tmp_path / "p", "versions/a1.py"),
        (versions, "a1.py"),
        (Path("/"), (versions / "a1.py").as_posix()[1:]),
        (tmp_path / "q", (versions / "a1.py").as_posix()),
        (tmp_path / "p" / "vers", (versions / "a1.py").as_posix()),
    ]:
        text = format_graph_json(graph, base)
        assert text == json.dumps(json.loads(text), indent=2) + "\n"
        assert json.loads(text)["revisions"]["a1"]["path"] == shown


def reference_decode(data: bytes) -> str | None:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


@pytest.mark.parametrize(
    "data",
    [
        b"x = 1\n",
        b"",
        b"# -*- coding: latin-1 -*-\nx = 1\n",
        b"# -*- coding: bogus -*-\nx = 1\n",
        b"\n# vim: set fileencoding=ascii :\nx = 1\n",
        b"x = 1\n\n# coding: bogus (third line: ignored)\n",
        b"x = 1\r# coding: bogus\r",
        b"\xef\xbb\xbfx = 1\n",
        b"x = '\xc3\xa9'\n",
        b"x = '\xff'\n",
        b"x = 1\r\ny = 2\r\n",
    ],
)
def test_decoding_shortcut_agrees_with_tokenize(data: bytes) -> None:
    decoded = decode_source(data)
    expected = reference_decode(data)
    if expected is None:
        assert isinstance(decoded, DecodeError)
    else:
        assert decoded == expected


@pytest.mark.parametrize("text", ["", "a", "a\nb", "a\r\nb\rc\n", "a\x0cb\nc", "a\u2028b\n", "\n\n", "x\r"])
def test_line_split_shortcut_agrees_with_the_regex(text: str) -> None:
    assert split_lines(text) == re.split(r"\r\n|\r|\n", text)


def node_file(tmp_path: Path, rev: str, down: object, depends: object = None) -> object:
    path = tmp_path / f"{rev}.py"
    source = f"revision = {rev!r}\ndown_revision = {down!r}\ndepends_on = {depends!r}\n"
    return parse_migration(path, source)


def test_cycles_are_still_found_after_the_acyclic_check(tmp_path: Path) -> None:
    acyclic = RevisionGraph.build(
        [node_file(tmp_path, "a", None), node_file(tmp_path, "b", "a"), node_file(tmp_path, "c", ("a", "b"), "b")]  # type: ignore[misc]
    )
    assert not acyclic.problems_of(Cycle)
    down_cycle = RevisionGraph.build(
        [node_file(tmp_path, "a", None), node_file(tmp_path, "b", "c"), node_file(tmp_path, "c", "b")]  # type: ignore[misc]
    )
    assert [p for p in down_cycle.problems if isinstance(p, Cycle)] == [Cycle(("b", "c"), dependency=False)]
    dep_cycle = RevisionGraph.build(
        [node_file(tmp_path, "a", None), node_file(tmp_path, "b", "a", "c"), node_file(tmp_path, "c", "b")]  # type: ignore[misc]
    )
    assert [p for p in dep_cycle.problems if isinstance(p, Cycle)] == [Cycle(("b", "c"), dependency=True)]
