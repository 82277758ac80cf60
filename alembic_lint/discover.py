"""Find the script directories to lint and the migration files in them, as alembic would.

See alembic's `ScriptDirectory.from_config`, `_version_locations` and
`Script._list_py_dir`. Relative paths in a config resolve against the config
file's folder (alembic uses the current directory; the templates since 1.16
write `%(here)s`, which means the same thing).
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# alembic's `_only_source_rev_file`: what counts as a migration file.
MIGRATION_FILE = re.compile(r"(?!\.\#|__init__)(.*\.py)$")
_SEPARATORS = {"space": " ", "newline": "\n", "os": os.pathsep, ":": ":", ";": ";"}
_LEGACY_SPLIT = re.compile(r", *|(?: +)")
_SKIP_DIRS = frozenset({"node_modules", "site-packages", "__pycache__", "venv", "env", "build", "dist"})
_SEARCH_DEPTH = 4
# The [alembic] / [tool.alembic] keys that decide where the migrations are.
_CONFIG_KEYS = (
    "script_location",
    "version_locations",
    "path_separator",
    "version_path_separator",
    "recursive_version_locations",
)


class DiscoveryError(Exception):
    """Bad input: the message is one line naming the path and what is wrong."""


@dataclass(frozen=True)
class VersionFolder:
    """One script directory: all its version locations form one revision graph."""

    root: Path  # the script directory, or the versions folder that was given
    locations: tuple[Path, ...]
    recursive: bool
    files: tuple[Path, ...]
    config: Path | None = None  # the alembic.ini or pyproject.toml it came from
    only: frozenset[Path] | None = None  # report only these files (a file was given)


@dataclass(frozen=True)
class _ScriptSpec:
    root: Path
    locations: tuple[Path, ...]
    recursive: bool
    config: Path | None


def discover(paths: Sequence[Path]) -> list[VersionFolder]:
    """The folders to lint for the given paths. Raises DiscoveryError on bad input."""
    found: dict[tuple[Path, ...], VersionFolder] = {}
    for raw in paths:
        path = Path(raw)
        try:
            if not path.exists():
                raise DiscoveryError(f"{raw}: no such file or directory")
            folders = _folders_for(path)
        except OSError as exc:  # e.g. a folder we may not list, a name too long
            raise DiscoveryError(f"{exc.filename or raw}: {exc.strerror or exc}") from None
        for folder in folders:
            key = folder.locations
            previous = found.get(key)
            if previous is not None:
                if previous.only is None or folder.only is None:
                    only = None
                else:
                    only = previous.only | folder.only
                folder = VersionFolder(
                    folder.root, folder.locations, folder.recursive, folder.files, folder.config, only
                )
            found[key] = folder
    return list(found.values())


def _folders_for(path: Path) -> list[VersionFolder]:
    if path.is_file():
        spec = _spec_for_file(path.absolute())
        return [_materialise(spec, only=frozenset({path.absolute()}))]
    return [_materialise(spec) for spec in _specs_for_directory(path.absolute())]


def list_migration_files(locations: Sequence[Path], recursive: bool) -> tuple[Path, ...]:
    """alembic's walk: top-down, names sorted, `__pycache__` skipped, links to folders not followed.

    A file reached twice (two overlapping locations, or a link to a file already
    listed) counts once, like alembic's "loaded twice! ignoring". Only links are
    resolved one by one: a plain file's real path is its folder's real path plus
    its name, which spares a `realpath` (one `lstat` per path component) per file.
    Paths are made with pathlib's own child constructor where it has one
    (Python < 3.12 parses every `Path(str)` again, a third of the listing time).
    """
    files: list[Path] = []
    seen: set[str] = set()
    for location in locations:
        if not location.is_dir():
            continue
        for folder, entries in _walk(str(location), recursive):
            if folder.endswith("__pycache__"):
                continue
            real_folder = os.path.realpath(folder)
            real_prefix = real_folder if real_folder.endswith(os.sep) else real_folder + os.sep
            folder_path = Path(folder)
            child = getattr(folder_path, "_make_child_relpath", folder_path.joinpath)
            # Python 3.11's pathlib formats str(path) again on first use (a third of a 10,000-file
            # warm run's listing); the string is already known. 3.12+ keeps it by itself.
            known_str = sys.version_info < (3, 12) and folder == str(folder_path)
            for entry in entries:
                if not MIGRATION_FILE.match(entry.name):
                    continue
                try:
                    linked = entry.is_symlink()
                except OSError:
                    linked = True
                real = os.path.realpath(entry.path) if linked else real_prefix + entry.name
                if real in seen:
                    continue
                seen.add(real)
                path = child(entry.name)
                if known_str and getattr(path, "_str", None) is None:
                    path._str = entry.path  # type: ignore[attr-defined]
                files.append(path)
    return tuple(files)


def _walk(top: str, recursive: bool) -> Iterator[tuple[str, list[os.DirEntry[str]]]]:
    """`os.walk(top)` with sorted names, as (folder, non-folder entries): depth first, top-down,
    `*__pycache__` folders skipped, links to folders listed as folders but not entered."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            continue
        files: list[os.DirEntry[str]] = []
        subfolders: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(entry)
            elif recursive and not entry.name.endswith("__pycache__") and not entry.is_symlink():
                subfolders.append(entry.path)
        yield folder, files
        stack.extend(reversed(subfolders))


