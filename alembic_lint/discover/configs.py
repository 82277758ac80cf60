"""Read the alembic configuration of one folder: alembic.ini's [alembic], pyproject.toml's
[tool.alembic] and Flask-Migrate's own alembic.ini, combined key by key as alembic does.

Only the keys that decide where the migrations are are read and interpolated (like
alembic, which interpolates a key when it is used: a `%` in `sqlalchemy.url` is no
error). Each value keeps where its key is written, so a problem points at that line.
"""

from __future__ import annotations

import configparser
import re
import sys
from pathlib import Path

from alembic_lint.diagnostics import Span
from alembic_lint.discover.folder import ConfigProblem
from alembic_lint.records import record

INI = "alembic.ini"
PYPROJECT = "pyproject.toml"
# The [alembic] / [tool.alembic] keys that decide where the migrations are.
KEYS = (
    "script_location",
    "version_locations",
    "path_separator",
    "version_path_separator",
    "recursive_version_locations",
    "prepend_sys_path",
)
_SECTION = re.compile(r"^\s*\[([^\]]*)\]")
HEADER = "[section]"  # where the section header is written, kept among the settings while reading
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@record
class Setting:
    """One configuration value, `%(here)s` expanded, and where its key is written."""

    value: object  # str from an ini; str, list, bool or int from TOML
    file: Path
    span: Span


@record
class AlembicConfig:
    """The alembic configuration found in one folder."""

    folder: Path
    settings: dict[str, Setting]
    file: Path  # the file a problem is reported on: the one setting script_location, else the ini, else TOML
    section: Span  # its [alembic] or [tool.alembic] header
    flask: bool = False  # Flask-Migrate: the folder holding alembic.ini is the script directory

    def get(self, key: str) -> Setting | None:
        return self.settings.get(key)


def read_config(folder: Path, *, with_env: bool | None = None) -> AlembicConfig | ConfigProblem | None:
    """The alembic configuration in `folder`; None when it has none (no alembic.ini with an
    [alembic] section, no pyproject.toml with [tool.alembic]); a problem when it cannot be read.

    `with_env`: whether the folder holds env.py (Flask-Migrate's alembic.ini names no
    script_location); looked up when not given."""
    ini_path, toml_path = folder / INI, folder / PYPROJECT
    ini = _read_ini(ini_path) if _is_file(ini_path) else None
    if isinstance(ini, ConfigProblem):
        return ini
    toml = _read_toml(toml_path) if _has_tool_alembic(toml_path) else None
    if isinstance(toml, ConfigProblem):
        return toml
    if ini is None and toml is None:
        return None
    settings = {**(toml or {}), **(ini or {})}  # key by key, the ini wins
    headers = {ini_path: (ini or {}).get(HEADER), toml_path: (toml or {}).get(HEADER)}
    settings.pop(HEADER, None)
    location = settings.get("script_location")
    if ini is not None and location is None:
        env = with_env if with_env is not None else _is_file(folder / "env.py")
        if env:  # Flask-Migrate passes its folder as script_location
            settings["script_location"] = Setting(str(folder), ini_path, Span.point(1))
            return AlembicConfig(folder, settings, ini_path, _span(headers[ini_path]), flask=True)
    if location is not None:
        main = location.file
    else:
        main = ini_path if ini is not None else toml_path
    return AlembicConfig(folder, settings, main, _span(headers[main]))


def _span(header: Setting | None) -> Span:
    return header.span if header is not None else Span.point(1)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _read_ini(path: Path) -> dict[str, Setting] | ConfigProblem | None:
    """The keys of [alembic], %(here)s expanded; None when there is no [alembic] section."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ConfigProblem(path, Span.point(1), "unparsable", detail=_reason(exc))
    parser = configparser.ConfigParser(defaults={"here": str(path.parent)})
    try:
        parser.read_string(text, source=str(path))
        if not parser.has_section("alembic"):
            return None
        positions = _ini_positions(text)
        out = {
            key: Setting(parser.get("alembic", key), path, positions.get(key, Span.point(1)))
            for key in KEYS
            if parser.has_option("alembic", key)
        }
        out[HEADER] = Setting("", path, positions.get(HEADER, Span.point(1)))
        return out
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        if line is None and isinstance(exc, configparser.InterpolationError):
            line = _ini_positions(text).get(exc.option, Span.point(1)).line
        return ConfigProblem(path, Span.point(line or 1), "unparsable", detail=_reason(exc))


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _ini_positions(text: str) -> dict[str, Span]:
    """Where each key of [alembic] (or [DEFAULT], when [alembic] lacks it) is written."""
    return _positions(text, "alembic", r"\s*[=:]", defaults="DEFAULT")


def _positions(text: str, section: str, separator: str, defaults: str = "") -> dict[str, Span]:
    """Where the section's header and each of its KEYS is first written (ini keys are case-insensitive;
    a TOML key may be quoted). Indented lines are continuations, not keys."""
    found: dict[str | None, dict[str, Span]] = {section: {}, defaults: {}}
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _SECTION.match(line)
        if header:
            current = header.group(1).strip()
            if current == section:
                found[section].setdefault(HEADER, Span(number, 0, number, len(line.rstrip())))
            continue
        if current not in found or line[:1].isspace() or not re.search(separator, line):
            continue
        key = re.split(separator, line, maxsplit=1)[0].strip().strip("\"'").lower()
        if key in KEYS:
            start = len(line) - len(line.lstrip())
            found[current].setdefault(key, Span(number, start, number, start + len(key)))
    return {**found[defaults], **found[section]}


def _has_tool_alembic(path: Path) -> bool:
    try:
        return b"tool.alembic" in path.read_bytes()  # `[tool.alembic-lint]` also matches: parsed to tell
    except OSError:
        return False


def _read_toml(path: Path) -> dict[str, Setting] | ConfigProblem | None:
    if sys.version_info >= (3, 11):  # imported here: 5 ms that a project without pyproject.toml never needs
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    try:
        text = path.read_bytes().decode("utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        where = _TOML_POSITION.search(str(exc))
        span = Span.point(int(where.group(1)), int(where.group(2)) - 1) if where else Span.point(1)
        return ConfigProblem(path, span, "unparsable", detail=_reason(exc))
    tool = data.get("tool")
    section = tool.get("alembic") if isinstance(tool, dict) else None
    if not isinstance(section, dict):
        return None
    positions = _toml_positions(text)
    here = {"here": str(path.parent)}
    out: dict[str, Setting] = {HEADER: Setting("", path, positions.get(HEADER, Span.point(1)))}
    for key, value in section.items():
        if key not in KEYS:
            continue
        span = positions.get(key, Span.point(1))
        try:
            out[key] = Setting(_expand(value, here), path, span)
        except (ValueError, KeyError, TypeError) as exc:
            shown = str(exc) if not isinstance(exc, KeyError) else repr(exc.args[0])
            return ConfigProblem(path, span, "bad-interpolation", key, _shown(value), shown)
    return out


def _expand(value: object, here: dict[str, str]) -> object:
    """alembic formats every string of [tool.alembic] (also inside lists) with `% {"here": ...}`."""
    if isinstance(value, str):
        return value % here
    if isinstance(value, list):
        return [_expand(item, here) for item in value]
    return value


def _shown(value: object) -> str:
    if isinstance(value, list):
        bad = [item for item in value if isinstance(item, str) and "%" in item]
        return bad[0] if bad else str(value)
    return str(value)


def _toml_positions(text: str) -> dict[str, Span]:
    """Where each key of the [tool.alembic] table is written."""
    return _positions(text, "tool.alembic", r"\s*=")
