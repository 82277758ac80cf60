"""Each shortcut taken for speed gives exactly what the straightforward code gives."""

from __future__ import annotations

import io
import json
import os
import re
import tokenize
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alembic_lint.diagnostics import Diagnostic, Span
from alembic_lint.discover import MIGRATION_FILE, list_migration_files
from alembic_lint.graph import Cycle, RevisionGraph
from alembic_lint.history import dumps_indented, format_graph_json
from alembic_lint.noqa import Directive, NoqaCode, Suppressions
from alembic_lint.noqa_lookup import FileNoqa
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


def reference_silencer(
    diagnostic: Diagnostic, noqa: Suppressions, used: set[tuple[int, int]] | None, skip: int = -1
) -> bool:
    """Which directives silence a diagnostic, as first written: a pass over all of them."""
    line = noqa.comment_line(diagnostic.span.line)
    silenced = False
    for index, directive in enumerate(noqa.directives):
        if not directive.file_level and directive.span.line != line:
            continue
        if not directive.codes:
            if index != skip:
                silenced = True
                if used is not None:
                    used.add((index, -1))
            continue
        for position, code in enumerate(directive.codes):
            if code.matches(diagnostic.code):
                silenced = True
                if used is not None:
                    used.add((index, position))
    return silenced


_CODES = st.sampled_from(["A", "ALM", "ALM0", "ALM00", "ALM001", "ALM1", "ALM10", "ALM101", "ALM2", "X1"])
_LINES = st.integers(1, 12)


@st.composite
def suppressions(draw: st.DrawFn) -> Suppressions:
    directives = []
    for _ in range(draw(st.integers(0, 8))):
        line = draw(_LINES)
        codes = tuple(NoqaCode(code, Span.point(line)) for code in draw(st.lists(_CODES, max_size=3)))
        directives.append(Directive(Span.point(line), codes, draw(st.booleans())))
    strings = []
    for _ in range(draw(st.integers(0, 4))):  # any intervals, overlapping or not
        first = draw(_LINES)
        strings.append((first, first + draw(st.integers(1, 6))))
    return Suppressions(tuple(directives), tuple(strings))


@given(
    suppressions(),
    st.lists(st.tuples(_LINES, st.sampled_from(["ALM001", "ALM101", "ALM201", "ALM900", "X12"])), max_size=12),
)
@settings(max_examples=300, deadline=None)
def test_the_noqa_lookup_agrees_with_a_pass_over_every_directive(
    noqa: Suppressions, found: list[tuple[int, str]]
) -> None:
    lookup = FileNoqa(noqa)
    used: set[tuple[int, int]] = set()
    diagnostics = [Diagnostic(Path("a.py"), Span.point(line), code, "name", "m") for line, code in found]
    for diagnostic in diagnostics:
        assert lookup.silences(diagnostic) == reference_silencer(diagnostic, noqa, used)
    assert lookup.used == used
    for line in range(0, 20):
        assert lookup.comment_line(line) == noqa.comment_line(line)
    for skip in range(-1, len(noqa.directives)):
        for diagnostic in diagnostics:
            assert lookup.silences(diagnostic, record=False, skip=skip) == reference_silencer(
                diagnostic, noqa, None, skip
            )
    assert lookup.used == used


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.sampled_from(["a", "b", "..", ".", "x.py", "ä", "a b", ""]), max_size=5),
    absolute=st.sampled_from(["", "/", "//", "cwd", "cwd-sibling"]),
)
def test_path_display_is_display_path(parts: list[str], absolute: str) -> None:
    """The string shortcut of the reports gives pathlib's answer, for paths below the
    current folder, beside it, above it and relative ones."""
    from alembic_lint.report import display_path, path_display

    cwd = Path.cwd()
    start = {"": "", "/": "/", "//": "//", "cwd": str(cwd), "cwd-sibling": str(cwd) + "-other"}[absolute]
    path = Path(start, *parts) if start else Path(*parts)
    for folder in (cwd, Path("/"), cwd.parent, Path("relative")):
        assert path_display(folder)(path) == display_path(path, folder), (path, folder)


