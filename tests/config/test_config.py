"""Configuration: every key, every bad-config error, finding the file, and command-line layering."""

from __future__ import annotations

import io
import pickle
import re
import sys
import textwrap
from pathlib import Path

import pytest

from alembic_lint.cli import main
from alembic_lint.config import KEYS, find_config, load_settings
from alembic_lint.rules import RULES
from alembic_lint.rules.selection import selected_rules
from alembic_lint.settings import RuleSelection, Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def write_config(folder: Path, kind: str, body: str) -> Path:
    """An alembic-lint.toml with `body`, or a pyproject.toml with it under [tool.alembic-lint]."""
    body = textwrap.dedent(body).strip() + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "alembic-lint.toml":
        path = folder / "alembic-lint.toml"
        path.write_text(body)
    else:
        path = folder / "pyproject.toml"
        body = re.sub(r"^\[", "[tool.alembic-lint.", body, flags=re.MULTILINE)
        path.write_text('[project]\nname = "shop"\n\n[tool.alembic-lint]\n' + body)
    return path


def run(args: list[str]) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out, err)
    return out.getvalue(), err.getvalue(), code


KINDS = ["alembic-lint.toml", "pyproject.toml"]


# -- every key ---------------------------------------------------------------------
VALID = [
    ('select = ["ALM1", "model-import"]', "select", ("ALM1", "model-import")),
    ('extend-select = ["ALM105"]', "extend_select", ("ALM105",)),
    ('ignore = ["ALL"]', "ignore", ("ALL",)),
    (
        '[per-file-ignores]\n"legacy/*.py" = ["ALM201", "empty-upgrade"]',
        "per_file_ignores",
        (("legacy/*.py", ("ALM201", "empty-upgrade")),),
    ),
    ('first-party = ["app", "company.core"]', "first_party", ("app", "company.core")),
    ('allowed-imports = ["app.migration_helpers"]', "allowed_imports", ("app.migration_helpers",)),
    ("allow-irreversible = false", "allow_irreversible", False),
    ('irreversible-markers = ["IrreversibleMigration"]', "irreversible_markers", ("IrreversibleMigration",)),
    ('dialect = "postgresql"', "dialect", "postgresql"),
    ("check-downgrade = true", "check_downgrade", True),
    ('version-locations = ["db/versions", "./db/../db/extra"]', "version_locations", ("db/versions", "db/extra")),
    ('exclude = ["archive/**", "*_draft.py"]', "exclude", ("archive/**", "*_draft.py")),
    ('since = "3c4d5e6f7a8b"', "since", ("3c4d5e6f7a8b",)),
    ('since = ["3c4d", "expand_head"]', "since", ("3c4d", "expand_head")),
    ('output-format = "json"', "output_format", "json"),
    ('cache-dir = ".cache/alembic-lint"', "cache_dir", ".cache/alembic-lint"),
    (
        '[rules.ALM102]\nseverity = "error"\n[rules.model-import]\nseverity = "warning"',
        "rule_options",
        (("ALM102", (("severity", "error"),)), ("ALM201", (("severity", "warning"),))),
    ),
]


def test_every_key_is_tested() -> None:
    assert {line.split(" = ")[0].strip("[]").split("]")[0].split(".")[0] for line, _, _ in VALID} == {
        key.name for key in KEYS
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("body", "field", "expected"), VALID, ids=[v[1] for v in VALID])
def test_key_sets_its_field(tmp_path: Path, kind: str, body: str, field: str, expected: object) -> None:
    (tmp_path / "db" / "versions").mkdir(parents=True)
    (tmp_path / "db" / "extra").mkdir()
    path = write_config(tmp_path, kind, body)
    settings = load_settings(path)
    if field in ("version_locations",):
        expected = (("", tuple(tmp_path / p for p in expected)),)  # type: ignore[attr-defined]
    if field == "cache_dir":
        expected = tmp_path / str(expected)
    assert getattr(settings, field) == expected
    assert settings.config_path == path
    assert settings.project_root == tmp_path
    untouched = {key.field for key in KEYS} - {field}
    defaults = Settings()
    assert all(getattr(settings, name) == getattr(defaults, name) for name in untouched)


