"""Records: what `@dataclass` gives the facts and the lint's data, for a fraction of its cost at import.

`@dataclass` writes each method of a class as source text and compiles it, six compilations
for a frozen class, and imports `inspect` to do so: the 71 classes a lint creates cost about
half of alembic-lint's import time (35-60 ms on the project machine), in every run, warm
runs and `alembic-lint` in editors and hooks included. `@record` writes the same methods
in one compilation per class and imports nothing.

    @record                     # frozen: `@dataclass(frozen=True)`
    class Span: ...
    @record(order=True)         # `@dataclass(frozen=True, order=True)`
    @record(frozen=False)       # `@dataclass`: mutable, not hashable
    field(default_factory=list) # as dataclasses.field

A record has what the dataclass would have: `__init__` (fields in order, base classes'
first, defaults and factories), `__repr__`, `__eq__` (same class, equal fields), `__hash__`
(frozen), the order methods, `__match_args__`, and assignments refused on a frozen one
(`FrozenRecordError`, an AttributeError). It pickles the same way. `replace(obj, **changes)`
is `dataclasses.replace`; `dataclasses.fields`, `replace`, `asdict` and `is_dataclass` accept
records too (their `__dataclass_fields__` is made, importing dataclasses, on first use).
A field annotated `ClassVar[...]` is not a field, as in dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter, ge, gt, le, lt
from types import CodeType, FunctionType
from typing import Any, TypeVar, overload

T = TypeVar("T", bound=type)


class FrozenRecordError(AttributeError):
    """An assignment to a field of a frozen record."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Field:
    """A field's declaration: its default, or the factory that makes one."""

    __slots__ = ("compare", "default", "default_factory", "name", "repr", "type")

    def __init__(
        self,
        default: object = MISSING,
        default_factory: Callable[[], object] | Any = MISSING,
        compare: bool = True,
        repr: bool = True,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.default = default
        self.default_factory = default_factory
        self.compare = compare  # part of ==, the hash and the order
        self.repr = repr
        self.name = ""
        self.type: object = None


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field with a default or a default factory, left out of comparisons or the repr (as
    `dataclasses.field`)."""
    return Field(default, default_factory, compare, repr)


def _is_class_var(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__qualname__", "")
    return isinstance(text, str) and text.split("[", 1)[0].strip() in ("ClassVar", "typing.ClassVar")


class _DataclassFields:
    """`__dataclass_fields__`, made from the record's fields on first use."""

    def __get__(self, obj: object, owner: type) -> dict[str, object]:
        import dataclasses

        made: dict[str, object] = {}
        for spec in owner.__record_fields__:  # type: ignore[attr-defined]
            kwargs: dict[str, object] = {"compare": spec.compare, "repr": spec.repr}
            if spec.default is not MISSING:
                kwargs["default"] = spec.default
            if spec.default_factory is not MISSING:
                kwargs["default_factory"] = spec.default_factory
            made_field = dataclasses.field(**kwargs)  # type: ignore[call-overload]
            made_field.name, made_field.type = spec.name, spec.type
            made_field._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
            made[spec.name] = made_field
        type.__setattr__(owner, "__dataclass_fields__", made)  # the class's own from now on
        return made


@overload
def record(cls: T, /) -> T: ...
@overload
def record(*, frozen: bool = True, order: bool = False) -> Callable[[T], T]: ...
def record(cls: T | None = None, /, *, frozen: bool = True, order: bool = False) -> T | Callable[[T], T]:
    """Make `cls` a record (frozen unless `frozen=False`; `order=True` adds <, <=, >, >=)."""

    def wrap(cls: T) -> T:
        return _process(cls, frozen, order)

    return wrap if cls is None else wrap(cls)


def _process(cls: T, frozen: bool, order: bool) -> T:
    specs: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for spec in base.__dict__.get("__record_fields__", ()):
            specs[spec.name] = spec
    namespace = cls.__dict__
    for name, annotation in namespace.get("__annotations__", {}).items():
        if _is_class_var(annotation):
            continue
        value = namespace.get(name, MISSING)
        spec = value if isinstance(value, Field) else Field(default=value)
        spec.name, spec.type = name, annotation
        specs.pop(name, None)
        specs[name] = spec
        if isinstance(value, Field):
            if value.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, value.default)
    fields = tuple(specs.values())
    names = tuple(spec.name for spec in fields)
    seen_default = False
    for spec in fields:
        has_default = spec.default is not MISSING or spec.default_factory is not MISSING
        if seen_default and not has_default:
            raise TypeError(f"non-default argument {spec.name!r} follows default argument")
        seen_default = seen_default or has_default
    cls.__record_fields__ = fields  # type: ignore[attr-defined]
    cls.__match_args__ = names  # type: ignore[attr-defined]
    cls.__dataclass_fields__ = _DataclassFields()  # type: ignore[attr-defined]
    for name, function in _methods(cls, fields, frozen, order).items():
        function.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, function)
    if not frozen:
        cls.__hash__ = None  # type: ignore[assignment]  # equal-by-value and mutable: as dataclasses
    return cls


