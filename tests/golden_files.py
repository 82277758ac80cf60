"""Compare an output with its golden file in tests/golden (see tests/golden/README.md)."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ALEMBIC_LINT_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8", newline="")
    expected = path.read_text(encoding="utf-8") if path.exists() else f"<{path} does not exist>"
    assert actual == expected, f"{name} differs from its golden file; see tests/golden/README.md to regenerate"