def test_defaults() -> None:
    settings = Settings()
    assert (settings.select, settings.allow_irreversible, settings.version_locations, settings.config_path) == (
        None,
        True,
        None,
        None,
    )
    assert [rule.code for rule in selected_rules(settings)] == [
        "ALM000",
        "ALM001",
        "ALM002",
        "ALM003",
        "ALM004",
        "ALM005",
        "ALM006",
        "ALM007",
        "ALM008",
        "ALM009",
        "ALM010",
        "ALM011",
        "ALM012",
        "ALM101",
        "ALM102",
        "ALM103",
        "ALM104",
        "ALM201",
    ]


def test_settings_are_picklable_and_hashable(tmp_path: Path) -> None:
    path = write_config(tmp_path, "pyproject.toml", 'cache-dir = "c"\n[per-file-ignores]\n"a.py" = ["ALM1"]')
    settings = load_settings(path)
    assert pickle.loads(pickle.dumps(settings)) == settings
    assert hash(settings) == hash(load_settings(path))


# -- every bad-config error -----------------------------------------------------------
BAD = [
    ('select = "ALM1"', "`select`{where}: expected an array of strings, got a string"),
    ("select = [1]", "`select`{where}: expected an array of strings, got an array with non-string items"),
    ('select = ["ALM999"]', "`select`{where}: unknown rule selector 'ALM999'"),
    ('extend-select = ["model-imports"]', "`extend-select`{where}: unknown rule selector 'model-imports'"),
    ("ignore = true", "`ignore`{where}: expected an array of strings, got a boolean"),
    ('per-file-ignores = ["a.py"]', "`per-file-ignores`{where}: expected a table of glob = [rules], got an array"),
    (
        '[per-file-ignores]\n"a.py" = "ALM1"',
        "`per-file-ignores`{where}: 'a.py': expected an array of strings, got a string",
    ),
    ('[per-file-ignores]\n"a.py" = ["ALM1x"]', "`per-file-ignores`{where}: 'a.py': unknown rule selector 'ALM1x'"),
    ('first-party = ["app-core"]', "`first-party`{where}: 'app-core' is not a dotted module name"),
    ('allowed-imports = "app"', "`allowed-imports`{where}: expected an array of strings, got a string"),
    ('allow-irreversible = "no"', "`allow-irreversible`{where}: expected a boolean, got a string"),
    (
        'dialect = "postgres"',
        "`dialect`{where}: expected one of 'postgresql', 'mysql', 'mariadb', 'sqlite', 'mssql', 'oracle', "
        "got 'postgres'",
    ),
    ("check-downgrade = 1", "`check-downgrade`{where}: expected a boolean, got an integer"),
    (
        "irreversible-markers = [3]",
        "`irreversible-markers`{where}: expected an array of strings, got an array with non-string items",
    ),
    ('version-locations = ["missing"]', "`version-locations`{where}: 'missing' is not a folder ({root}/missing)"),
    ("version-locations = []", "`version-locations`{where}: expected at least one folder"),
    ('exclude = "archive"', "`exclude`{where}: expected an array of strings, got a string"),
    ("since = [1]", "`since`{where}: expected a string or an array of strings, got an array"),
    ("output-format = 1", "`output-format`{where}: expected a string, got an integer"),
    ('cache-dir = ["x"]', "`cache-dir`{where}: expected a string, got an array"),
    ("rules = 1", "`rules`{where}: expected a table of rule tables, got an integer"),
    ("[rules]\nALM999 = {}", "`rules`{where}: unknown rule 'ALM999' (a rule code such as ALM001, or its name)"),
    ("[rules]\nALM102 = 1", "`rules`{where}: 'ALM102': expected a table, got an integer"),
    (
        '[rules.ALM102]\nseverity = "fatal"',
        "`rules`{where}: 'ALM102': `severity`: expected one of 'error', 'warning', got 'fatal'",
    ),
    (
        "[rules.ALM102]\nstrict = true",
        "`rules`{where}: 'ALM102': unknown option `strict` (options of ALM102: `severity`, `follow-template`)",
    ),
    (
        '[rules.ALM201]\nseverity = "error"\n[rules.model-import]\nseverity = "error"',
        "`rules`{where}: 'model-import': ALM201 is configured twice (by code and by name)",
    ),
    ('selct = ["ALM1"]', "unknown key `selct`{where}; did you mean `select`?"),
    ('extend_select = ["ALM1"]', "unknown key `extend_select`{where}; did you mean `extend-select`?"),
    ("colour = true", "unknown key `colour`{where}"),
]


