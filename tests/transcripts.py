"""The one transcript runner for fixture folders (tests/fixtures/graph, tests/fixtures/rules).

A case folder holds the files and `expected.txt`, the exact command-line session:

    $ alembic-lint [ARGS]
    <stdout>
    --- stderr
    <stderr>
    --- exit <code>

The command runs in-process from inside the case folder. After a deliberate change,
rewrite the transcripts with ALEMBIC_LINT_UPDATE_FIXTURES=1 and review the diff.
"""

from __future__ import annotations

import io
import os
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from alembic_lint.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
PROMPT = "$ alembic-lint"
_FINDING = re.compile(r"^\S.*?:\d+:\d+: (ALM\d{3}) ", re.MULTILINE)


@dataclass(frozen=True)
class Transcript:
    args: tuple[str, ...]
    stdout: str
    stderr: str
    exit_code: int

    @classmethod
    def parse(cls, text: str) -> Transcript:
        command, rest = text.split("\n", 1)
        assert command.startswith(PROMPT), command
        stdout, rest = rest.split("--- stderr\n", 1)
        stderr, exit_line = rest.split("--- exit ", 1)
        return cls(tuple(shlex.split(command[len(PROMPT) :])), stdout, stderr, int(exit_line))

    def render(self) -> str:
        command = " ".join([PROMPT, *(shlex.quote(arg) for arg in self.args)])
        return f"{command}\n{self.stdout}--- stderr\n{self.stderr}--- exit {self.exit_code}\n"

    @property
    def codes(self) -> set[str]:
        """The codes of the findings printed (text format)."""
        return set(_FINDING.findall(self.stdout))


def cases(layer: str) -> list[str]:
    """The case folders of tests/fixtures/<layer>, sorted."""
    return sorted(p.name for p in (FIXTURES / layer).iterdir() if p.is_dir())


def expected(layer: str, case: str) -> Transcript:
    return Transcript.parse((FIXTURES / layer / case / "expected.txt").read_text(encoding="utf-8"))


def all_expected(layers: Iterable[str] = ("graph", "rules")) -> dict[str, Transcript]:
    """Every case's transcript, keyed "layer/case"."""
    return {f"{layer}/{case}": expected(layer, case) for layer in layers for case in cases(layer)}


def run_case(layer: str, case: str) -> tuple[str, str]:
    """(expected, actual) transcript text of one case; rewrites the expected file first when
    ALEMBIC_LINT_UPDATE_FIXTURES is set. Changes the current folder: call it with
    pytest's `monkeypatch.chdir` in effect, or restore it."""
    folder = FIXTURES / layer / case
    file = folder / "expected.txt"
    want = Transcript.parse(file.read_text(encoding="utf-8"))
    os.chdir(folder)
    out, err = io.StringIO(), io.StringIO()
    code = main(list(want.args), out, err)
    actual = Transcript(want.args, out.getvalue(), err.getvalue(), code).render()
    if os.environ.get("ALEMBIC_LINT_UPDATE_FIXTURES"):
        file.write_text(actual, encoding="utf-8")
        return actual, actual
    return file.read_text(encoding="utf-8"), actual
