"""A real project's migrations for the benchmarks: superset's, downloaded once and kept.

    python benchmarks/realworld.py      # download (if missing) and print where the folder is

The folder is `superset/migrations` of the apache-superset wheel (a pinned version, so
runs compare), extracted under ${XDG_CACHE_HOME:-~/.cache}/alembic-lint-bench/. Only that
folder is kept (1.8 MB of the 100 MB wheel); nothing in it is ever imported or written to
(the benchmarks point alembic-lint's cache elsewhere).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

SUPERSET = "6.1.0"  # superset/migrations/versions: 344 migrations and an __init__.py
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "alembic-lint-bench"


@dataclass(frozen=True)
class Corpus:
    name: str
    root: Path  # run the tools in this folder...
    target: str  # ...on this path (relative to root), as a user would
    files: int  # migration files (`versions/*.py`)


def superset(download: bool = True) -> Corpus | str:
    """superset's migrations, downloading them when missing and `download` is true; else a
    one-line reason why they are not there (offline, pip failed)."""
    dest = CACHE / f"superset-{SUPERSET}"
    versions = dest / "superset" / "migrations" / "versions"
    if not (dest / ".complete").exists():
        if not download:
            return f"not downloaded yet ({dest}): run without --quick, or `python benchmarks/realworld.py`"
        reason = _fetch(dest)
        if reason:
            return reason
    files = sum(1 for path in versions.glob("*.py") if path.name != "__init__.py")
    return Corpus(f"superset {SUPERSET}", dest, "superset/migrations", files)


def _fetch(dest: Path) -> str | None:
    """Download the wheel with pip and keep its superset/migrations folder; None on success."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        wheels = Path(tmp) / "wheels"
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:"]
        result = subprocess.run(
            [*pip, f"apache-superset=={SUPERSET}", "-d", str(wheels)],
            capture_output=True,
            text=True,
            check=False,
        )
        found = sorted(wheels.glob("*.whl")) if wheels.exists() else []
        if result.returncode or not found:
            lines = [line for line in result.stderr.splitlines() if line.strip() and "WARNING" not in line]
            detail = lines[-1].strip() if lines else f"pip exited with {result.returncode}"
            return f"cannot download apache-superset=={SUPERSET} (offline?): {detail}"
        staged = Path(tmp) / "tree"
        with zipfile.ZipFile(found[0]) as wheel:
            members = [name for name in wheel.namelist() if name.startswith("superset/migrations/")]
            wheel.extractall(staged, members)  # extractall drops `..` and absolute parts of names
        (staged / ".complete").write_text(f"apache-superset=={SUPERSET}\n")
        shutil.rmtree(dest, ignore_errors=True)
        staged.rename(dest)
    return None


if __name__ == "__main__":
    corpus = superset()
    if isinstance(corpus, str):
        raise SystemExit(corpus)
    print(f"{corpus.name}: {corpus.files} migrations in {corpus.root / corpus.target}")
