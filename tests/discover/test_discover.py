"""discover(): which script directories and files a path means, as alembic would read them.

Where alembic can answer the same question (its Config and ScriptDirectory read the
configuration without running env.py), the answer is compared with alembic's.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import tree

from alembic_lint.discover import DiscoveryError, VersionFolder, discover, find
from alembic_lint.rules.unresolved_configuration import message

# The oracle reads config keys (path_separator, [tool.alembic]) that alembic 1.16 added.
ALEMBIC_ORACLE = "1.16"
MIGRATION = "revision = {rev!r}\ndown_revision = {down!r}\n"
INI = "[alembic]\nscript_location = %(here)s/alembic\n"


def migration(rev: str, down: str | None = None) -> str:
    return MIGRATION.format(rev=rev, down=down)


def script_dir(prefix: str, **migrations: str | None) -> dict[str, str]:
    """An `alembic init` folder: env.py, script.py.mako and versions/<rev>.py."""
    files = {f"{prefix}/env.py": "", f"{prefix}/script.py.mako": ""}
    files.update({f"{prefix}/versions/{rev}.py": migration(rev, down) for rev, down in migrations.items()})
    if not migrations:
        (files[f"{prefix}/versions/.keep"]) = ""
    return files


def only(paths: list[Path]) -> VersionFolder:
    (folder,) = discover(paths)
    return folder


def error(paths: list[Path]) -> str:
    with pytest.raises(DiscoveryError) as info:
        discover(paths)
    return str(info.value)


def problem(paths: list[Path]) -> str:
    """The one configuration that cannot be resolved, as `path:line: message` (ALM012's message)."""
    (found,) = find(paths).problems
    return f"{found.path}:{found.span.line}: {message(found)}"


ReadConfig = Callable[..., tuple[Path, list[Path], bool]]


@pytest.fixture
def alembic_config(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReadConfig]:
    """alembic's own reading of a configuration: (script dir, version locations, recursive)."""
    pytest.importorskip("alembic", minversion=ALEMBIC_ORACLE)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    monkeypatch.setattr(sys, "path", list(sys.path))  # from_config prepends prepend_sys_path

    def read(ini: Path | None = None, toml: Path | None = None) -> tuple[Path, list[Path], bool]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            config = Config(file_=str(ini) if ini else None, toml_file=str(toml) if toml else None)
            scripts = ScriptDirectory.from_config(config)
            locations = [p for p in scripts._version_locations if p.exists()]
        return Path(scripts.dir), locations, scripts.recursive_version_locations

    yield read


# -- alembic.ini ----------------------------------------------------------------------
def test_alembic_ini_with_here(tmp_path: Path, alembic_config: ReadConfig) -> None:
    tree(tmp_path, {"alembic.ini": "[alembic]\nscript_location = %(here)s/alembic\n", **script_dir("alembic", a1=None)})
    assert only([tmp_path]) == VersionFolder(
        root=tmp_path / "alembic",
        locations=(tmp_path / "alembic/versions",),
        recursive=False,
        files=(tmp_path / "alembic/versions/a1.py",),
        config=tmp_path / "alembic.ini",
    )
    assert alembic_config(tmp_path / "alembic.ini") == (tmp_path / "alembic", [tmp_path / "alembic/versions"], False)


def test_relative_script_location_resolves_against_the_ini_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # alembic resolves it against the current folder; templates before 1.16 wrote `script_location = alembic`
    # for `alembic` to be run beside the ini, which is what the ini's folder means.
    tree(
        tmp_path, {"proj/alembic.ini": "[alembic]\nscript_location = alembic\n", **script_dir("proj/alembic", a1=None)}
    )
    monkeypatch.chdir(tmp_path)
    assert only([Path("proj")]).root == tmp_path / "proj/alembic"


def _separated(separator: str, entries: list[str]) -> str:
    joiner = {"space": " ", "newline": "\n    ", "os": os.pathsep, ":": ":", ";": ";"}[separator]
    return joiner.join(entries)


@pytest.mark.parametrize("separator", ["space", "newline", "os", ":", ";"])
def test_version_locations_split_by_path_separator(tmp_path: Path, separator: str, alembic_config: ReadConfig) -> None:
    locations = _separated(separator, ["%(here)s/alembic/versions", "%(here)s/plugins/billing"])
    ini = f"{INI}version_locations = {locations}\npath_separator = {separator}\n"
    tree(tmp_path, {"alembic.ini": ini, **script_dir("alembic", a1=None), "plugins/billing/b1.py": migration("b1")})
    folder = only([tmp_path])
    assert (folder.locations, folder.files) == (
        (tmp_path / "alembic/versions", tmp_path / "plugins/billing"),
        (tmp_path / "alembic/versions/a1.py", tmp_path / "plugins/billing/b1.py"),
    )
    assert alembic_config(tmp_path / "alembic.ini")[1] == list(folder.locations)


def test_newline_separator_allows_spaces_in_paths(tmp_path: Path, alembic_config: ReadConfig) -> None:
    ini = (
        "[alembic]\nscript_location = %(here)s/alembic\n"
        "version_locations =\n    %(here)s/my versions\n    %(here)s/more\npath_separator = newline\n"
    )
    tree(
        tmp_path, {"alembic.ini": ini, **script_dir("alembic"), "my versions/a1.py": migration("a1"), "more/b1.py": ""}
    )
    assert only([tmp_path]).locations == (tmp_path / "my versions", tmp_path / "more")
    assert alembic_config(tmp_path / "alembic.ini")[1] == [tmp_path / "my versions", tmp_path / "more"]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("", "%(here)s/v1, %(here)s/v2  %(here)s/v3"),  # no separator key: the legacy split on commas and spaces
        ("version_path_separator = ;\n", "%(here)s/v1;%(here)s/v2;%(here)s/v3"),  # the deprecated key
        ("path_separator = ;\nversion_path_separator = space\n", "%(here)s/v1;%(here)s/v2;%(here)s/v3"),  # new key wins
    ],
)
def test_legacy_and_deprecated_separators(tmp_path: Path, setting: str, value: str, alembic_config: ReadConfig) -> None:
    ini = f"[alembic]\nscript_location = %(here)s/alembic\nversion_locations = {value}\n{setting}"
    files = {f"v{i}/r{i}.py": migration(f"r{i}") for i in (1, 2, 3)}
    tree(tmp_path, {"alembic.ini": ini, **script_dir("alembic"), **files})
    expected = [tmp_path / "v1", tmp_path / "v2", tmp_path / "v3"]
    assert list(only([tmp_path]).locations) == expected
    assert alembic_config(tmp_path / "alembic.ini")[1] == expected


