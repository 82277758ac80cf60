"""The console script's entry point: `--version` imports nothing but the package; the rest is the CLI's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from alembic_lint import __version__
from alembic_lint.__main__ import main

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).parent.parent.parent

PROBE = """
import sys
before = set(sys.modules)
sys.argv = ["alembic-lint", *sys.argv[1:]]
from alembic_lint.__main__ import main
code = main()
loaded = sorted(set(sys.modules) - before)
import json
print(json.dumps({"code": code, "loaded": loaded}))
"""


def test_console_script_is_the_entry_point() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"alembic-lint": "alembic_lint.__main__:main"}


def test_version_imports_only_the_package() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "--version"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.stderr == ""
    version, report = result.stdout.splitlines()
    assert version == f"alembic-lint {__version__}"
    assert json.loads(report) == {"code": 0, "loaded": ["alembic_lint", "alembic_lint.__main__"]}


@pytest.mark.parametrize(
    ("argv", "code"),
    [(["rule", "ALM001"], 0), (["--version", "--help"], 0), (["--bogus"], 2)],
)
def test_other_arguments_go_to_the_cli(argv: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    from alembic_lint import cli

    expected = cli.main(argv)
    first = capsys.readouterr()
    assert main(argv) == expected == code
    assert capsys.readouterr() == first
