"""Edits by span on a file's text, and the text back to the file's own bytes."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alembic_lint.diagnostics import Span
from alembic_lint.fix.text import EditError, apply, decode, encode, replacement_span

PIECES = st.lists(st.sampled_from(["a", "é", "\t", " ", "\n", "\r\n", "\r", "#"]), max_size=12).map("".join)


@given(PIECES, PIECES)
def test_one_replacement_turns_any_text_into_any_other(old: str, new: str) -> None:
    span, text = replacement_span(old, new)
    assert apply(old, [(span, text)]) == new
    assert span.col == 0  # whole lines: never inside a \r\n


def test_a_replacement_keeps_the_lines_around_it() -> None:
    old = "a = 1\r\nb = 2\r\nc = 3\r\n"
    new = "a = 1\r\nb = 20\r\nc = 3\r\n"
    assert replacement_span(old, new) == (Span(2, 0, 2, 5), "b = 20")


def test_edits_apply_by_line_and_code_point_column() -> None:
    text = "x = 'é'\r\ny = 2\n"
    assert apply(text, [(Span(1, 5, 1, 6), "ü"), (Span(2, 4, 2, 5), "3")]) == "x = 'ü'\r\ny = 3\n"


def test_overlapping_edits_and_two_inserts_at_one_place_are_refused() -> None:
    with pytest.raises(EditError):
        apply("abcdef", [(Span(1, 0, 1, 3), "x"), (Span(1, 2, 1, 4), "y")])
    with pytest.raises(EditError):
        apply("abcdef", [(Span(1, 2, 1, 2), "x"), (Span(1, 2, 1, 2), "y")])
    assert apply("abcdef", [(Span(1, 0, 1, 2), "x"), (Span(1, 2, 1, 4), "y")]) == "xyef"


def test_a_bom_and_a_coding_cookie_come_back_as_they_were() -> None:
    with_bom = codecs.BOM_UTF8 + "x = 'é'\n".encode()
    decoded = decode(with_bom)
    assert decoded is not None and decoded.text == "x = 'é'\n"
    assert encode(decoded.text, decoded.encoding) == with_bom
    latin = "# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1")
    decoded = decode(latin)
    assert decoded is not None and decoded.encoding == "iso-8859-1"
    assert encode(decoded.text, decoded.encoding) == latin
    with pytest.raises(EditError):
        encode("x = '€'\n", decoded.encoding)
    assert decode(b"x = '\xff'\n") is None