def test_an_invalid_separator_is_an_error(tmp_path: Path, alembic_config: ReadConfig) -> None:
    ini = f"{INI}version_locations = %(here)s/a,%(here)s/b\npath_separator = comma\n"
    tree(tmp_path, {"alembic.ini": ini, **script_dir("alembic", a1=None)})
    text = "'comma' is not a valid value for path_separator; expected 'space', 'newline', 'os', ':', ';'"
    assert problem([tmp_path]) == f"{tmp_path / 'alembic.ini'}:4: {text}"
    with pytest.raises(ValueError, match=text):  # alembic says the same
        alembic_config(tmp_path / "alembic.ini")


@pytest.mark.parametrize(("value", "recursive"), [("true", True), ("True", False), ("yes", False), ("1", False)])
def test_recursive_version_locations_is_exactly_true(
    tmp_path: Path, value: str, recursive: bool, alembic_config: ReadConfig
) -> None:
    ini = f"[alembic]\nscript_location = %(here)s/alembic\nrecursive_version_locations = {value}\n"
    tree(
        tmp_path, {"alembic.ini": ini, **script_dir("alembic", a1=None), "alembic/versions/2024/b2.py": migration("b2")}
    )
    folders = discover([tmp_path])
    nested = (tmp_path / "alembic/versions/2024/b2.py",) if recursive else ()
    assert (folders[0].recursive, folders[0].files) == (recursive, (tmp_path / "alembic/versions/a1.py", *nested))
    assert alembic_config(tmp_path / "alembic.ini")[2] is recursive
    if not recursive:  # b2 revises nothing of versions/: a tree of its own (one set in code, as prefect's)
        assert [(f.name, f.files) for f in folders[1:]] == [("2024", (tmp_path / "alembic/versions/2024/b2.py",))]


