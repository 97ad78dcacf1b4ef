"""Records (app.core.record) behave as the frozen, slotted dataclasses they replace."""

from __future__ import annotations

import copy
import pickle
from types import MappingProxyType
from typing import Any, ClassVar

import pytest

from app.core.record import FrozenRecordError, Record, derived, replace


class Point(Record):
    x: int
    y: int = 0
    SCALE: ClassVar[int] = 10

    @property
    def scaled(self) -> int:
        return self.x * self.SCALE


class Other(Record):
    x: int
    y: int = 0


class Empty(Record):
    pass


class Indexed(Record):
    """A derived attribute computed from the fields."""

    items: tuple[str, ...] = ()
    _index: dict[str, int] = derived()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {item: i for i, item in enumerate(self.items)})

    def position(self, item: str) -> int:
        return self._index[item]


def test_fields_defaults_and_class_variables() -> None:
    assert Point.FIELDS == ("x", "y")
    assert Point(1) == Point(1, 0) == Point(x=1, y=0)
    assert Point(3).scaled == 30
    assert Point.__match_args__ == ("x", "y")


def test_equal_and_hashed_by_type_and_field_values() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(2, 1)
    assert Point(1, 2) != Other(1, 2)  # same fields, another type
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert len({Point(1, 2), Point(1, 2), Other(1, 2)}) == 2
    assert Empty() == Empty()
    assert Empty() != Point(0)
    assert hash(Empty()) == hash(Empty())


def test_always_true_like_a_dataclass() -> None:
    assert Empty()
    assert Point(0)


def test_shown_like_a_dataclass() -> None:
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    assert repr(Empty()) == "Empty()"
    assert repr(Indexed(("a",))) == "Indexed(items=('a',))"


def test_frozen() -> None:
    point = Point(1)
    with pytest.raises(FrozenRecordError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenRecordError):
        del point.x
    with pytest.raises(AttributeError):  # slotted: no other attribute either
        object.__setattr__(point, "z", 1)
    assert point == Point(1)


def test_constructor_errors_as_a_dataclass_gives_them() -> None:
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(1, z=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes from 2 to 3 positional arguments"):
        Point(1, 2, 3)  # type: ignore[call-arg]


def test_replace_changes_the_named_fields_only() -> None:
    assert replace(Point(1, 2), y=5) == Point(1, 5)
    assert replace(Point(1, 2)) == Point(1, 2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        replace(Point(1, 2), z=5)


def test_derived_attributes_are_computed_and_not_fields() -> None:
    indexed = Indexed(("a", "b"))
    assert indexed.position("b") == 1
    assert Indexed.FIELDS == ("items",)
    assert indexed == Indexed(("a", "b"))
    moved = replace(indexed, items=("b", "a"))
    assert moved.position("b") == 0
    assert indexed.position("b") == 1


def test_copied_and_pickled_through_init() -> None:
    point = Point(1, 2)
    assert copy.copy(point) == point
    assert copy.deepcopy(point) == point
    assert pickle.loads(pickle.dumps(point)) == point
    indexed = pickle.loads(pickle.dumps(Indexed(("a", "b"))))
    assert indexed.position("b") == 1


def test_matched_by_position_and_keyword() -> None:
    match Point(1, 2):
        case Point(x, y=2):
            assert x == 1
        case _:
            pytest.fail("no match")


def test_a_mutable_default_is_refused() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        class Bad(Record):
            items: list[int] = []  # noqa: RUF012 - the mistake under test

    class Fine(Record):
        table: Any = MappingProxyType({})

    assert Fine().table == {}


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default follows"):

        class Bad(Record):
            x: int = 0
            y: int  # type: ignore[misc]


def test_fields_are_not_inherited() -> None:
    with pytest.raises(TypeError, match="do not inherit fields"):

        class More(Point):
            z: int = 0


def test_init_is_compiled_on_first_use_only() -> None:
    """Defining a record compiles nothing (that is what keeps imports cheap)."""

    class Lazy(Record):
        a: int

    assert Lazy.__init__.__name__ == "_first_init"
    Lazy(1)
    assert Lazy.__init__.__qualname__.endswith("Lazy.__init__")