def _methods(cls: type, fields: tuple[Field, ...], frozen: bool, order: bool) -> dict[str, Any]:
    """Every method of the record. Only `__init__` is compiled code, and it is not compiled
    here: it is a copy of a template for its number of fields, renamed (`code.replace`)."""
    names = tuple(spec.name for spec in fields)
    compared = tuple(spec.name for spec in fields if spec.compare)
    shown_names = tuple(spec.name for spec in fields if spec.repr)
    if len(compared) == 1:
        one = attrgetter(compared[0])

        def key(obj: object) -> tuple[object, ...]:
            return (one(obj),)

    else:
        key = attrgetter(*compared) if compared else _no_fields  # type: ignore[assignment]

    def __repr__(self: object) -> str:
        shown = ", ".join([f"{name}={getattr(self, name)!r}" for name in shown_names])
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self: object, other: object) -> bool:
        return key(self) == key(other) if other.__class__ is self.__class__ else NotImplemented  # type: ignore[no-any-return]

    methods: dict[str, Any] = {"__init__": _init(fields, frozen), "__repr__": __repr__, "__eq__": __eq__}
    if order:
        for method, compare in (("__lt__", lt), ("__le__", le), ("__gt__", gt), ("__ge__", ge)):
            methods[method] = _ordering(key, compare)
    if frozen:
        protected = frozenset(names)

        def __hash__(self: object) -> int:
            return hash(key(self))

        def __setattr__(self: object, name: str, value: object) -> None:
            if type(self) is cls or name in protected:
                raise FrozenRecordError(f"cannot assign to field {name!r}")
            super(cls, self).__setattr__(name, value)  # type: ignore[arg-type]

        def __delattr__(self: object, name: str) -> None:
            if type(self) is cls or name in protected:
                raise FrozenRecordError(f"cannot delete field {name!r}")
            super(cls, self).__delattr__(name)  # type: ignore[arg-type]

        methods.update(__hash__=__hash__, __setattr__=__setattr__, __delattr__=__delattr__)
    return methods


def _no_fields(obj: object) -> tuple[object, ...]:
    return ()


def _ordering(key: Callable[[object], object], compare: Callable[[object, object], bool]) -> Callable[..., Any]:
    def method(self: object, other: object) -> bool:
        return compare(key(self), key(other)) if other.__class__ is self.__class__ else NotImplemented  # type: ignore[no-any-return]

    return method


# __init__ templates, one per number of fields and kind (frozen or not), compiled on first use:
# `def __init__(self, f0, f1): _set(self, "f0", f0); _set(self, "f1", f1)`.
_TEMPLATES: dict[tuple[int, bool], CodeType] = {}
_INIT_GLOBALS: dict[str, object] = {"_set": object.__setattr__, "_MISSING": MISSING}


def _template(count: int, frozen: bool) -> CodeType:
    found = _TEMPLATES.get((count, frozen))
    if found is None:
        params = "".join(f", f{i}" for i in range(count))
        body = [f"  _set(self, 'f{i}', f{i})" if frozen else f"  self.f{i} = f{i}" for i in range(count)]
        namespace: dict[str, Any] = {}
        exec("\n".join([f"def __init__(self{params}):", *(body or ["  pass"])]), _INIT_GLOBALS, namespace)
        found = _TEMPLATES[(count, frozen)] = namespace["__init__"].__code__
    return found


def _init(fields: tuple[Field, ...], frozen: bool) -> FunctionType:
    """The record's `__init__`: the template renamed to its fields, with their defaults; a class
    with a default factory gets its own compiled one (only mutable records have one)."""
    names = tuple(spec.name for spec in fields)
    if any(spec.default_factory is not MISSING for spec in fields):
        return _init_with_factories(fields, frozen)
    template = _template(len(names), frozen)
    renamed = {f"f{i}": name for i, name in enumerate(names)}
    code = template.replace(
        co_consts=tuple(renamed.get(c, c) if isinstance(c, str) else c for c in template.co_consts),
        co_names=tuple(renamed.get(n, n) for n in template.co_names),
        co_varnames=tuple(renamed.get(n, n) for n in template.co_varnames),
    )
    defaults = tuple(spec.default for spec in fields if spec.default is not MISSING)
    return FunctionType(code, _INIT_GLOBALS, "__init__", defaults or None)


def _init_with_factories(fields: tuple[Field, ...], frozen: bool) -> FunctionType:
    env: dict[str, Any] = dict(_INIT_GLOBALS)
    params, body = [], []
    for spec in fields:
        name = spec.name
        if spec.default_factory is not MISSING:
            env[f"_factory_{name}"] = spec.default_factory
            params.append(f", {name}=_MISSING")
            body.append(f"  if {name} is _MISSING: {name} = _factory_{name}()")
        elif spec.default is not MISSING:
            env[f"_default_{name}"] = spec.default
            params.append(f", {name}=_default_{name}")
        else:
            params.append(f", {name}")
        body.append(f"  _set(self, {name!r}, {name})" if frozen else f"  self.{name} = {name}")
    exec("\n".join([f"def __init__(self{''.join(params)}):", *body]), env)
    return env["__init__"]  # type: ignore[no-any-return]


def replace(obj: T, /, **changes: object) -> T:
    """A copy of a record (or a dataclass) with some fields changed: `dataclasses.replace`."""
    fields = getattr(type(obj), "__record_fields__", None)
    if fields is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    values = {spec.name: getattr(obj, spec.name) for spec in fields}
    for name in changes:
        if name not in values:
            raise TypeError(f"{type(obj).__qualname__} has no field {name!r}")
    values.update(changes)
    return type(obj)(**values)  # type: ignore[no-any-return]


def fields_of(cls: type) -> tuple[tuple[str, object], ...]:
    """(name, annotation) of each field of a record or a dataclass, in order."""
    own = getattr(cls, "__record_fields__", None)
    if own is not None:
        return tuple((spec.name, spec.type) for spec in own)
    import dataclasses

    return tuple((spec.name, spec.type) for spec in dataclasses.fields(cls))


def is_record(value: object) -> bool:
    """True for a record class (not an instance)."""
    return isinstance(value, type) and "__record_fields__" in value.__dict__