def test_every_key_has_a_bad_value_test() -> None:
    tested = {body.split(" = ")[0].strip("[]").split("]")[0].split(".")[0] for body, _ in BAD}
    assert {key.name for key in KEYS} <= tested


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("body", "message"), BAD, ids=[b[0].split(" = ")[0] + str(i) for i, b in enumerate(BAD)])
def test_bad_config_is_one_error_line(tmp_path: Path, kind: str, body: str, message: str) -> None:
    path = write_config(tmp_path, kind, body)
    where = " in [tool.alembic-lint]" if kind == "pyproject.toml" else ""
    expected = message.format(where=where, root=tmp_path)
    assert run([str(tmp_path)]) == ("", f"alembic-lint: error: {path}: {expected}\n", 2)


@pytest.mark.parametrize("kind", KINDS)
def test_unparsable_toml(tmp_path: Path, kind: str) -> None:
    path = write_config(tmp_path, kind, "select = [")
    try:
        tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc)
    assert run([str(tmp_path)]) == ("", f"alembic-lint: error: {path}: cannot parse: {reason}\n", 2)


def test_section_that_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool]\nalembic-lint = "strict"\n')
    assert run([str(tmp_path)]) == ("", f"alembic-lint: error: {path}: [tool.alembic-lint] must be a table\n", 2)


def test_config_option_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert run(["--config", str(missing), str(tmp_path)]) == ("", f"alembic-lint: error: {missing}: no such file\n", 2)
    assert run(["--config", str(tmp_path), str(tmp_path)]) == (
        "",
        f"alembic-lint: error: {tmp_path}: is a directory, not a configuration file\n",
        2,
    )
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n')
    assert run(["--config", str(pyproject), str(tmp_path)]) == (
        "",
        f"alembic-lint: error: {pyproject}: no [tool.alembic-lint] table\n",
        2,
    )


