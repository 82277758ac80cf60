"""Turn a configuration's script_location and version_locations into folders, in every form
alembic accepts, without importing anything.

alembic resolves a relative path against the folder it runs in, and a package resource
(`pkg.mod:sub:dir`, split on every colon: alembic's `coerce_resource_to_filename`) by
importing the package. A linter knows neither, so it looks where they usually are: a
relative path beside the configuration (what `%(here)s` says), then in each folder above
it up to the project root (mlflow's `script_location = mlflow/store/db_migrations` in
mlflow/store/db_migrations/alembic.ini); a package beside the configuration, in `src/`,
in the folders above it, in `prepend_sys_path` and on `sys.path` -- found by its path,
never imported.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from alembic_lint.discover.configs import AlembicConfig, Setting
from alembic_lint.discover.folder import ConfigProblem, ScriptSpec
from alembic_lint.project import repository_root

if TYPE_CHECKING:
    from alembic_lint.boundary import Boundary

_SEPARATORS = {"space": " ", "newline": "\n", "os": os.pathsep, ":": ":", ";": ";"}
_LEGACY_SPLIT = re.compile(r", *|(?: +)")
_LEGACY_SYS_PATH_SPLIT = re.compile(r", *|(?: +)|\:")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def resolve(
    config: AlembicConfig, bound: Path | None = None, boundary: Boundary | None = None
) -> tuple[ScriptSpec | None, tuple[ConfigProblem, ...]]:
    """The script directory a configuration names, and the problems of its configuration:
    one that stops it (no spec), or the version locations outside `boundary`, which are left
    out while the others are read (one problem each, on the key that names them).

    `bound`: the folder the user asked to lint; relative paths are looked up in the folders
    above the configuration up to the project root, or up to `bound` when no project root
    (a folder with pyproject.toml, setup.cfg, setup.py or .git) is found."""
    location = config.get("script_location")
    if location is None:
        return None, (ConfigProblem(config.file, config.section, "no-script-location"),)
    if not isinstance(location.value, str):
        return None, (_wrong_type(location, "script_location", "a string"),)
    roots = package_roots(config, bound)
    script = _find(location, "script_location", location.value, bound, roots)
    if isinstance(script, ConfigProblem):
        return None, (script,)
    refused = _outside(location, "script_location", location.value.strip(), script, boundary)
    if refused is not None:
        return None, (refused,)
    outside: list[ConfigProblem] = []
    locations = _version_locations(config, script, bound, roots, boundary, outside)
    if isinstance(locations, ConfigProblem) or not locations:
        return None, (*outside, *([locations] if isinstance(locations, ConfigProblem) else []))
    recursive = _recursive(config)
    if isinstance(recursive, ConfigProblem):
        return None, (*outside, recursive)
    return ScriptSpec(script, locations, recursive, config.file, boundary), tuple(outside)


def _outside(setting: Setting, key: str, value: str, folder: Path, boundary: Boundary | None) -> ConfigProblem | None:
    """The problem of a folder a key names that resolves outside the boundary (one `realpath`)."""
    if boundary is None:
        return None
    real = boundary.outside(folder)
    if real is None:
        return None
    shown = Path(boundary.shown(folder, real))
    return ConfigProblem(setting.file, setting.span, "outside", key, value, boundary.label, (shown,))


def search_bases(folder: Path, bound: Path | None) -> tuple[Path, ...]:
    """The folders a relative path in a configuration in `folder` may be relative to: the
    folder itself, then each folder above it up to the project root (where alembic is
    usually run), or up to `bound`, or up to the current folder when it is above."""
    out = [folder]
    top = repository_root(folder)
    if top is None and bound is not None and (bound == folder or bound in folder.parents):
        top = bound
    cwd = Path.cwd()
    if top is None and cwd in folder.parents:
        top = cwd
    if top is not None and top != folder:
        for parent in folder.parents:
            out.append(parent)
            if parent == top:
                break
    return tuple(out)


def package_roots(config: AlembicConfig, bound: Path | None) -> tuple[Path, ...]:
    """Where a package named in a resource is looked for, nearest first: beside the configuration
    and in its `src/`, the same in each folder above it, `prepend_sys_path`, then `sys.path`."""
    bases = search_bases(config.folder, bound)
    out: list[Path] = []
    for base in bases:
        out += [base, base / "src"]
    for entry in _sys_path_entries(config):
        path = Path(entry)
        out += [path] if path.is_absolute() else [base / path for base in bases]
    out += [Path(entry) for entry in sys.path if entry and os.path.isabs(entry)]
    return tuple(dict.fromkeys(out))


def _sys_path_entries(config: AlembicConfig) -> list[str]:
    setting = config.get("prepend_sys_path")
    if setting is None:
        return []
    if isinstance(setting.value, list):
        return [item for item in setting.value if isinstance(item, str)]
    if not isinstance(setting.value, str):
        return []
    separator = _separator(config)
    if isinstance(separator, str):
        return [part.strip() for part in setting.value.split(separator) if part.strip()]
    return [part for part in _LEGACY_SYS_PATH_SPLIT.split(setting.value) if part]


def is_resource(value: str) -> bool:
    """alembic's test: a value that is not an absolute path and holds a colon names a package resource."""
    return ":" in value and not os.path.isabs(value) and not _DRIVE.match(value)


