"""The GitHub Action (action.yml): its steps run with bash as GitHub runs them (`bash --noprofile --norc
-eo pipefail`), with the variables GitHub sets, in a temporary repository whose pull request tries to
turn a rule off. `${{ }}` expressions are only allowed in `env:` (never inside a script, where a value
could inject commands) and are evaluated here from the inputs, the action path and earlier step outputs.
The install step really installs the action's code into a virtualenv (pip builds it: needs PyPI)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from editors_support import ENV, WORKTREE, shop

ACTION = yaml.safe_load((WORKTREE / "action.yml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    """Runs the action's steps one after another, like a GitHub runner."""

    def __init__(self, workspace: Path, temp: Path, event: dict[str, str]) -> None:
        self.workspace, self.temp, self.event = workspace, temp, event
        self.outputs: dict[str, dict[str, str]] = {}

    def value(self, expression: str, inputs: dict[str, str]) -> str:
        parts = expression.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return inputs[parts[1]]
        if parts == ["github", "action_path"]:
            return str(WORKTREE)
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"action.yml uses an expression this runner does not know: {expression}")

    def run(self, step: dict[str, Any], given: dict[str, str]) -> subprocess.CompletedProcess[str]:
        assert step["shell"] == "bash" and "${{" not in step["run"], step["name"]
        inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        assert set(given) <= set(inputs), set(given) - set(inputs)
        inputs.update(given)
        output = self.temp / f"output-{len(self.outputs)}"
        output.write_text("")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))},
            **self.event,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": str(WORKTREE),
            "GITHUB_OUTPUT": str(output),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
        }
        env.update(
            {key: EXPRESSION.sub(lambda m: self.value(m[1], inputs), value) for key, value in step["env"].items()}
        )
        script = self.temp / f"{step['id']}.sh"
        script.write_text(step["run"])
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.outputs[step["id"]] = dict(line.split("=", 1) for line in output.read_text().splitlines())
        return done

    def action_output(self, name: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m[1], {}), ACTION["outputs"][name]["value"])


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


CONFIG = '[project]\nname = "shop"\n\n[tool.alembic-lint]\n'


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """A pull request on a repository whose main branch ignores ALM002 and whose pull request also
    ignores ALM001 (the check it should not get to switch off); the action installed once."""
    root = tmp_path_factory.mktemp("action")
    origin, workspace, temp = root / "origin.git", shop(root), root / "runner-temp"
    temp.mkdir()
    git(root, "init", "--quiet", "--bare", "-b", "main", str(origin))
    (workspace / "pyproject.toml").write_text(CONFIG + 'ignore = ["ALM002"]\n')
    git(workspace, "init", "--quiet", "-b", "main")
    git(workspace, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "empty")
    git(workspace, "add", "-A")
    git(workspace, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "shop")
    git(workspace, "remote", "add", "origin", str(origin))
    git(workspace, "push", "--quiet", "origin", "main")
    git(workspace, "push", "--quiet", "origin", "main~1:refs/heads/bare")  # a base with no configuration
    git(workspace, "checkout", "--quiet", "-b", "pr")
    (workspace / "pyproject.toml").write_text(CONFIG + 'ignore = ["ALM001", "ALM002"]\n')
    git(workspace, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-am", "quiet please")
    event = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "pr"}
    action = Runner(workspace, temp, event)
    install = action.run(ACTION["runs"]["steps"][0], {})
    assert install.returncode == 0, install.stdout + install.stderr
    return action


def cli(runner: Runner, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alembic_lint", "--no-cache", *args],
        cwd=runner.workspace,
        capture_output=True,
        text=True,
        env=ENV,
    )


def lint(runner: Runner, **inputs: str) -> subprocess.CompletedProcess[str]:
    return runner.run(ACTION["runs"]["steps"][1], inputs)


def test_the_action_is_composite_and_installs_its_own_code(runner: Runner) -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert [step["id"] for step in ACTION["runs"]["steps"]] == ["install", "lint"]
    python = Path(runner.outputs["install"]["python"])
    assert python == runner.temp / "alembic-lint-venv" / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import alembic_lint; print(alembic_lint.__file__)"],
        capture_output=True,
        text=True,
        cwd=runner.temp,
    )
    assert Path(where.stdout.strip()).is_relative_to(runner.temp / "alembic-lint-venv")