def test_config_and_isolated_exclude_each_other(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, err, code = run(["--isolated", "--config", "x.toml", str(tmp_path)])
    assert (out, code) == ("", 2)
    err += capsys.readouterr().err  # argparse writes to sys.stderr
    assert err.endswith("alembic-lint: error: argument --config: not allowed with argument --isolated\n")


# -- finding the file ------------------------------------------------------------------
def test_nearest_config_wins_walking_up(tmp_path: Path) -> None:
    top = write_config(tmp_path, "pyproject.toml", 'select = ["ALM1"]')
    nested = tmp_path / "services" / "billing" / "migrations" / "versions"
    nested.mkdir(parents=True)
    assert find_config(nested) == top
    assert find_config(nested / "a1.py") == top
    middle = write_config(tmp_path / "services" / "billing", "alembic-lint.toml", 'select = ["ALM2"]')
    assert find_config(nested) == middle
    assert find_config(tmp_path) == top


def test_alembic_lint_toml_beats_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write_config(tmp_path, "pyproject.toml", 'select = ["ALM1"]')
    own = write_config(tmp_path, "alembic-lint.toml", 'select = ["ALM2"]')
    assert find_config(tmp_path) == own


def test_pyproject_without_the_table_is_skipped(tmp_path: Path) -> None:
    top = write_config(tmp_path, "alembic-lint.toml", "")
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = ["alembic-lint"]\n')
    assert find_config(project) == top


# -- a project end to end ------------------------------------------------------------------
EMPTY = '''\
"""{rev}

Revision ID: {rev}
Revises: {down}
"""
from app import models

revision = "{rev}"
down_revision = {down_value}


def upgrade():
    {upgrade}


def downgrade():
    pass
'''
AUTOGENERATE_EMPTY = "# ### commands auto generated by Alembic - please adjust! ###\n    pass"


def migration(rev: str, down: str | None, upgrade: str = AUTOGENERATE_EMPTY) -> str:
    """A migration importing app.models (ALM201) whose downgrade() is `pass`: with the default
    upgrade(), the empty autogenerate result (ALM104); with one that changes the schema, ALM102."""
    down_value = "None" if down is None else f'"{down}"'
    return EMPTY.format(rev=rev, down=down or "", down_value=down_value, upgrade=upgrade)


def project(tmp_path: Path, body: str | None, *, versions: str = "migrations/versions") -> Path:
    """A project with a config and two migrations: a1 breaks ALM104 and ALM201, b2 ALM102 and ALM201."""
    folder = tmp_path / versions
    folder.mkdir(parents=True)
    (tmp_path / "app").mkdir()
    (folder / "a1_first.py").write_text(migration("a1", None))
    (folder / "b2_second.py").write_text(migration("b2", "a1", upgrade='op.drop_column("users", "email")'))
    if body is not None:
        write_config(tmp_path, "pyproject.toml", body)
    return folder


def codes_reported(args: list[str]) -> list[str]:
    out, _, _ = run(args)
    return [
        line.split(": ", 1)[1].split(" ", 1)[0] + "@" + line.split(":")[0].rsplit("/", 1)[1]
        for line in out.splitlines()
    ]


def test_select_and_ignore_from_config(tmp_path: Path) -> None:
    folder = project(tmp_path, 'select = ["ALM1"]\nignore = ["empty-downgrade"]')
    assert codes_reported([str(folder)]) == ["ALM104@a1_first.py"]
    assert codes_reported(["--isolated", str(folder)]) == [
        "ALM201@a1_first.py",
        "ALM104@a1_first.py",
        "ALM201@b2_second.py",
        "ALM102@b2_second.py",
    ]


def test_command_line_selectors_are_a_layer_on_top(tmp_path: Path) -> None:
    folder = project(tmp_path, 'ignore = ["ALM102", "ALM104"]')
    # --ignore adds to the configuration's ignores; it does not replace them.
    assert codes_reported(["--ignore", "ALM105", str(folder)]) == ["ALM201@a1_first.py", "ALM201@b2_second.py"]
    # --extend-select re-enables what the configuration ignored.
    assert codes_reported(["--extend-select", "ALM104", "--ignore", "ALM201", str(folder)]) == ["ALM104@a1_first.py"]
    # --select starts over.
    assert codes_reported(["--select", "ALM102", str(folder)]) == ["ALM102@b2_second.py"]


def test_selection_layers() -> None:
    def codes(settings: Settings) -> list[str]:
        return [rule.code for rule in selected_rules(settings) if rule.code.startswith("ALM1")]

    base = Settings(select=("ALM1",), ignore=("ALM102",))
    assert codes(base) == ["ALM101", "ALM103", "ALM104", "ALM105"]
    assert codes(Settings(select=("ALM1",), ignore=("ALM102",), overrides=(RuleSelection(ignore=("ALM10",)),))) == []
    assert codes(
        Settings(select=("ALM1",), ignore=("ALM1",), overrides=(RuleSelection(extend_select=("ALM102",)),))
    ) == ["ALM102"]
    assert codes(Settings(ignore=("ALM1",), overrides=(RuleSelection(select=("ALM105",)),))) == ["ALM105"]
    assert len(RULES) == len(selected_rules(Settings(select=("ALL",))))


def test_per_file_ignores_first_party_and_allowed_imports(tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        """
        select = ["ALM201"]
        allowed-imports = ["app.models"]
        first-party = ["billing"]
        """,
    )
    assert codes_reported([str(folder)]) == []
    text = (folder / "a1_first.py").read_text().replace("from app import models", "import billing.tables")
    (folder / "a1_first.py").write_text(text)
    assert codes_reported([str(folder)]) == ["ALM201@a1_first.py"]
    write_config(
        tmp_path,
        "pyproject.toml",
        """
        select = ["ALM201"]
        [per-file-ignores]
        "a1_*.py" = ["model-import"]
        "migrations/versions/b2_second.py" = ["ALM2"]
        """,
    )
    assert codes_reported([str(folder)]) == []


def test_allow_irreversible_and_markers(tmp_path: Path) -> None:
    folder = project(
        tmp_path, 'select = ["ALM101"]\nallow-irreversible = false\nirreversible-markers = ["Irreversible"]'
    )
    for name, raised in (("a1_first.py", "NotImplementedError"), ("b2_second.py", "errors.Irreversible()")):
        path = folder / name
        path.write_text(path.read_text().replace("def downgrade():\n    pass", f"def downgrade():\n    raise {raised}"))
    out, _, code = run([str(folder)])
    assert code == 1
    assert [line.split(": ALM101 ")[1].split(":")[0] for line in out.splitlines()] == [
        "downgrade() raises NotImplementedError",
        "downgrade() raises errors.Irreversible",
    ]
    write_config(tmp_path, "pyproject.toml", 'select = ["ALM101"]')
    assert run([str(folder)])[2] == 0


def test_version_locations_replace_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = project(tmp_path, 'select = ["ALM104"]\nversion-locations = ["db/schema"]', versions="db/schema")
    (folder / "2024").mkdir()
    (folder / "2024" / "c3_third.py").write_text(migration("c3", "b2"))
    monkeypatch.chdir(tmp_path)
    out, err, code = run([])
    empty = (
        ":12:5: ALM104 upgrade() is the empty autogenerate result (the markers around `pass`): autogenerate found "
        "no change, often because env.py's metadata lacks a model; write the schema changes, delete this "
        "migration, or say in a comment why it is empty\n"
    )
    assert (out, err, code) == (
        f"db/schema/2024/c3_third.py{empty}db/schema/a1_first.py{empty}",
        "Found 2 problems in 3 files: 2 warnings (2 ALM104).\n",
        1,
    )
    # A path inside a location limits the report to the files under it (the graph stays whole).
    out, err, code = run(["db/schema/2024"])
    assert (out.count("\n"), err) == (1, "Found 1 problem in 1 file: 1 warning (1 ALM104).\n")
    (tmp_path / "elsewhere").mkdir()
    assert run(["elsewhere"]) == (
        "",
        f"alembic-lint: error: elsewhere: not in the version-locations set in {tmp_path / 'pyproject.toml'} "
        f"({tmp_path / 'db' / 'schema'})\n",
        2,
    )


def test_exclude_drops_files_before_the_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = project(tmp_path, 'select = ["ALM0"]')
    archive = folder / "archive"
    archive.mkdir()
    (archive / "b2_old_copy.py").write_text(migration("b2", "a1"))
    monkeypatch.chdir(tmp_path)
    assert [line.split(": ")[1][:6] for line in run(["migrations/versions"])[0].splitlines()] == ["ALM003", "ALM003"]
    write_config(tmp_path, "pyproject.toml", 'select = ["ALM0"]\nexclude = ["archive"]')
    assert run(["migrations/versions"]) == ("", "All checks passed (2 files).\n", 0)
    write_config(tmp_path, "pyproject.toml", 'select = ["ALM0"]\nexclude = ["migrations/versions/archive/*.py"]')
    assert run(["migrations/versions"]) == ("", "All checks passed (2 files).\n", 0)


def test_each_path_uses_its_nearest_config(tmp_path: Path) -> None:
    one = project(tmp_path / "one", 'select = ["ALM104"]')
    two = project(tmp_path / "two", 'select = ["ALM102"]')
    assert codes_reported([str(one), str(two)]) == ["ALM104@a1_first.py", "ALM102@b2_second.py"]
    assert codes_reported(["--config", str(tmp_path / "one" / "pyproject.toml"), str(two)]) == ["ALM104@a1_first.py"]


def test_isolated_ignores_a_broken_config(tmp_path: Path) -> None:
    folder = project(tmp_path, "colour = true")
    assert run([str(folder)])[2] == 2
    assert run(["--isolated", "--select", "ALM104", str(folder)])[2] == 1


def test_rule_table_changes_a_rules_severity(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (tmp_path / "env.py").write_text("")
    (tmp_path / "script.py.mako").write_text("")
    for name, down in (("a1", None), ("b2", "a1"), ("c3", "a1")):
        (versions / f"{name}.py").write_text(
            f"revision = {name!r}\ndown_revision = {down!r}\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n"
        )
    write_config(tmp_path, "pyproject.toml", '[rules.multiple-heads]\nseverity = "warning"')
    out, _, code = run([str(tmp_path), "--format", "json", "--select", "ALM001", "--no-cache"])
    import json

    assert code == 1
    assert [(d["code"], d["severity"]) for d in json.loads(out)] == [("ALM001", "warning"), ("ALM001", "warning")]


def test_rule_options_and_groups() -> None:
    from alembic_lint.rules.base import Context, Option, Rule
    from alembic_lint.rules.selection import matches
    from alembic_lint.values import boolean

    class Demo(Rule):
        code = "ALM999"
        name = "demo"
        groups = ("postgres",)
        options = (Option("strict", False, boolean, "be strict"),)

    demo = Demo()
    assert Context(Settings()).option(demo, "strict") is False
    configured = Settings(rule_options=(("ALM999", (("strict", True),)),))
    assert Context(configured).option(demo, "strict") is True
    with pytest.raises(KeyError):
        Context(configured).option(demo, "loose")
    assert matches(["postgres"], demo) and not matches(["postgresql"], demo)
