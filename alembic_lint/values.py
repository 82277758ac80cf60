"""Checks for configuration values: each takes the raw TOML value and the configuration
file's folder, and returns the value to keep or raises `InvalidValue` saying what was expected.

Shared by the top-level keys (config.py) and the options rules declare (`Rule.options`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

Convert = Callable[[object, Path], object]


class InvalidValue(ValueError):
    """A value of the wrong kind (the message says what was expected)."""


def type_name(value: object) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        shown = type_name(value) if not isinstance(value, list) else "an array with non-string items"
        raise InvalidValue(f"expected an array of strings, got {shown}")
    return value


def string_list(value: object, base: Path) -> tuple[str, ...]:
    return tuple(strings(value))


def string_or_strings(value: object, base: Path) -> tuple[str, ...]:
    """One string, or an array of them."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise InvalidValue(f"expected a string or an array of strings, got {type_name(value)}")


def modules(value: object, base: Path) -> tuple[str, ...]:
    items = strings(value)
    for item in items:
        if not all(part.isidentifier() for part in item.split(".")):
            raise InvalidValue(f"{item!r} is not a dotted module name")
    return tuple(items)


def boolean(value: object, base: Path) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"expected a boolean, got {type_name(value)}")
    return value


def string(value: object, base: Path) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"expected a string, got {type_name(value)}")
    return value


def integer(value: object, base: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"expected an integer, got {type_name(value)}")
    return value


def one_of(*choices: str) -> Convert:
    """A string that must be one of `choices`."""

    def convert(value: object, base: Path) -> str:
        text = string(value, base)
        if text not in choices:
            raise InvalidValue(f"expected one of {', '.join(repr(c) for c in choices)}, got {text!r}")
        return text

    return convert


def path(value: object, base: Path) -> Path:
    return Path(os.path.normpath(base / string(value, base)))
