"""The default rule set on a copy of examples/, exact output; then the same project configured."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from alembic_lint.cli import main

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
V = "shop/migrations/versions"


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path / "examples")
    return tmp_path / "examples" / "shop"


def run(args: list[str]) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out, err)
    return out.getvalue(), err.getvalue(), code


HEADS = (
    f"{V}/3c4d5e6f7a8b_add_email_to_users.py:15:17: ALM001 revision '3c4d5e6f7a8b' is a head alongside "
    "'4d5e6f7a8b9c': `alembic upgrade head` will fail; set down_revision to the latest head or run "
    "`alembic merge heads`\n"
)
OTHER_HEAD = (
    f"{V}/4d5e6f7a8b9c_add_status_to_orders.py:15:17: ALM001 revision '4d5e6f7a8b9c' is a head alongside "
    "'3c4d5e6f7a8b': `alembic upgrade head` will fail; set down_revision to the latest head or run "
    "`alembic merge heads`\n"
)
DANGLING = (
    f"{V}/5e6f7a8b9c0d_index_orders_by_user.py:16:50: ALM002 down_revision '9f8e7d6c5b4a' names no "
    "revision in this folder; point it at an existing revision (None for a base)\n"
)


def test_default_rules_on_a_copy_of_the_examples(shop: Path) -> None:
    assert run(["--isolated", "shop"]) == (
        HEADS + OTHER_HEAD + DANGLING,
        "Found 3 problems in 5 files: 3 errors (2 ALM001, 1 ALM002).\n",
        1,
    )
    # Without --isolated: no configuration anywhere above the copy, same answer.
    assert run(["shop"]) == (
        HEADS + OTHER_HEAD + DANGLING,
        "Found 3 problems in 5 files: 3 errors (2 ALM001, 1 ALM002).\n",
        1,
    )


def test_the_copy_configured_and_suppressed(shop: Path) -> None:
    (shop / "pyproject.toml").write_text(
        '[tool.alembic-lint]\nextend-select = ["ALM105", "ALM900"]\n\n'
        '[tool.alembic-lint.per-file-ignores]\n"5e6f*.py" = ["missing-down-revision"]\n'
    )
    (shop / "app").mkdir()
    (shop / "app" / "__init__.py").write_text("")
    other = shop / "migrations/versions/4d5e6f7a8b9c_add_status_to_orders.py"
    text = other.read_text()
    text = text.replace("revision: str = '4d5e6f7a8b9c'", "revision: str = '4d5e6f7a8b9c'  # noqa: ALM001")
    text = text.replace(
        "import sqlalchemy as sa\n", "import sqlalchemy as sa\nfrom app import tables  # noqa: ALM201\n"
    )
    text = text.replace("Revises: 2b3c4d5e6f7a", "Revises: 1a2b3c4d5e6f")
    text = text.replace("def downgrade() -> None:\n", "def downgrade() -> None:  # noqa: ALM102\n")
    other.write_text(text)
    assert run(["shop"]) == (
        HEADS + f"{V}/4d5e6f7a8b9c_add_status_to_orders.py:4:10: ALM105 docstring says `Revises: 1a2b3c4d5e6f` but "
        "down_revision is 2b3c4d5e6f7a; update the docstring (alembic reads only the variable)\n"
        f"{V}/4d5e6f7a8b9c_add_status_to_orders.py:27:27: ALM900 unused `noqa` directive (unused: ALM102); "
        "remove it\n",
        "Found 3 problems in 5 files: 1 error (1 ALM001), 2 warnings (1 ALM105, 1 ALM900).\n",
        1,
    )