def test_an_unrelated_percent_sign_is_not_an_error(tmp_path: Path, alembic_config: ReadConfig) -> None:
    # alembic interpolates only the keys it reads; sqlalchemy.url is read by env.py, if at all.
    ini = "[alembic]\nscript_location = %(here)s/alembic\nsqlalchemy.url = postgresql://scott:ti%ger@localhost/test\n"
    tree(tmp_path, {"alembic.ini": ini, **script_dir("alembic", a1=None)})
    assert only([tmp_path]).files == (tmp_path / "alembic/versions/a1.py",)
    assert alembic_config(tmp_path / "alembic.ini")[0] == tmp_path / "alembic"


@pytest.mark.parametrize(
    ("ini", "text"),
    [
        ("[alembic\nscript_location = x\n", "1: cannot parse: File contains no section headers."),
        ("[alembic]\nscript_location = a\nscript_location = b\n", "3: cannot parse: While reading from "),
        ("[alembic]\nscript_location = %(nope)s/alembic\n", "2: cannot parse: Bad value substitution: option "),
        ("[alembic]\nsqlalchemy.url = sqlite://\n", "1: no 'script_location' key found in configuration"),
        ("[alembic]\nscript_location = %(here)s/gone\n", "2: script_location '{tmp}/gone' names no folder"),
    ],
)
def test_ini_errors(tmp_path: Path, ini: str, text: str) -> None:
    tree(tmp_path, {"alembic.ini": ini})
    assert problem([tmp_path]).startswith(f"{tmp_path / 'alembic.ini'}:{text.format(tmp=tmp_path)}")


def test_missing_version_locations(tmp_path: Path) -> None:
    ini = f"{INI}version_locations = %(here)s/a %(here)s/b\npath_separator = space\n"
    tree(tmp_path, {"alembic.ini": ini, "alembic/env.py": ""})
    assert problem([tmp_path]) == f"{tmp_path / 'alembic.ini'}:3: none of the version_locations exists (a, b)"


# -- pyproject.toml [tool.alembic] -------------------------------------------------------
def test_pyproject_tool_alembic(tmp_path: Path, alembic_config: ReadConfig) -> None:
    toml = (
        "[project]\nname = 'shop'\n\n[tool.alembic]\nscript_location = '%(here)s/migrations'\n"
        "version_locations = ['%(here)s/migrations/versions', '%(here)s/plugins']\n"
        "recursive_version_locations = true\nprepend_sys_path = ['.']\n"
    )
    tree(
        tmp_path,
        {
            "pyproject.toml": toml,
            **script_dir("migrations", a1=None),
            "plugins/billing/b1.py": migration("b1", "a1"),
        },
    )
    assert only([tmp_path]) == VersionFolder(
        root=tmp_path / "migrations",
        locations=(tmp_path / "migrations/versions", tmp_path / "plugins"),
        recursive=True,
        files=(tmp_path / "migrations/versions/a1.py", tmp_path / "plugins/billing/b1.py"),
        config=tmp_path / "pyproject.toml",
    )
    assert alembic_config(toml=tmp_path / "pyproject.toml") == (
        tmp_path / "migrations",
        [tmp_path / "migrations/versions", tmp_path / "plugins"],
        True,
    )


