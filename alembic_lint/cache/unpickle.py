"""Unpicklers that name no class but the cache's own: even a cache file that passes every
other check never runs code when it is loaded."""

from __future__ import annotations

import io
import pickle
from pathlib import Path, PurePath
from typing import ClassVar

from alembic_lint.cache.fingerprint import fact_classes


class _NoGlobals(pickle.Unpickler):
    """The container holds only dicts, lists, tuples, ints, strings and bytes: no class may be named."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache file")


def load_plain(data: bytes | bytearray) -> object:
    """Plain data (dicts, lists, tuples, ints, strings, bytes). Raises on anything else."""
    return _NoGlobals(io.BytesIO(data)).load()


def _allowed_classes() -> dict[tuple[str, str], type]:
    allowed = {(cls.__module__, cls.__qualname__): cls for cls in fact_classes()}
    path_types = {type(Path()), *(cls for cls in type(Path()).__mro__ if issubclass(cls, PurePath))}
    for cls in path_types:
        allowed[(cls.__module__, cls.__qualname__)] = cls
    return allowed


class _FactsUnpickler(pickle.Unpickler):
    allowed: ClassVar[dict[tuple[str, str], type]] = {}

    def find_class(self, module: str, name: str) -> type:
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache file") from None


def load_facts(data: bytes | memoryview) -> object:
    """Parsed facts or diagnostics: the dataclasses of `fact_classes()` and paths. Raises on anything else."""
    if not _FactsUnpickler.allowed:
        _FactsUnpickler.allowed = _allowed_classes()
    return _FactsUnpickler(io.BytesIO(data)).load()
