"""The guard every hang-prone test relies on stops a block that would run forever."""

from __future__ import annotations

import pytest
from fuzz import Hung, at_most


def test_a_loop_that_never_ends_is_stopped() -> None:
    with pytest.raises(Hung, match=r"still running after 0\.05 s"), at_most(0.05):
        while True:
            pass


def test_a_quick_block_is_left_alone() -> None:
    with at_most(5):
        assert sum(range(10)) == 45