@pytest.mark.parametrize(
    ("setting", "text"),
    [
        (
            "recursive_version_locations = 'true'",
            "boolean value expected for TOML parameter 'recursive_version_locations'",
        ),
        ("version_locations = '%(here)s/v'", "[tool.alembic] version_locations must be a list of strings"),
        ("version_locations = ['%(nope)s/v']", "cannot expand '%(nope)s/v' in [tool.alembic]: 'nope'"),
    ],
)
def test_pyproject_type_errors(tmp_path: Path, setting: str, text: str) -> None:
    tree(
        tmp_path,
        {"pyproject.toml": f"[tool.alembic]\nscript_location = 'alembic'\n{setting}\n", **script_dir("alembic")},
    )
    assert problem([tmp_path]) == f"{tmp_path / 'pyproject.toml'}:3: {text}"


def test_pyproject_boolean_type_error_is_alembics(tmp_path: Path, alembic_config: ReadConfig) -> None:
    from alembic.util import CommandError

    tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.alembic]\nscript_location = '%(here)s/alembic'\n"
            "recursive_version_locations = 'true'\n"
        },
    )
    tree(tmp_path, script_dir("alembic"))
    with pytest.raises(
        CommandError, match=r"^boolean value expected for TOML parameter 'recursive_version_locations'$"
    ):
        alembic_config(toml=tmp_path / "pyproject.toml")


def test_pyproject_that_does_not_parse(tmp_path: Path) -> None:
    tree(tmp_path, {"pyproject.toml": "[tool.alembic\n"})
    assert problem([tmp_path]) == (
        f"{tmp_path / 'pyproject.toml'}:1: cannot parse: "
        "Expected ']' at the end of a table declaration (at line 1, column 14)"
    )


