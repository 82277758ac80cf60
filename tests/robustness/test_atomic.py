"""The one atomic writer: a failure leaves the old file whole and no temporary file behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

import pytest

from alembic_lint.atomic import write_atomic, write_bytes_atomic, write_text_atomic


def test_a_failing_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old\n")

    def half(handle: BinaryIO) -> None:
        handle.write(b"new, but only ha")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomic(target, half)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_text_keeps_newlines_and_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text("x")
    target.chmod(0o640)
    write_text_atomic(target, "a\r\nb\n\u00e9")
    assert target.read_bytes() == "a\r\nb\n\u00e9".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_umask_mode_or_the_one_asked_for(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "new", b"1")
        write_bytes_atomic(tmp_path / "private", b"2", mode=0o600)
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o600


def test_a_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_text_atomic(tmp_path / "missing" / "x.txt", "x")
