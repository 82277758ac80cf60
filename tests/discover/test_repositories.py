"""The first run on a repository: repository-shaped folders built like real projects, linted
from their root as pre-commit runs it, each compared with the exact command-line output.

Shapes from real projects: neutron-vpnaas (a script directory four folders deep, release
folders set in code), aiida-core (three storage backends five deep whose ids collide),
mlflow (script_location relative to the folder alembic runs in), prefect (a package
resource split on every colon, per-dialect trees), keystone (expand/contract per release
set in code), galaxy (versions_gxy/versions_tsi).
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from helpers import migration_source, tree

from alembic_lint.cli import main

HEADS = "`alembic upgrade head` will fail; set down_revision to the latest head or run `alembic merge heads`"


def run(*argv: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    code = main(["--no-cache", *argv], out, err)
    return out.getvalue(), err.getvalue(), code


def m(rev: str, down: object = None, **kwargs: object) -> str:
    return migration_source(rev, down, **kwargs)  # type: ignore[arg-type]


SCRIPT = {"env.py": "from alembic import context\n", "script.py.mako": '"""${message}"""\n'}


def script_dir(prefix: str, *, mako: bool = True) -> dict[str, str]:
    return {f"{prefix}/{name}": text for name, text in SCRIPT.items() if mako or name == "env.py"}


# Ordinary code around the migrations: packages, tests, docs snippets that look like migrations.
APPLICATION = {
    "pyproject.toml": "[project]\nname = 'app'\n",
    "app/__init__.py": "",
    "app/models.py": "revision = compute_revision()\n\nclass User:\n    pass\n",
    "app/api/versions/v1.py": "ROUTES = []\n",  # a folder named `versions` that holds no migration
    "docs/snippets/migration_example.py": m("abc123", "0000ff"),  # a snippet for the docs, not a migration
    "tests/test_models.py": "down_revision = 'not a migration'\n",
    ".venv/lib/site-packages/pkg/migrations/env.py": "",
    ".venv/lib/site-packages/pkg/migrations/versions/x1.py": m("x1", "x0"),
    "build/lib/app/migrations/env.py": "",
    "build/lib/app/migrations/versions/y1.py": m("y1", "y0"),
}


# -- a script directory four and five folders deep ------------------------------------------
VPNAAS = "neutron_vpnaas/db/migration"


def vpnaas() -> dict[str, str]:
    """neutron-vpnaas: alembic.ini beside alembic_migrations/, releases in versions/ set in code."""
    versions = f"{VPNAAS}/alembic_migrations/versions"
    return {
        f"{VPNAAS}/alembic.ini": "[alembic]\nscript_location = %(here)s/alembic_migrations\n",
        **script_dir(f"{VPNAAS}/alembic_migrations"),
        f"{versions}/README": "",
        f"{versions}/CONTRACT_HEAD": "c1\n",
        f"{versions}/EXPAND_HEAD": "e2\n",
        f"{versions}/kilo_release.py": m("kilo"),
        f"{versions}/liberty/expand/e1_start.py": m("e1", "kilo", branch_labels=("liberty_expand",)),
        f"{versions}/liberty/contract/c1_start.py": m("c1", "kilo", branch_labels=("liberty_contract",)),
        f"{versions}/2025.1/expand/e2_add_index.py": m("e2", "e1"),
    }


def deep_backend() -> dict[str, str]:
    """Five folders deep, no alembic.ini, no template: env.py beside versions/."""
    versions = "app/storage/backends/psql/migrations/versions"
    return {
        **script_dir("app/storage/backends/psql/migrations", mako=False),
        f"{versions}/main_0001_initial.py": m("main_0001"),
        f"{versions}/main_0002_users.py": m("main_0002", "main_0001"),
    }


def test_deep_script_directories_are_found_and_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, {**APPLICATION, **vpnaas(), **deep_backend()})
    (tmp_path / ".gitignore").write_text("generated/\n")
    tree(tmp_path, {"generated/migrations/env.py": "", "generated/migrations/versions/z1.py": m("z1", "z0")})
    monkeypatch.chdir(tmp_path)
    assert run() == ("", "All checks passed (6 files).\n", 0)


def test_a_second_head_deep_inside_is_reported_from_the_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, {**APPLICATION, **vpnaas(), **deep_backend()})
    expand = f"{VPNAAS}/alembic_migrations/versions/2025.1/expand"
    tree(tmp_path, {f"{expand}/e3_sibling.py": m("e3", "e1")})  # a sibling of e2 on the expand branch
    monkeypatch.chdir(tmp_path)
    assert run() == (
        f"{expand}/e2_add_index.py:11:12: ALM001 revision 'e2' is a head alongside 'e3': {HEADS}\n"
        f"{expand}/e3_sibling.py:11:12: ALM001 revision 'e3' is a head alongside 'e2': {HEADS}\n",
        "Found 2 problems in 7 files: 2 errors (2 ALM001).\n",
        1,
    )


def test_a_root_of_ordinary_code_is_not_linted_as_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, APPLICATION)
    monkeypatch.chdir(tmp_path)
    assert run() == (
        "",
        f"alembic-lint: error: {tmp_path}: no Alembic migrations found (no alembic.ini or [tool.alembic], no script "
        "directory with env.py or script.py.mako beside a versions folder, and no .py file here that sets "
        "down_revision)\n",
        2,
    )


def test_migrations_without_a_script_directory_are_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """invenio's packages keep bare migration folders (`invenio_accounts/alembic/`, no env.py: an
    extension registers them at run time). From the root they are not linted, and the error says
    where they are; named on the command line they are linted."""
    tree(
        tmp_path,
        {
            **APPLICATION,
            "invenio_accounts/__init__.py": "",
            "invenio_accounts/alembic/a1_create_accounts_branch.py": m("a1", None, branch_labels=("invenio_accounts",)),
            "invenio_accounts/alembic/b2_create_tables.py": m("b2", "a1"),
        },
    )
    monkeypatch.chdir(tmp_path)
    assert run() == (
        "",
        f"alembic-lint: error: {tmp_path}: no Alembic migrations found (no alembic.ini or [tool.alembic], no script "
        "directory with env.py or script.py.mako beside a versions folder, and no .py file here that sets "
        "down_revision); migrations without a script directory are in invenio_accounts/alembic: name a folder to "
        "lint it\n",
        2,
    )
    assert run("invenio_accounts/alembic") == ("", "All checks passed (2 files).\n", 0)


# -- three backends whose ids collide --------------------------------------------------------
def test_three_backends_are_three_graphs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files: dict[str, str] = dict(APPLICATION)
    for backend, mako in (("psql_dos", True), ("sqlite_dos", False), ("sqlite_zip", True)):
        folder = f"aiida/storage/{backend}/migrations"
        files.update(script_dir(folder, mako=mako))
        files[f"{folder}/versions/main_0001_initial.py"] = m("main_0001")  # the same ids in every backend
        files[f"{folder}/versions/main_0002_hashes.py"] = m("main_0002", "main_0001")
    files["aiida/storage/sqlite_zip/migrations/legacy/v04_to_v05.py"] = "def migrate():\n    pass\n"
    tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert run() == ("", "All checks passed (6 files).\n", 0)
    # A second head in one backend names that backend's files only.
    tree(tmp_path, {"aiida/storage/sqlite_dos/migrations/versions/main_0003_x.py": m("main_0003", "main_0001")})
    out, err, code = run()
    assert ([line.split(":")[0] for line in out.splitlines()], err, code) == (
        [
            "aiida/storage/sqlite_dos/migrations/versions/main_0002_hashes.py",
            "aiida/storage/sqlite_dos/migrations/versions/main_0003_x.py",
        ],
        "Found 2 problems in 7 files: 2 errors (2 ALM001).\n",
        1,
    )


# -- script_location relative to where alembic runs --------------------------------------------
def mlflow(location: str = "mlflow/store/db_migrations") -> dict[str, str]:
    folder = "mlflow/store/db_migrations"
    return {
        "mlflow/__init__.py": "",
        f"{folder}/__init__.py": "",
        f"{folder}/alembic.ini": f"[alembic]\nscript_location = {location}\nsqlalchemy.url = \n",
        f"{folder}/env.py": "",
        f"{folder}/versions/451aebb31d03_add_metric_step.py": m("451aebb31d03"),
        f"{folder}/versions/90e64c465722_migrate_user_column.py": m("90e64c465722", "451aebb31d03"),
        "mlflow/server/auth/db/migrations/alembic.ini": "[alembic]\nscript_location = .\n",
        "mlflow/server/auth/db/migrations/env.py": "",
        "mlflow/server/auth/db/migrations/versions/8606fa83a998_initial.py": m("8606fa83a998"),
    }


def test_a_script_location_relative_to_the_project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, {"pyproject.toml": "[project]\nname = 'mlflow'\n", **mlflow()})
    monkeypatch.chdir(tmp_path)
    assert run() == ("", "All checks passed (3 files).\n", 0)
    monkeypatch.chdir(tmp_path / "mlflow")  # from below the root: the project root is still found
    assert run("store") == ("", "All checks passed (2 files).\n", 0)
    assert (
        run("graph", "store")[0]
        == "451aebb31d03 -> 90e64c465722 (head), a migration\n<base> -> 451aebb31d03, a migration\n"
    )


def test_an_unresolved_configuration_is_one_finding_and_the_rest_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(tmp_path, {"pyproject.toml": "[project]\nname = 'mlflow'\n", **mlflow("mlflow/store/db_migratoins")})
    monkeypatch.chdir(tmp_path)
    ini = tmp_path / "mlflow/store/db_migrations/alembic.ini"
    assert run() == (
        f"mlflow/store/db_migrations/alembic.ini:2:1: ALM012 script_location 'mlflow/store/db_migratoins' names no "
        f"folder: looked in mlflow/store/db_migratoins and 3 more up to {tmp_path / 'mlflow/store/db_migratoins'}\n",
        "Found 1 problem in 4 files: 1 error (1 ALM012).\n",
        1,
    )
    # The editor's view of the same file: the versions folder beside the broken ini is still linted.
    from alembic_lint.plan import graph_of
    from alembic_lint.settings import Settings

    graph = graph_of(ini.parent / "versions/451aebb31d03_add_metric_step.py", Settings())
    assert graph is not None and len(graph.files) == 2


# -- a package resource split on every colon, per-dialect trees ----------------------------------
def prefect(head: bool = False) -> dict[str, str]:
    base = "src/prefect/server/database"
    versions = f"{base}/_migrations/versions"
    files = {
        "pyproject.toml": "[project]\nname = 'prefect'\n",
        "src/prefect/__init__.py": "",
        f"{base}/alembic.ini": "[alembic]\nscript_location = prefect:server:database:_migrations\n",
        **script_dir(f"{base}/_migrations"),
        f"{versions}/postgresql/2021_01_20_122127_25f4b90a7a42_initial_migration.py": m("25f4b90a7a42"),
        f"{versions}/postgresql/2022_02_13_125213_5f376def75c3_block_data.py": m("5f376def75c3", "25f4b90a7a42"),
        f"{versions}/postgresql/2023_01_25_164512_7d918a392297_shared.py": m("7d918a392297", "5f376def75c3"),
        f"{versions}/sqlite/2022_01_20_115236_9725c1cbee35_initial_migration.py": m("9725c1cbee35"),
        f"{versions}/sqlite/2022_02_04_093838_619bea85701a_block_data.py": m("619bea85701a", "9725c1cbee35"),
        # the same migration in both dialects, with the same id
        f"{versions}/sqlite/2023_01_25_164512_7d918a392297_shared.py": m("7d918a392297", "619bea85701a"),
    }
    if head:
        files[f"{versions}/sqlite/2023_02_01_100000_aa11bb22cc33_side.py"] = m("aa11bb22cc33", "619bea85701a")
    return files


def test_a_package_resource_and_per_dialect_trees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, prefect())
    monkeypatch.chdir(tmp_path)
    assert run() == ("", "All checks passed (6 files).\n", 0)  # no ALM003 for the shared id: two graphs
    _, err, code = run("graph")
    graphs = f"{tmp_path}/src/prefect/server/database/_migrations"
    assert (err, code) == (
        f"alembic-lint: error: .: holds 2 revision graphs ({graphs} (postgresql), {graphs} (sqlite)); "
        "pass one of them\n",
        2,
    )
    assert run("graph", "src/prefect/server/database/_migrations/versions/sqlite")[0] == (
        "619bea85701a -> 7d918a392297 (head), a migration\n"
        "9725c1cbee35 -> 619bea85701a, a migration\n"
        "<base> -> 9725c1cbee35, a migration\n"
    )


def test_a_second_head_in_one_dialect_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, prefect(head=True))
    monkeypatch.chdir(tmp_path)
    sqlite = "src/prefect/server/database/_migrations/versions/sqlite"
    assert run() == (
        f"{sqlite}/2023_01_25_164512_7d918a392297_shared.py:11:12: ALM001 revision '7d918a392297' is a head "
        f"alongside 'aa11bb22cc33': {HEADS}\n"
        f"{sqlite}/2023_02_01_100000_aa11bb22cc33_side.py:11:12: ALM001 revision 'aa11bb22cc33' is a head "
        f"alongside '7d918a392297': {HEADS}\n",
        "Found 2 problems in 7 files: 2 errors (2 ALM001).\n",
        1,
    )


# -- expand/contract per release, set in code --------------------------------------------------
def keystone() -> dict[str, str]:
    sql = "keystone/common/sql"
    versions = f"{sql}/migrations/versions"
    return {
        "setup.cfg": "[metadata]\nname = keystone\n",
        f"{sql}/alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\nversion_path_separator = os\n",
        **script_dir(f"{sql}/migrations"),
        f"{sql}/migrations/manage.py": "def upgrade(): ...\n",
        f"{versions}/27e647c0fad4_initial_version.py": m("27e647c0fad4"),
        f"{versions}/EXPAND_HEAD": "",
        f"{versions}/yoga/expand/e25ffa003242_initial.py": m("e25ffa003242", "27e647c0fad4", branch_labels=("expand",)),
        f"{versions}/yoga/contract/29e87d24a316_initial.py": m(
            "29e87d24a316", "27e647c0fad4", branch_labels=("contract",)
        ),
        f"{versions}/2024.1/expand/47147121_add_identity.py": m("47147121", "e25ffa003242"),
        f"{versions}/2024.1/contract/99de3849d860_fix_nulls.py": m(
            "99de3849d860", "29e87d24a316", depends_on="47147121"
        ),
    }


def test_release_folders_set_in_code_are_one_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, keystone())
    monkeypatch.chdir(tmp_path)
    assert run() == ("", "All checks passed (5 files).\n", 0)  # not 1 of 5: the releases are linted too
    contract = "keystone/common/sql/migrations/versions/2024.1/contract/99de3849d860_fix_nulls.py"
    (tmp_path / contract).write_text(m("99de3849d860", "29e87d24a316", depends_on="471471"))  # a typo
    assert run() == (
        f"{contract}:14:14: ALM006 depends_on '471471' names no revision or branch label; did you mean '47147121'?\n",
        "Found 1 problem in 5 files: 1 error (1 ALM006).\n",
        1,
    )


# -- version folders not named versions ----------------------------------------------------------
def galaxy(with_ini: bool = True) -> dict[str, str]:
    base = "lib/galaxy/model/migrations"
    files = {
        **script_dir(f"{base}/alembic"),
        f"{base}/alembic/versions_gxy/186d4835587b_drop_job_state_history.py": m("186d4835587b", branch_labels="gxy"),
        f"{base}/alembic/versions_tsi/d4a650f47a3c_initial.py": m("d4a650f47a3c", branch_labels="tsi"),
    }
    if with_ini:
        files[f"{base}/alembic.ini"] = (
            "[alembic]\nscript_location = %(here)s/alembic\n"
            "version_locations = %(here)s/alembic/versions_gxy;%(here)s/alembic/versions_tsi\npath_separator = ;\n"
        )
    return files


@pytest.mark.parametrize("with_ini", [True, False])
def test_a_script_directory_given_as_the_path_never_lints_its_env_py(
    with_ini: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(tmp_path, galaxy(with_ini))
    monkeypatch.chdir(tmp_path)
    assert run("lib/galaxy/model/migrations/alembic") == ("", "All checks passed (2 files).\n", 0)
    assert run() == ("", "All checks passed (2 files).\n", 0)


# -- alembic as the oracle: each graph is what alembic loads when the code sets its locations ------
@pytest.mark.parametrize("files", [prefect, keystone], ids=["prefect", "keystone"])
def test_each_graph_is_what_alembic_loads_from_its_locations(
    files: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("alembic")
    import warnings

    from alembic.script import ScriptDirectory

    from alembic_lint.discover import discover

    tree(tmp_path, files())  # type: ignore[operator]
    monkeypatch.chdir(tmp_path)
    for graph in discover([tmp_path]):
        scripts = ScriptDirectory(
            str(graph.root), version_locations=[str(p) for p in graph.locations], recursive_version_locations=True
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = sorted(Path(script.path) for script in scripts.walk_revisions())
        assert loaded == sorted(graph.files), graph.label


def test_a_warm_run_parses_nothing_although_discovery_reads_the_release_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    """Telling which graph release folders belong to needs their revisions: read through the
    cache of the graph that reads them whole, which is the graph linted afterwards."""
    tree(tmp_path, keystone())
    monkeypatch.chdir(tmp_path)
    cold = StringIO()
    assert main(["."], StringIO(), cold) == 0
    migrations = sorted(path.rsplit("/", 1)[1] for path in keystone() if path.endswith(".py") and "/versions/" in path)
    assert sorted(name for name in parses if name in migrations) == migrations  # each parsed once, cold
    parses.clear()
    warm = StringIO()
    assert main(["."], StringIO(), warm) == 0
    assert ([name for name in parses if name in migrations], warm.getvalue()) == ([], cold.getvalue())
    parses.clear()
    assert main(["--no-cache", "."], StringIO(), StringIO()) == 0
    assert sorted(name for name in parses if name in migrations) == migrations  # without a cache: once too
