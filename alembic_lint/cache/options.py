"""What the command line asks of the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from alembic_lint.records import record

CACHE_DIR_NAME = ".alembic_lint_cache"

CheckMode = Literal["mtime", "hash"]
CHECK_MODES: tuple[CheckMode, ...] = ("mtime", "hash")


@record
class CacheOptions:
    """How the command line uses the cache. `enabled=False` reads and writes nothing."""

    enabled: bool = True
    directory: Path | None = None  # None: <project root>/.alembic_lint_cache
    check: CheckMode = "mtime"
    # False: nothing reads the diagnostics' fixes (the report shows none, nothing is fixed), so a
    # cached verdict is loaded without them (at 10,000 files with 6,600 findings that fixes carry,
    # half of loading it). The same findings otherwise; the cache file is the same either way.
    fixes: bool = True
