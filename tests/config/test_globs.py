from __future__ import annotations

from pathlib import Path

import pytest

from alembic_lint.globs import matches

ROOT = Path("/project")


@pytest.mark.parametrize(
    ("pattern", "relative", "expected"),
    [
        ("a1_first.py", "migrations/versions/a1_first.py", True),  # a bare name matches any component
        ("archive", "migrations/versions/archive/a1.py", True),
        ("archive", "migrations/versions/archived/a1.py", False),
        ("*_draft.py", "migrations/versions/b2_draft.py", True),
        ("*_draft.py", "migrations/versions/b2_final.py", False),
        ("b?_*.py", "migrations/versions/b2_x.py", True),
        ("[ab]1_*.py", "v/b1_x.py", True),
        ("[!ab]1_*.py", "v/b1_x.py", False),
        ("migrations/versions/*.py", "migrations/versions/a1.py", True),
        ("migrations/versions/*.py", "migrations/versions/2024/a1.py", False),  # `*` stays in one folder
        ("migrations/versions/**/*.py", "migrations/versions/2024/q1/a1.py", True),
        ("migrations/versions/**/*.py", "migrations/versions/a1.py", True),
        ("migrations/versions/**", "migrations/versions/2024/a1.py", True),
        ("migrations/versions", "migrations/versions/2024/a1.py", True),  # a folder holding the file
        ("./migrations/versions/", "migrations/versions/a1.py", True),
        ("versions/*.py", "migrations/versions/a1.py", False),  # anchored at the project root
        ("migrations\\versions\\a1.py", "migrations/versions/a1.py", True),
        ("", "migrations/versions/a1.py", False),
    ],
)
def test_matches(pattern: str, relative: str, expected: bool) -> None:
    assert matches(pattern, ROOT / relative, ROOT) is expected


def test_absolute_patterns_and_paths_outside_the_root() -> None:
    assert matches("/elsewhere/v/*.py", Path("/elsewhere/v/a1.py"), ROOT)
    assert not matches("v/*.py", Path("/elsewhere/v/a1.py"), ROOT)
    assert matches("a1.py", Path("/elsewhere/v/a1.py"), ROOT)  # outside the root: the file name only
    assert not matches("v", Path("/elsewhere/v/a1.py"), ROOT)
    assert matches("a1.py", Path("/elsewhere/v/a1.py"), None)