def _find(setting: Setting, key: str, value: str, bound: Path | None, roots: Sequence[Path]) -> Path | ConfigProblem:
    """The folder one script_location or version_locations entry names."""
    value = value.strip()
    if is_resource(value):
        package, *parts = value.split(":")
        for root in roots:
            candidate = root.joinpath(*package.split("."))
            if candidate.is_dir():
                return candidate.joinpath(*parts)
        searched = tuple(root for root in roots if str(root) not in sys.path)
        return ConfigProblem(setting.file, setting.span, "missing-package", key, value, package, searched)
    path = Path(value)
    if path.is_absolute():
        if path.is_dir():
            return path
        return ConfigProblem(setting.file, setting.span, "missing-folder", key, value, tried=(path,))
    tried = tuple(base / path for base in search_bases(setting.file.parent, bound))
    for candidate in tried:
        if candidate.is_dir():
            return candidate
    return ConfigProblem(setting.file, setting.span, "missing-folder", key, value, tried=tried)


def _version_locations(
    config: AlembicConfig,
    script: Path,
    bound: Path | None,
    roots: Sequence[Path],
    boundary: Boundary | None = None,
    outside: list[ConfigProblem] | None = None,
) -> tuple[Path, ...] | ConfigProblem:
    """alembic's `_version_locations`: the configured ones that exist, else `<script>/versions`.
    A configured one outside `boundary` is left out, with its problem added to `outside`."""
    setting = config.get("version_locations")
    if setting is None or setting.value in ("", []):
        return (script / "versions",)
    if isinstance(setting.value, str) and setting.file.name != "pyproject.toml":
        separator = _separator(config)
        if isinstance(separator, ConfigProblem):
            return separator
        if separator is None:
            entries = [part for part in _LEGACY_SPLIT.split(setting.value) if part]
        else:
            entries = [part.strip() for part in setting.value.split(separator) if part.strip()]
    elif isinstance(setting.value, list) and all(isinstance(item, str) for item in setting.value):
        entries = list(setting.value)
    else:
        return _wrong_type(setting, "version_locations", "a list of strings")
    found: list[Path] = []
    missing: list[Path] = []
    for entry in entries:
        folder = _find(setting, "version_locations", entry, bound, roots)
        if isinstance(folder, ConfigProblem):
            missing.append(folder.tried[0] if folder.tried and folder.kind == "missing-folder" else Path(entry))
        elif not folder.is_dir():
            missing.append(folder)
        elif (refused := _outside(setting, "version_locations", entry.strip(), folder, boundary)) is not None:
            if outside is not None:
                outside.append(refused)
        else:
            found.append(folder)
    if not found and outside:
        return ()  # every one that exists is outside: those are the problems
    if not found:
        return ConfigProblem(setting.file, setting.span, "missing-versions", "version_locations", tried=tuple(missing))
    return tuple(dict.fromkeys(path.absolute() for path in found))


def _separator(config: AlembicConfig) -> str | ConfigProblem | None:
    """The ini's path separator (`path_separator`, else the deprecated `version_path_separator`);
    None for the legacy split. TOML lists need none."""
    for key in ("path_separator", "version_path_separator"):
        setting = config.get(key)
        if setting is None or setting.file.name != "alembic.ini":
            continue
        value = str(setting.value)
        if value not in _SEPARATORS:
            return ConfigProblem(setting.file, setting.span, "bad-separator", key, value)
        return _SEPARATORS[value]
    return None


def _recursive(config: AlembicConfig) -> bool | ConfigProblem:
    """alembic's booleans: exactly "true" in an ini (`True` and `yes` mean false), a TOML boolean."""
    setting = config.get("recursive_version_locations")
    if setting is None:
        return False
    if isinstance(setting.value, str) and setting.file.name != "pyproject.toml":
        return setting.value == "true"
    if isinstance(setting.value, bool):
        return setting.value
    return _wrong_type(setting, "recursive_version_locations", "a boolean")


def _wrong_type(setting: Setting, key: str, expected: str) -> ConfigProblem:
    return ConfigProblem(setting.file, setting.span, "wrong-type", key, str(setting.value), expected)
