"""What invalidates every cache file: another alembic-lint (version or source), another
Python, or another shape of the parsed facts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from alembic_lint import __version__, diagnostics, parse
from alembic_lint.parallel import digest
from alembic_lint.records import fields_of, is_record


def fact_classes() -> list[type]:
    """Every record class a cache file may hold: those of parse.py and diagnostics.py, and any
    other reachable from `Migration`, `ParseFailure` or `Diagnostic` through field annotations
    (noqa.py's `Suppressions`, for one)."""
    import re

    found: dict[type, None] = {}
    todo: list[type] = [
        value
        for module in (parse, diagnostics)
        for value in vars(module).values()
        if _is_fact_class(value) and value.__module__ == module.__name__
    ]
    while todo:
        cls = todo.pop()
        if cls in found:
            continue
        found[cls] = None
        namespace = vars(sys.modules[cls.__module__])
        for _, annotation in fields_of(cls):
            for name in re.findall(r"[A-Za-z_]\w*", str(annotation)):
                value = namespace.get(name)
                if _is_fact_class(value):
                    todo.append(value)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__qualname__))


def _is_fact_class(value: object) -> bool:
    return is_record(value) or (isinstance(value, type) and "__dataclass_fields__" in value.__dict__)


def _fields_fingerprint() -> str:
    """The shape of the facts: every class a cache file may hold, with its fields and their types."""
    return ";".join(
        f"{cls.__module__}.{cls.__qualname__}(" + ",".join(f"{name}:{kind}" for name, kind in fields_of(cls)) + ")"
        for cls in fact_classes()
    )


def _code_fingerprint() -> str:
    """Size and mtime of every source file of the package: a changed checkout invalidates the cache
    even before the version number moves."""
    package = Path(__file__).parent.parent
    parts = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                parts.append(
                    f"{os.path.relpath(os.path.join(folder, name), package)}:{stat.st_size}:{stat.st_mtime_ns}"
                )
    return ";".join(parts)


def fingerprint() -> bytes:
    """16 bytes that change with alembic-lint's version or source, Python's, or the facts' shape."""
    impl = sys.implementation
    text = "\n".join(
        [
            __version__,
            impl.name,
            ".".join(map(str, impl.version[:2])),
            _fields_fingerprint(),
            _code_fingerprint(),
        ]
    )
    return digest(text.encode("utf-8", "surrogateescape"))
