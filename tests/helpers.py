"""Helpers shared by the tests: write migrations, run the command line, compare with golden files."""

from __future__ import annotations

import io
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic_lint.cli import main

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"


def migration_source(
    revision: str | None,
    down_revision: object = None,
    *,
    branch_labels: object = None,
    depends_on: object = None,
    message: str = "a migration",
    body: str = '    op.execute("SELECT 1")',  # not empty: ALM102/ALM104 stay quiet
) -> str:
    lines = [f'"""{message}\n\nRevision ID: {revision}\nRevises: \nCreate Date: 2026-11-21 10:00:00\n\n"""']
    lines.append("from alembic import op\nimport sqlalchemy as sa\n")
    if revision is not None:
        lines.append(f"revision = {revision!r}")
    lines.append(f"down_revision = {down_revision!r}")
    lines.append(f"branch_labels = {branch_labels!r}")
    lines.append(f"depends_on = {depends_on!r}\n\n")
    lines.append(f"def upgrade():\n{body}\n\n\ndef downgrade():\n{body}\n")
    return "\n".join(lines)


def run_cli(*argv: str) -> tuple[int, str, str]:
    """`alembic-lint ARGV...` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def tree(base: Path, files: dict[str, str]) -> Path:
    """Write files (path relative to base -> text) below base; returns base."""
    for rel, text in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return base


def copy_checkout(target: Path) -> Path:
    """This worktree's files (committed or not, minus ignored ones) copied to `target`, as a
    fresh checkout has them; needs git."""
    import shutil
    import subprocess

    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; ALEMBIC_LINT_UPDATE_GOLDEN=1 rewrites it first (see its README)."""
    path = GOLDEN / name
    if os.environ.get("ALEMBIC_LINT_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8", newline="")
    expected = path.read_text(encoding="utf-8") if path.exists() else f"<{path} does not exist>"
    assert actual == expected, f"{name} differs from its golden file; see tests/golden/README.md to regenerate"


def write_project(root: Path, revisions: dict[str, str | None]) -> Path:
    """A project: alembic.ini, migrations/env.py, and one migration per `name: down_revision`."""
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    (root / "migrations" / "env.py").write_text("")
    for name, down in revisions.items():
        (versions / f"{name}.py").write_text(migration_source(name, down))
    return root


@contextmanager
def stop_after(seconds: float, error: Callable[[], BaseException]) -> Iterator[None]:
    """Raise `error()` in the block once it has run `seconds` (SIGALRM): a test that would hang
    fails instead. Where there is no SIGALRM, the block just runs."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise error()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
