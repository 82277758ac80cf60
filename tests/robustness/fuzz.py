"""How hard the robustness tests try: hypothesis settings scaled by ALEMBIC_LINT_FUZZ_SCALE
(1 in CI; 10 or 100 for a long run on a quiet machine), and a guard that stops a test that
hangs (the only time bound: there are no wall-clock assertions)."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from datetime import timedelta

from helpers import stop_after
from hypothesis import HealthCheck, settings

SCALE = max(1, int(os.environ.get("ALEMBIC_LINT_FUZZ_SCALE", "1")))


def fuzz(examples: int, *, deadline_seconds: float = 10.0) -> settings:
    """`examples` cases per run (times SCALE), each within a generous deadline: one slow case
    on a loaded 2-core machine is not a failure, a parser that goes quadratic is."""
    return settings(
        max_examples=examples * SCALE,
        deadline=timedelta(seconds=deadline_seconds),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        database=None,  # every CI run draws fresh cases
    )


class Hung(Exception):
    pass


def at_most(seconds: float) -> AbstractContextManager[None]:
    """Fail (raise Hung) instead of hanging when the block runs longer than `seconds`."""
    return stop_after(seconds, lambda: Hung(f"still running after {seconds} s"))