def test_pyproject_without_tool_alembic_is_not_a_config(tmp_path: Path) -> None:
    tree(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", **script_dir("alembic", a1=None)})
    folder = only([tmp_path])
    assert (folder.root, folder.config) == (tmp_path / "alembic", None)


def test_ini_wins_over_toml_key_by_key(tmp_path: Path, alembic_config: ReadConfig) -> None:
    ini = "[alembic]\nscript_location = %(here)s/from_ini\nrecursive_version_locations = false\n"
    toml = (
        "[tool.alembic]\nscript_location = '%(here)s/from_toml'\n"
        "version_locations = ['%(here)s/from_toml/versions', '%(here)s/extra']\nrecursive_version_locations = true\n"
    )
    tree(
        tmp_path,
        {
            "alembic.ini": ini,
            "pyproject.toml": toml,
            **script_dir("from_ini", a1=None),
            **script_dir("from_toml", t1=None),
            "extra/e1.py": migration("e1", "t1"),
            "extra/nested/n1.py": migration("n1", "e1"),
        },
    )
    folder = only([tmp_path])
    # script_location and recursive_version_locations from the ini, version_locations from TOML;
    # extra/nested/ is not read by alembic's configuration but revises e1: a location set in code.
    assert (folder.root, folder.locations, folder.files) == (
        tmp_path / "from_ini",
        (tmp_path / "from_toml/versions", tmp_path / "extra"),
        (tmp_path / "from_toml/versions/t1.py", tmp_path / "extra/e1.py", tmp_path / "extra/nested/n1.py"),
    )
    assert alembic_config(tmp_path / "alembic.ini", tmp_path / "pyproject.toml") == (
        tmp_path / "from_ini",
        list(folder.locations),
        False,
    )


# -- package resources ------------------------------------------------------------------
@pytest.mark.parametrize("resource", ["shop.db:migrations", "shop:db:migrations"])  # alembic splits on every colon
@pytest.mark.parametrize("base", ["", "src/"])
def test_package_resource_script_location(
    tmp_path: Path, base: str, resource: str, alembic_config: ReadConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "alembic.ini": f"[alembic]\nscript_location = {resource}\n",
        f"{base}shop/__init__.py": "",
        f"{base}shop/db/__init__.py": "",
        **script_dir(f"{base}shop/db/migrations", a1=None),
    }
    tree(tmp_path, files)
    folder = only([tmp_path])
    assert (folder.root, folder.files) == (
        tmp_path / f"{base}shop/db/migrations",
        (tmp_path / f"{base}shop/db/migrations/versions/a1.py",),
    )
    # alembic imports the package to find it: give it the same place to look.
    monkeypatch.syspath_prepend(str(tmp_path / base))
    try:
        assert alembic_config(tmp_path / "alembic.ini")[0] == folder.root
    finally:
        for name in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
            del sys.modules[name]


def test_package_resource_that_cannot_be_found(tmp_path: Path) -> None:
    tree(tmp_path, {"alembic.ini": "[alembic]\nscript_location = shop.db:migrations\n", "setup.cfg": ""})
    assert problem([tmp_path]) == (
        f"{tmp_path / 'alembic.ini'}:2: script_location 'shop.db:migrations': package 'shop.db' not found "
        f"in . and 1 more up to {tmp_path / 'src'} or on sys.path (alembic-lint does not import it)"
    )


# -- Flask-Migrate and the fallbacks -----------------------------------------------------
FLASK_INI = "# A generic, single database configuration.\n\n[alembic]\n# template used to generate migration files\n"


@pytest.mark.parametrize("with_ini", [True, False])
@pytest.mark.parametrize("argument", ["", "migrations"])
def test_flask_migrate(tmp_path: Path, with_ini: bool, argument: str) -> None:
    files = {"app.py": "", **script_dir("migrations", a1=None)}
    if with_ini:
        files["migrations/alembic.ini"] = FLASK_INI
    tree(tmp_path, files)
    assert only([tmp_path / argument]) == VersionFolder(
        root=tmp_path / "migrations",
        locations=(tmp_path / "migrations/versions",),
        recursive=False,
        files=(tmp_path / "migrations/versions/a1.py",),
        config=tmp_path / "migrations/alembic.ini" if with_ini else None,
    )


def test_flask_migrate_ini_may_set_version_locations(tmp_path: Path) -> None:
    ini = FLASK_INI + "version_locations = %(here)s/versions %(here)s/../plugins\npath_separator = space\n"
    tree(tmp_path, {"migrations/alembic.ini": ini, **script_dir("migrations", a1=None), "plugins/p1.py": ""})
    assert only([tmp_path]).locations == (tmp_path / "migrations/versions", tmp_path / "migrations/../plugins")


def test_script_directory_below_a_project_without_config(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            **script_dir("backend/db/alembic", a1=None),
            "backend/db/alembic/versions/2024/b2.py": migration("b2", "a1"),
            # Not projects of ours: hidden folders, virtualenvs, node_modules.
            **script_dir(".venv/lib/alembic", x1=None),
            **script_dir("node_modules/pkg/alembic", y1=None),
        },
    )
    assert only([tmp_path]) == VersionFolder(
        root=tmp_path / "backend/db/alembic",
        locations=(tmp_path / "backend/db/alembic/versions",),
        recursive=True,  # no config says otherwise: read like a versions folder
        files=(tmp_path / "backend/db/alembic/versions/a1.py", tmp_path / "backend/db/alembic/versions/2024/b2.py"),
    )


def test_a_folder_above_several_projects(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "api/alembic.ini": "[alembic]\nscript_location = %(here)s/alembic\n",
            **script_dir("api/alembic", a1=None),
            **script_dir("worker/migrations", w1=None),
        },
    )
    assert [(f.root, f.config) for f in discover([tmp_path])] == [
        (tmp_path / "api/alembic", tmp_path / "api/alembic.ini"),
        (tmp_path / "worker/migrations", None),
    ]