def _materialise(spec: _ScriptSpec, only: frozenset[Path] | None = None) -> VersionFolder:
    existing = tuple(loc for loc in spec.locations if loc.is_dir())
    if not existing:
        shown = ", ".join(str(loc) for loc in spec.locations)
        source = f" (from {spec.config})" if spec.config else ""
        raise DiscoveryError(f"{shown}: versions folder does not exist{source}")
    files = list_migration_files(existing, spec.recursive)
    if not files and only is None:
        raise DiscoveryError(f"{spec.root}: no migration files found")
    return VersionFolder(spec.root, existing, spec.recursive, files, spec.config, only)


# -- a file argument ------------------------------------------------------------
def _spec_for_file(path: Path) -> _ScriptSpec:
    if not MIGRATION_FILE.match(path.name):
        raise DiscoveryError(f"{path}: not a migration file (alembic only loads *.py files)")
    spec = _holding_spec(path)
    return spec or _ScriptSpec(path.parent, (path.parent,), False, None)


def folder_for_file(path: Path) -> VersionFolder | None:
    """The script directory whose version locations hold `path`, or None.

    Unlike `discover([path])` this never falls back to "the file's own folder": a
    file counts only when a project config above it names its versions folder, or
    it sits in a `versions` folder beside env.py and script.py.mako. The file need
    not exist yet (an editor's unsaved buffer). Broken configs count as absent.
    """
    path = Path(os.path.abspath(path))
    if not MIGRATION_FILE.match(path.name):
        return None
    spec = _holding_spec(path)
    if spec is None:
        return None
    existing = tuple(loc for loc in spec.locations if loc.is_dir())
    if not existing:
        return None
    return VersionFolder(
        spec.root, existing, spec.recursive, list_migration_files(existing, spec.recursive), spec.config
    )


def holds_file(folder: VersionFolder, path: Path) -> bool:
    """True when alembic would load `path` as a migration of `folder` (the file need not exist)."""
    if not MIGRATION_FILE.match(path.name) or any(part.endswith("__pycache__") for part in path.parts):
        return False
    return any(_holds(location, path, folder.recursive) for location in folder.locations)


def _holding_spec(path: Path) -> _ScriptSpec | None:
    # A project config above the file whose version locations hold it.
    for ancestor in list(path.parents)[: _SEARCH_DEPTH + 2]:
        for spec in _configured_specs(ancestor):
            for location in spec.locations:
                if _holds(location, path, spec.recursive):
                    return spec
    # A folder named `versions` beside env.py / script.py.mako: read recursively.
    for ancestor in list(path.parents)[:_SEARCH_DEPTH]:
        if ancestor.name == "versions" and _is_script_dir(ancestor.parent):
            return _ScriptSpec(ancestor, (ancestor,), True, None)
    return None


def _holds(location: Path, path: Path, recursive: bool) -> bool:
    if recursive:
        return location in path.parents
    return path.parent == location


# -- a directory argument -------------------------------------------------------
def _specs_for_directory(directory: Path) -> list[_ScriptSpec]:
    specs = _project_specs(directory)
    if specs:
        return specs
    if _is_script_dir(directory):
        # alembic.ini usually sits beside the script directory, not in it.
        for ancestor in list(directory.parents)[:_SEARCH_DEPTH]:
            configured = [spec for spec in _configured_specs(ancestor) if _same(spec.root, directory)]
            if configured:
                return configured
        return _script_dir(directory)
    specs = [spec for found in _search(directory) for spec in _project_specs(found) or _script_dir(found)]
    if specs:
        return _unique(specs)
    # Otherwise the folder is itself a versions folder: read it recursively
    # (neutron's <release>/{expand,contract} layout) -- unless nothing in it declares a
    # revision: then it is some other folder, and linting every .py in it as a migration
    # would only flood the user with ALM008.
    if _declares_no_revision(directory):
        raise DiscoveryError(
            f"{directory}: no Alembic migrations found (no alembic.ini or [tool.alembic], no script "
            "directory with env.py and script.py.mako, and no .py file that sets down_revision)"
        )
    return [_ScriptSpec(directory, (directory,), True, None)]


