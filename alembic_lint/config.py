"""Project configuration: `[tool.alembic-lint]` in pyproject.toml, or alembic-lint.toml.

Found like ruff finds its own: walking up from the linted path, the first folder
with an `alembic-lint.toml` (top-level keys) or a `pyproject.toml` that has a
`[tool.alembic-lint]` table wins. `KEYS` is the one declaration of every key: its
TOML name, the kind of value it takes and the `Settings` field it sets. Relative
paths resolve against the configuration file's folder. Any mistake is a
`ConfigError`: one line naming the file and the key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from alembic_lint.settings import RuleSelection, Settings, UnknownSelector, check_selector

CONFIG_FILE = "alembic-lint.toml"
PYPROJECT = "pyproject.toml"
SECTION = "alembic-lint"


class ConfigError(Exception):
    """A configuration file that cannot be used: the message is one line naming it."""


class _Invalid(Exception):
    """A value of the wrong kind (the message says what was expected)."""


def _type_name(value: object) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        shown = _type_name(value) if not isinstance(value, list) else "an array with non-string items"
        raise _Invalid(f"expected an array of strings, got {shown}")
    return value


def _selectors(value: object, base: Path) -> tuple[str, ...]:
    out = []
    for item in _strings(value):
        try:
            check_selector(item)
        except UnknownSelector as exc:
            raise _Invalid(str(exc)) from None
        out.append(item)
    return tuple(out)


def _modules(value: object, base: Path) -> tuple[str, ...]:
    items = _strings(value)
    for item in items:
        if not all(part.isidentifier() for part in item.split(".")):
            raise _Invalid(f"{item!r} is not a dotted module name")
    return tuple(items)


def _globs(value: object, base: Path) -> tuple[str, ...]:
    return tuple(_strings(value))


def _boolean(value: object, base: Path) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"expected a boolean, got {_type_name(value)}")
    return value


def _string(value: object, base: Path) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"expected a string, got {_type_name(value)}")
    return value


def _path(value: object, base: Path) -> Path:
    return Path(os.path.normpath(base / _string(value, base)))


def _folders(value: object, base: Path) -> tuple[Path, ...]:
    folders = tuple(Path(os.path.normpath(base / item)) for item in _strings(value))
    if not folders:
        raise _Invalid("expected at least one folder")
    for original, folder in zip(_strings(value), folders, strict=True):
        if not folder.is_dir():
            raise _Invalid(f"{original!r} is not a folder ({folder})")
    return folders


def _per_file_ignores(value: object, base: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise _Invalid(f"expected a table of glob = [rules], got {_type_name(value)}")
    out = []
    for pattern, selectors in value.items():
        try:
            out.append((pattern, _selectors(selectors, base)))
        except _Invalid as exc:
            raise _Invalid(f"{pattern!r}: {exc}") from None
    return tuple(out)


@dataclass(frozen=True)
class Key:
    name: str  # as written in the TOML file
    field: str  # the Settings field it sets
    convert: Callable[[object, Path], object]  # (value, config folder) -> field value, or raises _Invalid


KEYS: tuple[Key, ...] = (
    Key("select", "select", _selectors),
    Key("extend-select", "extend_select", _selectors),
    Key("ignore", "ignore", _selectors),
    Key("per-file-ignores", "per_file_ignores", _per_file_ignores),
    Key("first-party", "first_party", _modules),
    Key("allowed-imports", "allowed_imports", _modules),
    Key("allow-irreversible", "allow_irreversible", _boolean),
    Key("irreversible-markers", "irreversible_markers", _modules),
    Key("version-locations", "version_locations", _folders),
    Key("exclude", "exclude", _globs),
    Key("output-format", "output_format", _string),  # the value is checked by the output stage
    Key("cache-dir", "cache_dir", _path),
)
KEYS_BY_NAME = {key.name: key for key in KEYS}


def _read(path: Path) -> dict[str, object]:
    if sys.version_info >= (3, 11):  # imported here: a run in a project without a config never needs it
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a configuration file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: cannot parse: {exc}") from None


def _section(path: Path, data: dict[str, object]) -> dict[str, object] | None:
    """The alembic-lint table of a parsed file: `[tool.alembic-lint]` in a pyproject.toml,
    the whole file otherwise."""
    if path.name != PYPROJECT:
        return data
    tool = data.get("tool")
    section = tool.get(SECTION) if isinstance(tool, dict) else None
    if section is None:
        return None
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
    return section


def find_config(start: Path) -> Path | None:
    """The configuration file for a path: the nearest one at or above it."""
    start = start.absolute()
    try:
        is_dir = start.is_dir()
    except OSError:  # a name too long, a loop: discovery reports the path itself
        is_dir = False
    folder = start if is_dir else start.parent
    for directory in (folder, *folder.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file():
            try:
                if SECTION.encode() not in pyproject.read_bytes():
                    continue
            except OSError:
                continue
            if _section(pyproject, _read(pyproject)) is not None:
                return pyproject
    return None


def load_settings(path: Path) -> Settings:
    """Read and validate one configuration file."""
    path = Path(os.path.normpath(path.absolute()))
    section = _section(path, _read(path))
    if section is None:
        raise ConfigError(f"{path}: no [tool.{SECTION}] table")
    where = f" in [tool.{SECTION}]" if path.name == PYPROJECT else ""
    values: dict[str, object] = {"config_path": path}
    for name, value in section.items():
        key = KEYS_BY_NAME.get(name)
        if key is None:
            import difflib  # only for the hint

            close = difflib.get_close_matches(name.replace("_", "-"), list(KEYS_BY_NAME), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise ConfigError(f"{path}: unknown key `{name}`{where}{hint}")
        try:
            values[key.field] = key.convert(value, path.parent)
        except _Invalid as exc:
            raise ConfigError(f"{path}: `{name}`{where}: {exc}") from None
    return Settings(**values)  # type: ignore[arg-type]


def resolve_settings(
    path: Path,
    *,
    config: Path | None = None,
    isolated: bool = False,
    overrides: RuleSelection | None = None,
) -> Settings:
    """The settings that apply to a linted path: `--isolated` ignores every file,
    `--config` names one, otherwise the nearest is used; command-line selectors
    (`overrides`) come last."""
    if isolated:
        settings = Settings()
    else:
        found = config if config is not None else find_config(path)
        settings = load_settings(found) if found is not None else Settings()
    if overrides is not None:
        settings = replace(settings, overrides=(*settings.overrides, overrides))
    return settings
