"""Records (alembic_lint/records.py) behave as the dataclasses they replace: compared here with
the same classes made by `dataclasses`."""

from __future__ import annotations

import dataclasses
import pickle
from typing import ClassVar

import pytest

from alembic_lint.records import FrozenRecordError, field, fields_of, is_record, record, replace


def pair(frozen: bool = True, order: bool = False) -> tuple[type, type]:
    """The same class as a record and as a dataclass."""

    def make(decorate: object) -> type:
        class Base:
            line: int
            col: int = 0

        base = decorate(Base)  # type: ignore[operator]

        class Point(base):  # type: ignore[misc, valid-type]
            """A point."""

            label: str = "p"
            tags: tuple[str, ...] = ()
            kind: ClassVar[str] = "class variable, not a field"

        return decorate(Point)  # type: ignore[operator, no-any-return]

    return make(record(frozen=frozen, order=order)), make(dataclasses.dataclass(frozen=frozen, order=order))


def test_init_repr_eq_hash_match_dataclasses() -> None:
    ours, theirs = pair()
    for args, kwargs in [((1,), {}), ((1, 2, "q"), {"tags": ("a",)}), ((), {"line": 3, "label": "z"})]:
        a, b = ours(*args, **kwargs), theirs(*args, **kwargs)
        assert repr(a).replace("Point", "X") == repr(b).replace("Point", "X")
        assert vars(a) == vars(b)
        assert a == ours(*args, **kwargs) and hash(a) == hash(ours(*args, **kwargs))
        assert a != b  # another class: not equal, as between two dataclasses
    assert ours.__match_args__ == theirs.__match_args__ == ("line", "col", "label", "tags")
    assert ours.kind == "class variable, not a field"
    with pytest.raises(TypeError):
        ours()
    with pytest.raises(TypeError):
        ours(1, nope=2)


@record
class Pickled:
    line: int
    col: int = 0


def test_frozen_records_refuse_assignment_and_pickle() -> None:
    point = Pickled(1, 2)
    with pytest.raises(FrozenRecordError):
        point.line = 3
    with pytest.raises(AttributeError):
        del point.col
    assert pickle.loads(pickle.dumps(point, protocol=pickle.HIGHEST_PROTOCOL)) == point


def test_order_matches_dataclasses() -> None:
    ours, theirs = pair(order=True)
    values = [(1, 2), (1, 3), (0, 9), (1, 2, "a")]
    assert sorted(range(len(values)), key=lambda i: ours(*values[i])) == sorted(
        range(len(values)), key=lambda i: theirs(*values[i])
    )
    assert ours(1, 2) <= ours(1, 2) < ours(1, 3) and ours(2) > ours(1, 5) >= ours(1, 5)
    with pytest.raises(TypeError):
        assert ours(1) < theirs(1)


def test_mutable_records_and_default_factories() -> None:
    @record(frozen=False)
    class Node:
        id: str
        children: list[str] = field(default_factory=list)
        flag: bool = False

    one, two = Node("a"), Node("b")
    one.children.append("x")
    one.flag = True
    assert (one, two) == (Node("a", ["x"], True), Node("b"))
    assert two.children == [] and one.children is not two.children
    with pytest.raises(TypeError):
        hash(one)  # mutable and compared by value: unhashable, as a dataclass


def test_replace_fields_and_the_dataclasses_functions() -> None:
    ours, theirs = pair()
    point = ours(1, 2, "q")
    assert replace(point, col=5) == ours(1, 5, "q")
    with pytest.raises(TypeError):
        replace(point, nope=1)
    assert dataclasses.replace(point, label="r") == ours(1, 2, "r")
    assert dataclasses.is_dataclass(point)
    assert [f.name for f in dataclasses.fields(point)] == [f.name for f in dataclasses.fields(theirs)]
    assert dataclasses.asdict(point) == dataclasses.asdict(theirs(1, 2, "q"))
    assert (
        fields_of(ours)
        == fields_of(theirs)
        == (("line", "int"), ("col", "int"), ("label", "str"), ("tags", "tuple[str, ...]"))
    )
    assert replace(theirs(1), col=4) == theirs(1, 4)  # a dataclass goes to dataclasses.replace
    assert is_record(ours) and not is_record(theirs) and not is_record(point)


def test_a_field_without_default_after_one_with_a_default_is_refused() -> None:
    class Bad:
        a: int = 1
        b: int

    with pytest.raises(TypeError):
        record(Bad)


def test_a_field_left_out_of_comparisons_and_the_repr_as_in_dataclasses() -> None:
    def make(decorate: object, make_field: object) -> type:
        class Folder:
            root: str
            boundary: object = make_field(default=None, compare=False, repr=False)  # type: ignore[operator]

        return decorate(Folder)  # type: ignore[operator, no-any-return]

    ours, theirs = make(record, field), make(dataclasses.dataclass(frozen=True), dataclasses.field)
    for made in (ours, theirs):
        a, b = made("r", boundary=1), made("r", boundary=2)
        assert (a == b, hash(a) == hash(b), repr(a).rsplit(".", 1)[-1], a.boundary) == (
            True,
            True,
            "Folder(root='r')",
            1,
        )
        assert made("r") != made("s")
    assert [(f.name, f.compare, f.repr) for f in dataclasses.fields(ours)] == [
        ("root", True, True),
        ("boundary", False, False),
    ]
