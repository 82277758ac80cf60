"""No file of a checkout can make a run read, parse or work without bound.

The hostile inputs below are as large as the size limit allows. Before the bounds they
took minutes to hours (quadratic work) or raised; each test is guarded against hanging
(`guard`: a hang guard, not a timing assertion) and checks the exact result.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import migration_source, run_cli, stop_after, write_project

from alembic_lint import sourcefile
from alembic_lint.cache.store import _read_and_parse_if_changed
from alembic_lint.diagnostics import Span
from alembic_lint.graph import RevisionGraph
from alembic_lint.parallel import read_and_parse
from alembic_lint.parse import ParseFailure, parse_migration, read_migration
from alembic_lint.sourcefile import MAX_SOURCE_BYTES, SourceTooLarge, read_source

HANG = 120  # seconds: far above what any of these takes now, far below what they took before


@pytest.fixture(autouse=True)
def guard() -> Iterator[None]:
    with stop_after(HANG, lambda: TimeoutError(f"still running after {HANG} s: a bound is missing")):
        yield


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_project(tmp_path / "project", {"a": None})
    monkeypatch.chdir(root)
    return root


def test_a_file_above_the_limit_is_one_finding_and_is_never_parsed(project: Path, parses: list[str]) -> None:
    big = project / "migrations" / "versions" / "b_data.py"
    big.write_text(migration_source("b", "a") + "# padding\n" * 1_230_000)  # 12.3 MB
    message = "file is 12.3 MB, above the 2 MB limit: not parsed"
    for cache in ([], ["--no-cache"], []):
        assert run_cli(".", *cache) == (
            1,
            f"migrations/versions/b_data.py:1:1: ALM000 {message}\n",
            "Found 1 problem in 2 files: 1 error (1 ALM000).\n",
        )
    code, out, _ = run_cli(".", "--format", "full")  # no source line: the report does not read it either
    assert (code, out) == (1, f"migrations/versions/b_data.py:1:1: ALM000 [syntax-error] {message}\n")
    (finding,) = json.loads(run_cli(".", "--format", "json")[1])
    assert (finding["code"], finding["message"]) == ("ALM000", message)
    assert "b_data.py" not in parses


def test_the_limit_itself_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "c.py"
    head = migration_source("c", None).encode()
    path.write_bytes(head + b"#" * (MAX_SOURCE_BYTES - len(head) - 1) + b"\n")
    assert path.stat().st_size == MAX_SOURCE_BYTES
    assert read_migration(path).revision.strings == ("c",)  # type: ignore[union-attr]
    with path.open("ab") as handle:
        handle.write(b"\n")
    expected = ParseFailure(path, Span.point(1), "file is 2,000,001 bytes, above the 2 MB limit: not parsed", "limit")
    assert read_migration(path) == expected
    assert read_and_parse(path) == (expected, None)  # never cached
    assert _read_and_parse_if_changed(path, b"") == (expected, None)


@pytest.mark.skipif(sys.platform == "win32", reason="devices, FIFOs and /proc")
@pytest.mark.parametrize(
    ("target", "shown"),
    [("/dev/zero", "a character device"), ("/dev/urandom", "a character device"), ("fifo", "a named pipe")],
)
def test_a_link_to_a_device_or_a_pipe_is_not_read(tmp_path: Path, target: str, shown: str) -> None:
    """git stores symbolic links: `versions/x.py -> /dev/zero` used to be read until memory ran out,
    and a named pipe blocked the run forever."""
    if target == "fifo":
        os.mkfifo(tmp_path / "fifo")
        target = str(tmp_path / "fifo")
    link = tmp_path / "x.py"
    link.symlink_to(target)
    expected = ParseFailure(link, Span.point(1), f"cannot read file: not a regular file ({shown})", "read")
    assert read_migration(link) == expected
    assert read_and_parse(link) == (expected, None)
    assert _read_and_parse_if_changed(link, b"") == (expected, None)


@pytest.mark.skipif(sys.platform == "win32", reason="devices")
def test_a_link_to_dev_zero_in_a_versions_folder_found_from_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discovery probes a bare versions folder's files for `down_revision`: within the read bounds
    (it read `/dev/zero` until memory ran out) and, for a link, within the boundary."""
    versions = tmp_path / "top" / "versions"
    versions.mkdir(parents=True)
    (versions / "a.py").symlink_to("/dev/zero")
    (versions / "b.py").write_text(migration_source("b", None))
    monkeypatch.chdir(tmp_path)
    assert run_cli("top", "--no-cache", "--select", "ALM011") == (
        1,
        f"top/versions/a.py:1:1: ALM011 resolves to /dev/zero, outside the repository {tmp_path / 'top'}: not read\n",
        "Found 1 problem in 1 file: 1 error (1 ALM011).\n",
    )
    assert run_cli("top", "--no-cache", "--select", "ALM011", "--allow-outside", "/dev") == (
        1,
        "top/versions/a.py:1:1: ALM011 cannot read file: not a regular file (a character device)\n",
        "Found 1 problem in 2 files: 1 error (1 ALM011).\n",
    )


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs /proc")
def test_a_file_that_grows_while_read_is_cut_at_the_limit() -> None:
    """/proc files say they are empty and are not: the read stops one byte past the limit."""
    with pytest.raises(SourceTooLarge) as raised:
        read_source("/proc/self/status", limit=100)
    assert (raised.value.size, raised.value.limit) == (101, 100)
    assert read_source("/proc/self/status", limit=1 << 20)[0].startswith(b"Name:")


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (2_000_001, "2,000,001 bytes"),
        (2_049_999, "2,049,999 bytes"),
        (2_050_000, "2,050,000 bytes"),
        (2_100_000, "2.1 MB"),
        (12_345_678, "12.3 MB"),
    ],
)
def test_the_size_is_said_so_that_it_reads_above_the_limit(size: int, shown: str) -> None:
    assert SourceTooLarge(size).message == f"file is {shown}, above the 2 MB limit: not parsed"
    assert sourcefile.MAX_SOURCE_BYTES == 2_000_000


