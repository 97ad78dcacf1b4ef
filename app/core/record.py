"""Records: the app's immutable values — frozen, slotted, compared and hashed by type and field
values, shown as ``Name(field=value, …)``, matched by position or keyword, and typed like
dataclasses (``dataclass_transform``).

Why not ``@dataclass(frozen=True, slots=True)``: defining one costs about a millisecond (it
compiles six methods from source text), and ``cascade run`` defined about ninety before it
could run a cell — a third of its start-up. A record class costs a few microseconds to define;
its ``__init__`` is compiled the first time the class is instantiated, so only the classes a
process uses pay for one, and it sets each slot through the slot's descriptor (faster than a
frozen dataclass's ``object.__setattr__``). The worker's protocol has records of its own for
the same reason (:class:`kernel_worker.protocol.Record`): the worker imports nothing of the app.

A record is a class body of annotated fields, those with defaults last; a default is shared by
every instance, so it must be immutable (``()``, ``None``, ``frozenset()``,
``MappingProxyType({})``: a list, dict or set is refused, as dataclasses refuse them). There is
no ``default_factory`` and no inheritance of fields. ``__post_init__`` runs at the end of
``__init__`` when the class defines it; a field declared ``= derived()`` is not a field but an
attribute ``__post_init__`` sets (``object.__setattr__``) from the fields — an index, a cache:
it is not compared, hashed, shown, matched or passed to :func:`replace`.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar, Literal, TypeVar, dataclass_transform

R = TypeVar("R", bound="Record")


class FrozenRecordError(AttributeError):
    """A record's field was assigned or deleted (records never change after ``__init__``)."""


class _Derived:
    """The marker :func:`derived` puts in a class body."""


_DERIVED = _Derived()


def derived(*, init: Literal[False] = False) -> Any:
    """Declares an attribute that ``__post_init__`` computes from the fields (see the module
    docstring). ``init`` is for the type checker: such an attribute is no ``__init__`` argument."""
    return _DERIVED


def _no_fields(record: object) -> tuple[()]:
    return ()


def _compile_init(cls: type[Record]) -> Callable[..., None]:
    """``cls``'s ``__init__``, as a dataclass's would be: its fields in order as parameters
    (the last ``len(DEFAULTS)`` optional), each set through its slot's descriptor, then
    ``__post_init__`` if the class has one."""
    names, defaults = cls.FIELDS, cls.DEFAULTS
    first_default = len(names) - len(defaults)
    params = "".join(
        f", {name}" if i < first_default else f", {name}=_defaults[{i - first_default}]"
        for i, name in enumerate(names)
    )
    lines = [f"_set_{name}(self, {name})" for name in names]
    if hasattr(cls, "__post_init__"):
        lines.append("self.__post_init__()")
    body = "".join(f"\n    {line}" for line in lines or ["pass"])
    scope: dict[str, Any] = {"_defaults": defaults}
    scope.update({f"_set_{name}": cls.__dict__[name].__set__ for name in names})
    exec(f"def __init__(self{params}):{body}", scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _first_init(self: Record, *args: Any, **kwargs: Any) -> None:
    """Every record class's ``__init__`` until it is first called: compiles the real one."""
    cls = type(self)
    init = _compile_init(cls)
    type.__setattr__(cls, "__init__", init)
    init(self, *args, **kwargs)


def _is_class_var(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar"))


@dataclass_transform(frozen_default=True, field_specifiers=(derived,))
class _RecordType(type):
    """Makes a class body of annotated fields a record: ``__slots__`` (fields, then derived
    attributes), ``FIELDS``, ``DEFAULTS``, ``__match_args__`` and a lazily compiled
    ``__init__``."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _RecordType:
        if any(getattr(base, "FIELDS", ()) for base in bases):
            raise TypeError(f"{name}: records do not inherit fields")
        annotations: dict[str, object] = namespace.get("__annotations__", {})
        names: list[str] = []
        extra: list[str] = []
        defaults: list[object] = []
        for field, annotation in annotations.items():
            if _is_class_var(annotation):
                continue
            if namespace.get(field) is _DERIVED:
                del namespace[field]
                extra.append(field)
            elif field in namespace:
                default = namespace.pop(field)
                if isinstance(default, list | dict | set):
                    raise ValueError(f"{name}.{field}: a mutable default is shared; use ()")
                names.append(field)
                defaults.append(default)
            elif defaults:
                raise TypeError(f"{name}.{field}: a field without a default follows one with")
            else:
                names.append(field)
        fields = tuple(names)
        namespace["__slots__"] = (*fields, *extra)
        namespace["FIELDS"] = fields
        namespace["DEFAULTS"] = tuple(defaults)
        namespace["__match_args__"] = fields
        namespace["_key"] = attrgetter(*fields) if fields else staticmethod(_no_fields)
        namespace["__init__"] = _first_init
        return super().__new__(mcs, name, bases, namespace)


class Record(metaclass=_RecordType):
    """Base of the app's immutable values (see the module docstring)."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]] = ()
    DEFAULTS: ClassVar[tuple[object, ...]] = ()
    #: The fields' values (one field: its value), for equality and hashing.
    _key: ClassVar[Callable[[Any], object]]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        key = type(self)._key
        return bool(key(self) == key(other))

    def __hash__(self) -> int:
        return hash(type(self)._key(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenRecordError(f"cannot assign to field {name!r} of {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete field {name!r} of {type(self).__name__}")

    def __reduce__(self) -> tuple[type[Record], tuple[object, ...]]:
        """Copied and pickled through ``__init__`` (derived attributes are computed again)."""
        return type(self), tuple(getattr(self, name) for name in self.FIELDS)


def replace(record: R, /, **changes: object) -> R:
    """``record`` with some fields changed, as ``dataclasses.replace`` (``TypeError`` for a
    name that is not a field)."""
    for name in record.FIELDS:
        if name not in changes:
            changes[name] = getattr(record, name)
    return type(record)(**changes)
