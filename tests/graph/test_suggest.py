"""suggest.py answers exactly what the straightforward search answered, on any ids."""

from __future__ import annotations

import difflib
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from alembic_lint.suggest import Suggester


def reference(ids: list[str], wrong: str) -> str | None:
    """graph.py's search as it was: one pass over every id per question."""
    prefixed = [nid for nid in ids if nid.startswith(wrong) or wrong.startswith(nid)]
    if len(prefixed) == 1:
        return prefixed[0]
    close = difflib.get_close_matches(wrong, ids, n=1, cutoff=0.75)
    return close[0] if close else None


HEX = st.text(alphabet="0123456789abcdef", min_size=1, max_size=14)
ANY = st.text(alphabet=string.ascii_letters[:6] + "0123_-é", min_size=1, max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(HEX, ANY), min_size=1, max_size=40, unique=True), st.one_of(HEX, ANY, st.just("")))
def test_same_answer_as_difflib_over_every_id(ids: list[str], wrong: str) -> None:
    assert Suggester(ids).suggest(wrong) == reference(ids, wrong)


@settings(max_examples=100, deadline=None)
@given(st.lists(HEX, min_size=2, max_size=30, unique=True), st.data())
def test_near_misses_of_real_ids(ids: list[str], data: st.DataObject) -> None:
    """One typo away from an id: the case the suggestion exists for."""
    target = data.draw(st.sampled_from(ids))
    position = data.draw(st.integers(0, len(target) - 1))
    wrong = target[:position] + data.draw(st.sampled_from("0123456789abcdef")) + target[position + 1 :]
    suggester = Suggester(ids)
    for question in (wrong, target[:-1] + "zz", target + "0", target[1:]):
        assert suggester.suggest(question) == reference(ids, question)


def test_a_generated_history_with_thousands_of_dangling_references() -> None:
    ids = [f"{(i * 2654435761) % 2**48:012x}" for i in range(3000)]
    wrongs = [f"{(i * 40503) % 2**48:012x}" for i in range(40)] + [ids[7][:-1] + "g", ids[9][:6]]
    suggester = Suggester(ids)
    assert [suggester.suggest(w) for w in wrongs] == [reference(ids, w) for w in wrongs]


def test_the_revision_that_names_the_id_is_never_suggested() -> None:
    suggester = Suggester(["5b6c7d8e9f0a", "3f2a1b0c9d8e", "ab12", "ab13"])
    assert suggester.suggest("4a5b6c7d8e9f") == "5b6c7d8e9f0a"
    assert suggester.suggest("4a5b6c7d8e9f", exclude="5b6c7d8e9f0a") is None  # it would revise itself
    assert suggester.suggest("ab1", exclude="ab12") == "ab13"  # the only other id it starts
    assert suggester.suggest("ab1", exclude="ab13") == "ab12"