def test_a_long_run_of_spaces_in_the_header_takes_no_quadratic_time(tmp_path: Path) -> None:
    source = '"""m\n\nRevises: x' + " " * 1_900_000 + 'y\n"""\nrevision = "a"\ndown_revision = None\n'
    migration = parse_migration(tmp_path / "a.py", source)
    assert migration.header.revises.value == "x" + " " * 1_900_000 + "y"  # type: ignore[union-attr]
    trailing = parse_migration(tmp_path / "a.py", '"""m\n\nRevises: x' + " \t\x0c" * 600_000 + '\n"""\n')
    assert trailing.header.revises.value == "x"  # type: ignore[union-attr]


def test_f_strings_nested_past_the_stack_are_a_finding_not_an_exception(tmp_path: Path) -> None:
    source = "x = " + 'f"{' * 50_000 + "1" + '}"' * 50_000 + "  # noqa\n"
    failure = parse_migration(tmp_path / "a.py", source)
    assert isinstance(failure, ParseFailure) and failure.kind == "syntax"
    assert failure.noqa.directives == ()  # too deep to tell: nothing is silenced


def test_a_suppression_per_line_with_a_finding_per_line_is_linear(project: Path) -> None:
    """40,000 lines, each with an ALM201 finding and a `# noqa` for another code (so an ALM900
    finding too): every finding used to be compared with every directive, twice."""
    (project / "app").mkdir()
    (project / "app" / "__init__.py").write_text("")
    path = project / "migrations" / "versions" / "b.py"
    path.write_text(migration_source("b", "a") + "import app  # noqa: ALM999\n" * 40_000)
    code, out, err = run_cli(".", "--no-cache", "--select", "ALM201,ALM900")
    assert (code, err) == (1, "Found 80000 problems in 2 files: 80000 warnings (40000 ALM201, 40000 ALM900).\n")
    assert out.count("\n") == 80_000


def test_many_missing_parents_in_one_file_are_linear(tmp_path: Path) -> None:
    """A down_revision naming 80,000 branch labels (one missing reference each): each used to be
    looked for among all the file's items."""
    labels = [f"l{i}" for i in range(80_000)]
    owner = parse_migration(
        tmp_path / "a.py", f"revision = 'a'\ndown_revision = None\nbranch_labels = {tuple(labels)!r}\n"
    )
    child = parse_migration(
        tmp_path / "b.py", f"revision = 'b'\ndown_revision = {tuple(labels)!r}\ndepends_on = {('a',) * 80_000!r}\n"
    )
    graph = RevisionGraph.build([owner, child])  # type: ignore[list-item]
    missing = [p for p in graph.problems if type(p).__name__ == "MissingReference"]
    assert len(missing) == 80_000 and [p.value.text for p in missing[:2]] == ["l0", "l1"]  # type: ignore[attr-defined]
    assert graph.nodes["b"].resolved_dependencies == ("a",)


def test_a_one_megabyte_noqa_comment_costs_what_its_size_does(project: Path) -> None:
    """150,000 codes in one `# noqa` comment: one directive, one ALM900 finding naming them once each."""
    path = project / "migrations" / "versions" / "b.py"
    path.write_text(migration_source("b", "a") + "# noqa: " + "ALM001," * 150_000 + "\n")
    (directive,) = read_migration(path).noqa.directives  # type: ignore[union-attr]
    assert len(directive.codes) == 150_000
    code, out, err = run_cli(".", "--no-cache", "--select", "ALM001,ALM900")
    assert (code, err) == (1, "Found 1 problem in 2 files: 1 warning (1 ALM900).\n")
    assert out.startswith("migrations/versions/b.py:23:1: ALM900 unused `noqa` directive (unused: ALM001, ALM001, ")
    assert out.count("ALM001") == 150_000
