"""The recipes rules attach to diagnostics: plain, frozen, picklable data (they may live in
the cache). Only the fix engine turns one into edits (`alembic_lint.fix.resolve`), asking git,
libcst or alembic then; nothing here imports anything but the standard library."""

from __future__ import annotations

from typing import Literal

from alembic_lint.records import record

HeadsStrategy = Literal["rechain", "merge"]
HEADS_STRATEGIES: tuple[HeadsStrategy, ...] = ("rechain", "merge")


@record
class JoinHeads:
    """ALM001: leave one head. `rechain` puts the branch that arrived later on the main branch
    on top of the other head; `merge` writes the revision `alembic merge heads` would."""

    heads: tuple[str, ...]  # the competing heads, in file order
    strategy: HeadsStrategy = "rechain"
    main_branch: str = ""  # "" : origin's HEAD, else main, else master


@record
class WriteDowngrade:
    """ALM101/ALM102: a `downgrade()` made of upgrade()'s inverse operations, in reverse order
    (or a `raise NotImplementedError` naming the operations that have none)."""

    missing: bool  # True: insert downgrade() after upgrade(); False: replace its empty body


Recipe = JoinHeads | WriteDowngrade