def test_annotations_with_the_pull_requests_own_configuration(runner: Runner) -> None:
    done = lint(runner)
    assert (done.returncode, done.stdout) == (0, "")  # the pull request ignores both rules
    assert done.stdout == cli(runner, "--format", "github", ".").stdout


def test_config_from_base_keeps_the_base_branchs_rules(runner: Runner) -> None:
    done = lint(runner, **{"config-from-base": "true"})
    base = runner.temp / "base.toml"
    helper = [sys.executable, str(WORKTREE / "editors" / "github-action" / "base_config.py"), "origin/main", str(base)]
    subprocess.run(helper, cwd=runner.workspace, check=True)
    assert base.read_text() == (
        "# The alembic-lint configuration of origin/main, written by the alembic-lint GitHub Action.\n"
        '"ignore" = ["ALM002"]\n'
    )
    assert not (runner.workspace / ".alembic-lint-base.toml").exists()  # removed after the run
    expected = cli(runner, "--config", str(base), "--format", "github", ".")
    assert [line.split("::")[1].split(",")[0] for line in done.stdout.splitlines()] == [
        "error file=migrations/versions/3c4d5e6f7a8b_add_email_to_users.py",
        "error file=migrations/versions/4d5e6f7a8b9c_add_status_to_orders.py",
    ]
    assert (done.returncode, done.stdout) == (1, expected.stdout)


def test_isolated_args_paths_and_sarif(runner: Runner) -> None:
    sarif = runner.temp / "alembic-lint.sarif"
    done = lint(
        runner,
        isolated="true",
        args="--select ALM002 --no-cache",
        paths="migrations\n  migrations/versions",
        sarif=str(sarif),
    )
    expected = cli(
        runner, "--isolated", "--select", "ALM002", "--format", "github", "migrations", "migrations/versions"
    )
    assert expected.stdout.count("::error ") == 1
    assert (done.returncode, done.stdout) == (1, expected.stdout)
    report = json.loads(sarif.read_text())
    assert [result["ruleId"] for run in report["runs"] for result in run["results"]] == ["ALM002"]
    assert runner.action_output("sarif") == str(sarif)


def test_config_from_base_without_a_base_configuration_is_isolated(runner: Runner) -> None:
    on_bare = Runner(runner.workspace, runner.temp, {**runner.event, "GITHUB_BASE_REF": "bare"})
    on_bare.outputs = dict(runner.outputs)
    done = on_bare.run(ACTION["runs"]["steps"][1], {"config-from-base": "true"})
    assert done.stdout.count("::error ") == 3
    assert (done.returncode, done.stdout) == (1, cli(runner, "--isolated", "--format", "github", ".").stdout)
    assert not (runner.workspace / ".alembic-lint-base.toml").exists()


def test_readme_documents_every_input() -> None:
    readme = (WORKTREE / "editors" / "README.md").read_text()
    for name in ACTION["inputs"]:
        assert f"`{name}`" in readme, name


def test_base_configuration_keeps_every_kind_of_value(tmp_path: Path) -> None:
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads TOML with the standard library")
    section = (
        '[tool.alembic-lint]\nselect = ["ALM0", "ALM1"]\nexclude = ["old/*.py"]\ncache = false\n'
        '[tool.alembic-lint.per-file-ignores]\n"versions/legacy_*.py" = ["ALM101"]\n'
        '[tool.alembic-lint.rules.ALM001]\nseverity = "warning"\n'
        '[tool.alembic-lint.rules."quote\\"d"]\nlimit = 3\nratio = 0.5\n'
    )
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n' + section)
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "x")
    out = tmp_path / "base.toml"
    helper = [sys.executable, str(WORKTREE / "editors" / "github-action" / "base_config.py"), "HEAD", str(out)]
    subprocess.run(helper, cwd=tmp_path, check=True)
    assert tomllib.loads(out.read_text()) == tomllib.loads(section)["tool"]["alembic-lint"]
    (tmp_path / "alembic-lint.toml").write_text('ignore = ["ALM005"]\n')  # the dedicated file wins
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "y")
    subprocess.run(helper, cwd=tmp_path, check=True)
    assert tomllib.loads(out.read_text()) == {"ignore": ["ALM005"]}