_PROBE_LIMIT = 500
_BINDS_DOWN_REVISION = re.compile(rb"^down_revision\b", re.MULTILINE)


def _declares_no_revision(directory: Path) -> bool:
    """True when the folder holds .py files and none of the first few hundred binds
    `down_revision` at the start of a line (a cheap text probe; nothing is parsed)."""
    seen = 0
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(names):
            if not MIGRATION_FILE.match(name):
                continue
            seen += 1
            try:
                if _BINDS_DOWN_REVISION.search(Path(root, name).read_bytes()):
                    return False
            except OSError:
                return False  # let the linter report the unreadable file
            if seen >= _PROBE_LIMIT:
                return True
    return seen > 0


def _script_dir(directory: Path) -> list[_ScriptSpec]:
    """A script directory without a config: its versions folder, read recursively like
    a versions folder given on the command line (no config says otherwise)."""
    if _is_script_dir(directory):
        return [_ScriptSpec(directory, (directory / "versions",), True, None)]
    return []


def _configured_specs(directory: Path) -> list[_ScriptSpec]:
    try:
        return _project_specs(directory)
    except DiscoveryError:
        return []


def _unique(specs: list[_ScriptSpec]) -> list[_ScriptSpec]:
    """One spec per script directory: a config found above it wins over the bare folder."""
    seen: dict[str, _ScriptSpec] = {}
    for spec in specs:
        seen.setdefault(os.path.realpath(spec.root), spec)
    return list(seen.values())


def _same(a: Path, b: Path) -> bool:
    """The same folder, however it is spelled (`%(here)s/../alembic`, a symlink)."""
    return os.path.realpath(a) == os.path.realpath(b)


def _is_script_dir(directory: Path) -> bool:
    return (
        (directory / "env.py").is_file()
        and (directory / "script.py.mako").is_file()
        and (directory / "versions").is_dir()
    )


def _search(directory: Path) -> Iterator[Path]:
    """Folders below `directory` with an alembic.ini, or that are script directories."""
    base_depth = len(directory.parts)
    for root, dirs, names in os.walk(directory):
        here = Path(root)
        depth = len(here.parts) - base_depth
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS and depth < _SEARCH_DEPTH)
        if here == directory:
            continue
        if "alembic.ini" in names or ("env.py" in names and "script.py.mako" in names and "versions" in dirs):
            yield here
            dirs[:] = [d for d in dirs if d != "versions"]


# -- configuration files ----------------------------------------------------------
def _project_specs(directory: Path) -> list[_ScriptSpec]:
    """Script directories configured in `directory` (alembic.ini, [tool.alembic], Flask)."""
    ini_path = directory / "alembic.ini"
    toml_path = directory / "pyproject.toml"
    ini = _read_ini(ini_path) if ini_path.is_file() else None
    toml = _read_toml(toml_path) if toml_path.is_file() else None
    if ini is not None and "script_location" not in ini and (directory / "env.py").is_file():
        # Flask-Migrate's own folder (`migrations/`): its alembic.ini names no
        # script_location because Flask-Migrate passes the folder itself.
        if toml is None or "script_location" not in toml:
            return [_flask_spec(directory, ini)]
    if ini is not None or toml is not None:
        spec = _combine(
            directory, ini_path if ini is not None else None, ini, toml_path if toml is not None else None, toml
        )
        if spec is not None:
            return [spec]
    flask = directory / "migrations"
    if (flask / "alembic.ini").is_file():
        flask_ini = _read_ini(flask / "alembic.ini")
        return [_flask_spec(flask, flask_ini)]
    if (flask / "versions").is_dir() and (flask / "env.py").is_file():
        return [_ScriptSpec(flask, (flask / "versions",), False, None)]
    return []