def test_the_cached_verdict_round_trips_every_field(tmp_path: Path) -> None:
    """What the verdict's rows hold comes back as the same diagnostics (equal, same repr),
    their files as the folder's own Path objects; a blob of anything else is no verdict."""
    import pickle

    from alembic_lint.cache.verdict import dump_verdict, load_verdict
    from alembic_lint.diagnostics import Edit, Fix, NewFile, Related
    from alembic_lint.fix.recipes import JoinHeads

    files = (tmp_path / "a.py", tmp_path / "b.py")
    elsewhere = tmp_path.parent / "c.py"
    span = Span(3, 4, 5, 6)
    found = [
        Diagnostic(files[0], span, "ALM001", "multiple-heads", "two heads"),
        Diagnostic(
            files[1],
            Span.point(2),
            "ALM301",
            "index-not-concurrent",
            "`op.create_index` ...",
            "warning",
            Fix("Build it concurrently", (Edit(span, "x"), Edit(Span.point(1), "", elsewhere)), "safe"),
            (Related(files[0], span, "the other head"),),
        ),
        Diagnostic(
            elsewhere,
            span,
            "ALM001",
            "multiple-heads",
            "m",
            fix=Fix("Merge", creates=(NewFile(tmp_path / "m.py", "text"),), recipe=JoinHeads(("a", "b"))),
        ),
    ]
    loaded = load_verdict(dump_verdict(found, files), files)
    assert loaded == found and repr(loaded) == repr(found)
    assert loaded is not None and loaded[0].path is files[0] and loaded[1].path is files[1]
    assert [hash(d) for d in loaded] == [hash(d) for d in found]
    assert load_verdict(pickle.dumps([("not", "a", "row")]), files) is None
    assert load_verdict(pickle.dumps({"a": 1}), files) is None
    assert load_verdict(dump_verdict(found, files), files[:1]) is None  # b.py is not there
    assert load_verdict(pickle.dumps([]), files) == []


def test_the_formats_said_to_show_no_fixes_never_read_them() -> None:
    """A warm run loads the cached findings without their fixes for the formats `shows_fixes`
    says show none: each of those formatters' modules must not read `.fix` at all (a format
    that starts showing fixes must be added to `_SHOW_FIXES`, or its warm output would lose them)."""
    import re

    from alembic_lint import report
    from alembic_lint.report import FORMAT_NAMES, shows_fixes

    folder = Path(report.__file__).parent
    for name in FORMAT_NAMES:
        module = report._FORMATTERS[name][0]
        source = (folder / f"{module}.py").read_text(encoding="utf-8")
        assert shows_fixes(name) == bool(re.search(r"\.fix\b", source)), name


def test_a_verdict_loaded_without_fixes_is_the_same_findings_without_them(tmp_path: Path) -> None:
    from alembic_lint.cache.verdict import dump_verdict, load_verdict
    from alembic_lint.diagnostics import Edit, Fix
    from alembic_lint.records import replace

    files = (tmp_path / "a.py",)
    found = [
        Diagnostic(files[0], Span(1, 0, 1, 5), "ALM301", "n", "m", "warning", Fix("t", (Edit(Span.point(1), "x"),))),
        Diagnostic(files[0], Span(2, 0, 2, 5), "ALM001", "n", "m"),
    ]
    assert load_verdict(dump_verdict(found, files), files, fixes=False) == [replace(d, fix=None) for d in found]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=[" ", "\t", "\n", "a", "b", "\u3000", "\x0c", "\r", "\x85", "é"], max_size=16))
def test_docstring_of_is_ast_get_docstring(doc: str) -> None:
    """parse.docstring_of cleans a docstring as `ast.get_docstring(clean=True)` does (it spares the lint `inspect`)."""
    import ast

    from alembic_lint.parse import docstring_of

    for body in ([ast.Expr(ast.Constant(doc))], [ast.Expr(ast.Constant(1))], [ast.Pass()]):
        node = ast.FunctionDef(name="f", args=ast.arguments(), body=body, decorator_list=[])
        assert docstring_of(node) == ast.get_docstring(node, clean=True)