def test_a_folder_above_a_project_whose_versions_are_configured_finds_it_once(tmp_path: Path) -> None:
    ini = (
        "[alembic]\nscript_location = %(here)s/migrations\n"
        "version_locations = %(here)s/migrations/versions/expand %(here)s/migrations/versions/contract\n"
        "path_separator = space\n"
    )
    tree(
        tmp_path,
        {
            "proj/alembic.ini": ini,
            **script_dir("proj/migrations"),
            "proj/migrations/versions/expand/e1.py": migration("e1"),
            "proj/migrations/versions/contract/c1.py": migration("c1", "e1"),
        },
    )
    folder = only([tmp_path])
    assert (folder.config, folder.files) == (
        tmp_path / "proj/alembic.ini",
        (tmp_path / "proj/migrations/versions/expand/e1.py", tmp_path / "proj/migrations/versions/contract/c1.py"),
    )


def test_a_script_directory_argument_uses_the_alembic_ini_beside_it(tmp_path: Path) -> None:
    ini = (
        "[alembic]\nscript_location = %(here)s/alembic\nversion_locations = %(here)s/alembic/versions %(here)s/extra\n"
    )
    tree(
        tmp_path, {"alembic.ini": ini + "path_separator = space\n", **script_dir("alembic", a1=None), "extra/b1.py": ""}
    )
    folder = only([tmp_path / "alembic"])
    assert (folder.config, folder.locations) == (
        tmp_path / "alembic.ini",
        (tmp_path / "alembic/versions", tmp_path / "extra"),
    )


# -- a versions folder -----------------------------------------------------------------
def test_a_versions_folder_is_read_recursively(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "versions/kilo_initial.py": migration("kilo"),
            "versions/README": "",
            "versions/liberty/expand/e1.py": migration("e1", "kilo"),
            "versions/liberty/contract/c1.py": migration("c1", "kilo"),
            "versions/mitaka/expand/e2.py": migration("e2", "e1"),
        },
    )
    v = tmp_path / "versions"
    assert only([v]) == VersionFolder(
        root=v,
        locations=(v,),
        recursive=True,
        files=(
            v / "kilo_initial.py",
            v / "liberty/contract/c1.py",
            v / "liberty/expand/e1.py",
            v / "mitaka/expand/e2.py",
        ),
    )


def test_which_files_count(tmp_path: Path) -> None:
    v = tmp_path / "versions"
    tree(
        tmp_path,
        {
            "versions/a1.py": migration("a1"),
            "versions/.hidden.py": migration("h1", "a1"),  # alembic loads hidden files
            "versions/__init__.py": "",
            "versions/__init__x.py": "",  # any name starting with __init__
            "versions/.#a1.py": "",  # an editor's lock file
            "versions/b2.pyi": "",
            "versions/c3.PY": "",
            "versions/d4.py~": "",
            "versions/d4.pyc": "",
            "versions/README": "",
            "versions/__pycache__/e5.py": "",
            "versions/sub__pycache__/e6.py": "",
            "versions/nested/f6.py": migration("f6", "a1"),
            "elsewhere/g7.py": migration("g7", "a1"),
        },
    )
    (v / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)  # not followed
    (v / "alias.py").symlink_to(v / "a1.py")  # the same file reached twice counts once
    assert only([v]).files == (v / ".hidden.py", v / "a1.py", v / "nested/f6.py")


