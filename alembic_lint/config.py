"""Project configuration: `[tool.alembic-lint]` in pyproject.toml, or alembic-lint.toml.

Found like ruff finds its own: walking up from the linted path, the first folder
with an `alembic-lint.toml` (top-level keys) or a `pyproject.toml` that has a
`[tool.alembic-lint]` table wins. `KEYS` is the one declaration of every key: its
TOML name, the kind of value it takes and the `Settings` field it sets. Relative
paths resolve against the configuration file's folder. Any mistake is a
`ConfigError`: one line naming the file and the key. A configuration file found by
the search that is a link resolving outside the repository is not read (an error: a
pull request could link `pyproject.toml` to any file on the machine).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from alembic_lint import values
from alembic_lint.dialect import DIALECTS
from alembic_lint.records import record, replace
from alembic_lint.rules.selection import UnknownSelector, check_selector, rule_for
from alembic_lint.settings import RuleSelection, Settings
from alembic_lint.values import InvalidValue, strings, type_name

CONFIG_FILE = "alembic-lint.toml"
PYPROJECT = "pyproject.toml"
SECTION = "alembic-lint"


class ConfigError(Exception):
    """A configuration file that cannot be used: the message is one line naming it."""


def _selectors(value: object, base: Path) -> tuple[str, ...]:
    out = []
    for item in strings(value):
        try:
            check_selector(item)
        except UnknownSelector as exc:
            raise InvalidValue(str(exc)) from None
        out.append(item)
    return tuple(out)


def _folders(value: object, base: Path) -> tuple[Path, ...]:
    folders = tuple(Path(os.path.normpath(base / item)) for item in strings(value))
    if not folders:
        raise InvalidValue("expected at least one folder")
    for original, folder in zip(strings(value), folders, strict=True):
        if not folder.is_dir():
            raise InvalidValue(f"{original!r} is not a folder ({folder})")
    return folders


def _graphs(value: object, base: Path) -> tuple[tuple[str, tuple[Path, ...]], ...]:
    """`version-locations`: an array of folders (one graph), or a table of named graphs, each
    a folder or an array of folders: `[version-locations] postgresql = ["db/versions/postgresql"]`."""
    if not isinstance(value, dict):
        return (("", _folders(value, base)),)
    if not value:
        raise InvalidValue("expected at least one graph")
    out = []
    for name, folders in value.items():
        try:
            out.append((name, _folders([folders] if isinstance(folders, str) else folders, base)))
        except InvalidValue as exc:
            raise InvalidValue(f"{name!r}: {exc}") from None
    return tuple(out)


def _per_file_ignores(value: object, base: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise InvalidValue(f"expected a table of glob = [rules], got {type_name(value)}")
    out = []
    for pattern, selectors in value.items():
        try:
            out.append((pattern, _selectors(selectors, base)))
        except InvalidValue as exc:
            raise InvalidValue(f"{pattern!r}: {exc}") from None
    return tuple(out)


_SEVERITIES = ("error", "warning")


def _rule_tables(value: object, base: Path) -> tuple[tuple[str, tuple[tuple[str, object], ...]], ...]:
    """`[tool.alembic-lint.rules.<CODE or name>]`: `severity` and the options the rule declares."""
    if not isinstance(value, dict):
        raise InvalidValue(f"expected a table of rule tables, got {type_name(value)}")
    out: dict[str, tuple[tuple[str, object], ...]] = {}
    for selector, table in value.items():
        rule = rule_for(selector)
        if rule is None:
            raise InvalidValue(f"unknown rule {selector!r} (a rule code such as ALM001, or its name)")
        if not isinstance(table, dict):
            raise InvalidValue(f"{selector!r}: expected a table, got {type_name(table)}")
        declared = {option.name: option for option in rule.options}
        options: list[tuple[str, object]] = []
        for name, raw in table.items():
            option = declared.get(name)
            if option is None and name != "severity":
                known = ", ".join(f"`{n}`" for n in ("severity", *declared))
                raise InvalidValue(f"{selector!r}: unknown option `{name}` (options of {rule.code}: {known})")
            convert = option.convert if option is not None else values.one_of(*_SEVERITIES)
            try:
                options.append((name, convert(raw, base)))
            except InvalidValue as exc:
                raise InvalidValue(f"{selector!r}: `{name}`: {exc}") from None
        if rule.code in out:
            raise InvalidValue(f"{selector!r}: {rule.code} is configured twice (by code and by name)")
        out[rule.code] = tuple(options)
    return tuple(sorted(out.items()))


@record
class Key:
    name: str  # as written in the TOML file
    field: str  # the Settings field it sets
    convert: Callable[[object, Path], object]  # (value, config folder) -> field value, or raises InvalidValue


KEYS: tuple[Key, ...] = (
    Key("select", "select", _selectors),
    Key("extend-select", "extend_select", _selectors),
    Key("ignore", "ignore", _selectors),
    Key("per-file-ignores", "per_file_ignores", _per_file_ignores),
    Key("first-party", "first_party", values.modules),
    Key("allowed-imports", "allowed_imports", values.modules),
    Key("allow-irreversible", "allow_irreversible", values.boolean),
    Key("irreversible-markers", "irreversible_markers", values.modules),
    Key("dialect", "dialect", values.one_of(*DIALECTS)),
    Key("check-downgrade", "check_downgrade", values.boolean),
    Key("version-locations", "version_locations", _graphs),
    Key("exclude", "exclude", values.string_list),
    Key("since", "since", values.string_or_strings),
    Key("output-format", "output_format", values.string),  # the value is checked by the output stage
    Key("cache-dir", "cache_dir", values.path),
    Key("rules", "rule_options", _rule_tables),
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


def find_config(start: Path, allow: Sequence[Path] = ()) -> Path | None:
    """The configuration file for a path: the nearest one at or above it. Raises ConfigError for
    one that is a link resolving outside the path's repository (`allow`: `--allow-outside`)."""
    start = start.absolute()
    try:
        is_dir = start.is_dir()
    except OSError:  # a name too long, a loop: discovery reports the path itself
        is_dir = False
    folder = start if is_dir else start.parent
    for directory in (folder, *folder.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            _within_repository(candidate, start, allow)
            return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file():
            _within_repository(pyproject, start, allow)
            try:
                if SECTION.encode() not in pyproject.read_bytes():
                    continue
            except OSError:
                continue
            if _section(pyproject, _read(pyproject)) is not None:
                return pyproject
    return None


def _within_repository(path: Path, start: Path, allow: Sequence[Path]) -> None:
    """Raise ConfigError for a configuration file that is a link out of `start`'s repository
    (one `lstat`, and one `realpath` for a link)."""
    if not os.path.islink(path):
        return
    from alembic_lint.boundary import boundary_for, refusal

    boundary = boundary_for([start], allow)
    real = boundary.outside(path)
    if real is not None:
        raise ConfigError(f"{path}: {refusal(boundary.shown(path, real), boundary)} (--allow-outside {real} reads it)")


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
        except InvalidValue as exc:
            raise ConfigError(f"{path}: `{name}`{where}: {exc}") from None
    return Settings(**values)  # type: ignore[arg-type]


def resolve_settings(
    path: Path,
    *,
    config: Path | None = None,
    isolated: bool = False,
    overrides: RuleSelection | None = None,
    allow_outside: Sequence[Path] = (),
) -> Settings:
    """The settings that apply to a linted path: `--isolated` ignores every file,
    `--config` names one, otherwise the nearest is used; command-line selectors
    (`overrides`) and `--allow-outside` (never a configuration key) come last."""
    if isolated:
        settings = Settings()
    else:
        found = config if config is not None else find_config(path, allow_outside)
        settings = load_settings(found) if found is not None else Settings()
    if overrides is not None:
        settings = replace(settings, overrides=(*settings.overrides, overrides))
    if allow_outside:
        settings = replace(settings, allow_outside=tuple(Path(os.path.abspath(p)) for p in allow_outside))
    return settings
