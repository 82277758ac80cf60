"""The language-server tests need pygls, lsprotocol and pytest-lsp (the `test` extras): where one
is missing, each test module of this folder is reported as skipped, with the reason, instead of
failing to import."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

MISSING = [name for name in ("lsprotocol", "pygls", "pytest_lsp") if importlib.util.find_spec(name) is None]

if MISSING:

    class _Unavailable(pytest.Module):
        def collect(self):  # type: ignore[no-untyped-def]
            pytest.skip(f"the language-server tests need {', '.join(MISSING)} (pip install -e '.[test]')")

    def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Module:
        return _Unavailable.from_parent(parent, path=module_path)