def test_which_files_count_is_alembics_rule(tmp_path: Path) -> None:
    pytest.importorskip("alembic", minversion=ALEMBIC_ORACLE)
    from alembic.script import ScriptDirectory

    test_which_files_count(tmp_path)
    v = tmp_path / "versions"
    scripts = ScriptDirectory(str(tmp_path), version_locations=[str(v)], recursive_version_locations=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = [Path(script.path) for script in scripts._load_revisions()]
    assert loaded == [v / ".hidden.py", v / "a1.py", v / "nested/f6.py"]


def test_a_file_reached_from_two_locations_counts_once(tmp_path: Path) -> None:
    ini = (
        "[alembic]\nscript_location = %(here)s/alembic\nrecursive_version_locations = true\n"
        "version_locations = %(here)s/alembic/versions %(here)s/alembic/versions/sub\npath_separator = space\n"
    )
    tree(
        tmp_path, {"alembic.ini": ini, **script_dir("alembic", a1=None), "alembic/versions/sub/b2.py": migration("b2")}
    )
    assert only([tmp_path]).files == (tmp_path / "alembic/versions/a1.py", tmp_path / "alembic/versions/sub/b2.py")


# -- a single file -------------------------------------------------------------------------
def test_a_file_argument_analyses_its_whole_folder(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {"alembic.ini": "[alembic]\nscript_location = %(here)s/alembic\n", **script_dir("alembic", a1=None, b2="a1")},
    )
    b2 = tmp_path / "alembic/versions/b2.py"
    assert only([b2]) == VersionFolder(
        root=tmp_path / "alembic",
        locations=(tmp_path / "alembic/versions",),
        recursive=False,
        files=(tmp_path / "alembic/versions/a1.py", b2),
        config=tmp_path / "alembic.ini",
        only=frozenset({b2}),
    )


def test_two_files_of_one_folder_are_one_folder(tmp_path: Path) -> None:
    tree(tmp_path, {"versions/a1.py": migration("a1"), "versions/b2.py": migration("b2", "a1")})
    a1, b2 = tmp_path / "versions/a1.py", tmp_path / "versions/b2.py"
    assert only([a1, b2]).only == frozenset({a1, b2})
    assert only([a1, tmp_path / "versions"]).only is None


# -- bad input -------------------------------------------------------------------------------
def test_bad_paths(tmp_path: Path) -> None:
    tree(tmp_path, {"versions/notes.txt": "", "empty/.keep": ""})
    assert error([tmp_path / "nope"]) == f"{tmp_path / 'nope'}: no such file or directory"
    assert error([tmp_path / "empty"]) == (
        f"{tmp_path / 'empty'}: no Alembic migrations found (no alembic.ini or [tool.alembic], no script directory "
        "with env.py or script.py.mako beside a versions folder, and no .py file here that sets down_revision)"
    )
    assert error([tmp_path / "versions"]) == f"{tmp_path / 'versions'}: no migration files found"
    assert error([tmp_path / "versions/notes.txt"]) == (
        f"{tmp_path / 'versions/notes.txt'}: not a migration file (alembic only loads *.py files)"
    )
    long = tmp_path / ("x" * 300)
    assert error([long]) == f"{long}: File name too long"


def test_a_script_directory_named_in_a_roundabout_way_is_found_once(tmp_path: Path) -> None:
    ini = "[alembic]\nscript_location = %(here)s/../db/alembic\n"
    tree(tmp_path, {"config/alembic.ini": ini, **script_dir("db/alembic", a1=None)})
    assert [(f.root, f.config) for f in discover([tmp_path])] == [
        (tmp_path / "config/../db/alembic", tmp_path / "config/alembic.ini")
    ]


# -- the walk from a root ------------------------------------------------------------------------
def test_the_walk_skips_what_git_ignores_and_virtualenvs(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            ".git/info/exclude": "scratch/\n",
            ".gitignore": "# generated\n/out/\n*.tmp.d/\ndeps/**\n!deps/keep/\n",
            "services/.gitignore": "local/\n",
            **script_dir("services/api/alembic", a1=None),
            **script_dir("services/local/alembic", l1=None),  # services/.gitignore
            **script_dir("out/alembic", o1=None),  # anchored at the root
            **script_dir("lib/out/alembic", k1=None),  # not the root's out/
            **script_dir("x.tmp.d/alembic", t1=None),
            **script_dir("deps/vendored/alembic", d1=None),
            **script_dir("scratch/alembic", s1=None),  # .git/info/exclude
            **script_dir("py311/alembic", v1=None),
            "py311/pyvenv.cfg": "home = /usr/bin\n",  # a virtualenv, whatever its name
        },
    )
    assert [f.root.relative_to(tmp_path).as_posix() for f in discover([tmp_path])] == [
        "lib/out/alembic",
        "services/api/alembic",
    ]