def _read_ini(path: Path) -> dict[str, str] | None:
    """The [alembic] keys discovery uses, %(here)s expanded; None when there is no [alembic].

    Like alembic, only the keys that are used are interpolated: a `%` in an
    unrelated value such as `sqlalchemy.url` is not an error.
    """
    parser = configparser.ConfigParser(defaults={"here": str(path.parent)})
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
        if not parser.has_section("alembic"):
            return None
        return {key: parser.get("alembic", key) for key in _CONFIG_KEYS if parser.has_option("alembic", key)}
    except (configparser.Error, UnicodeDecodeError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DiscoveryError(f"{path}: cannot parse: {message}") from None


def _read_toml(path: Path) -> dict[str, object] | None:
    if sys.version_info >= (3, 11):  # imported here: 5 ms that a project without pyproject.toml never needs
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise DiscoveryError(f"{path}: cannot parse: {exc}") from None
    tool = data.get("tool")
    section = tool.get("alembic") if isinstance(tool, dict) else None
    if not isinstance(section, dict):
        return None
    here = {"here": str(path.parent)}

    def expand(value: object) -> object:  # only the keys that are used, as alembic does
        if isinstance(value, str):
            try:
                return value % here
            except (ValueError, KeyError, TypeError) as exc:
                raise DiscoveryError(f"{path}: cannot expand {value!r} in [tool.alembic]: {exc}") from None
        if isinstance(value, list):
            return [expand(v) for v in value]
        return value

    return {key: expand(value) for key, value in section.items() if key in _CONFIG_KEYS}


def _combine(
    directory: Path,
    ini_path: Path | None,
    ini: dict[str, str] | None,
    toml_path: Path | None,
    toml: dict[str, object] | None,
) -> _ScriptSpec | None:
    """alembic's precedence, key by key: the ini's [alembic] value when present, else TOML."""
    ini = ini or {}
    toml = toml or {}
    config = ini_path if ini_path is not None and "script_location" in ini else toml_path or ini_path

    def origin(key: str) -> Path:
        return ini_path if key in ini and ini_path else toml_path or directory

    if "script_location" in ini:
        location = ini["script_location"]
    elif "script_location" in toml:
        value = toml["script_location"]
        if not isinstance(value, str):
            raise DiscoveryError(f"{toml_path}: [tool.alembic] script_location must be a string")
        location = value
    else:
        if ini_path is not None or toml_path is not None:  # an [alembic] or [tool.alembic] section
            raise DiscoveryError(f"{config}: no 'script_location' key found in configuration")
        return None
    base = origin("script_location").parent
    script = _resolve_location(location, base, config)
    if not script.is_dir():
        raise DiscoveryError(f"{script}: script_location does not exist (from {config})")

    locations: list[Path]
    if ini.get("version_locations"):
        entries = _split_ini_locations(ini, ini_path)
        locations = [_resolve_location(entry, origin("version_locations").parent, ini_path) for entry in entries]
    elif "version_locations" in toml:
        value = toml["version_locations"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DiscoveryError(f"{toml_path}: [tool.alembic] version_locations must be a list of strings")
        locations = [_resolve_location(v, toml_path.parent if toml_path else directory, toml_path) for v in value]
    else:
        locations = [script / "versions"]

    if "recursive_version_locations" in ini:
        recursive = ini["recursive_version_locations"] == "true"
    elif "recursive_version_locations" in toml:
        value = toml["recursive_version_locations"]
        if not isinstance(value, bool):
            raise DiscoveryError(
                f"{toml_path}: boolean value expected for TOML parameter 'recursive_version_locations'"
            )
        recursive = value
    else:
        recursive = False
    return _ScriptSpec(script, tuple(dict.fromkeys(p.absolute() for p in locations)), recursive, config)


def _split_ini_locations(ini: dict[str, str], ini_path: Path | None) -> list[str]:
    raw = ini["version_locations"]
    for key in ("path_separator", "version_path_separator"):
        if key in ini:
            separator = ini[key]
            if separator not in _SEPARATORS:
                raise DiscoveryError(
                    f"{ini_path}: {separator!r} is not a valid value for {key}; "
                    "expected 'space', 'newline', 'os', ':', ';'"
                )
            return [part.strip() for part in raw.split(_SEPARATORS[separator]) if part.strip()]
    return [part for part in _LEGACY_SPLIT.split(raw) if part]


def _resolve_location(value: str, base: Path, config: Path | None) -> Path:
    value = value.strip()
    if ":" in value and not Path(value).is_absolute() and not re.match(r"^[A-Za-z]:[\\/]", value):
        package, _, sub = value.partition(":")
        for root in (base, base / "src"):
            candidate = root.joinpath(*package.split("."))
            if candidate.is_dir():
                return candidate / sub if sub else candidate
        raise DiscoveryError(
            f"{config or base}: cannot find package {package!r} of script_location {value!r} "
            f"under {base} or {base / 'src'}"
        )
    path = Path(value)
    return path if path.is_absolute() else base / path


def _flask_spec(directory: Path, ini: dict[str, str] | None) -> _ScriptSpec:
    """Flask-Migrate: the ini's script_location is replaced by the migrations folder itself."""
    ini = dict(ini or {})
    ini["script_location"] = str(directory)
    spec = _combine(directory, directory / "alembic.ini", ini, None, None)
    assert spec is not None
    return spec
