"""Start-up stays cheap: `--version` and a small lint import none of the heavy dependencies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import generate

HEAVY = ("alembic", "sqlalchemy", "libcst", "pygls", "lsprotocol", "mako")
REPO = Path(__file__).parent.parent.parent

PROBE = """
import io, json, sys
from alembic_lint.cli import main
code = main(sys.argv[1:], io.StringIO(), io.StringIO())
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
print(json.dumps({{"code": code, "heavy": heavy, "argparse": "argparse" in sys.modules}}))
"""


def probe(*argv: str, cwd: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=set(HEAVY)), *argv],
        cwd=cwd,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(cwd / ".xdg-cache")},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_version_imports_nothing_heavy(tmp_path: Path) -> None:
    assert probe("--version", cwd=tmp_path) == {"code": 0, "heavy": [], "argparse": True}


@pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["cache", "no-cache"])
def test_linting_ten_files_imports_nothing_heavy(tmp_path: Path, cache: list[str]) -> None:
    generate(tmp_path / "project", 10, heads=1)
    for _ in range(2):  # the first run writes the cache, the second reads it
        assert probe("project", *cache, cwd=tmp_path)["heavy"] == []
    assert probe("graph", "project", "--format", "json", *cache, cwd=tmp_path)["heavy"] == []
