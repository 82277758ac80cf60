"""The README's commands run as written: the quick start (its output exactly, and on a fresh
environment), the test command `.ci/run` runs, and the pre-commit hook it shows.
(Other README examples are checked beside their features: the mermaid picture in
tests/report/test_graph_pictures.py, the rules table in tests/rules/test_rule_registry.py, the
pytest configuration in tests/cli/test_pytest_plugin.py.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, copy_checkout, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
# What pip prints when it cannot reach the package index (to build this project it needs hatchling).
OFFLINE = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No matching distribution found",
    "Could not find a version that satisfies the requirement",
)


def section(title: str) -> str:
    """The text of a README section, up to the next heading of the same level or above
    (a `#` line inside a code block is no heading)."""
    out: list[str] | None = None
    level = 0
    fenced = False
    for line in README.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        heading = re.match(r"(#+) (.*)\n", line) if not fenced else None
        if heading and out is not None and len(heading.group(1)) <= level:
            break
        if out is not None:
            out.append(line)
        elif heading and heading.group(2) == title:
            out, level = [], len(heading.group(1))
    assert out is not None, title
    return "".join(out)


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


QUICK = section("Quick start")
INSTALL_AND_RUN, TEST_COMMAND = (block.strip() for block in blocks(QUICK, "console"))
(QUICK_OUTPUT,) = blocks(QUICK, "text")


def test_the_quick_start_prints_what_the_readme_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    assert INSTALL_AND_RUN == "python -m pip install . && alembic-lint examples/shop"
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli("examples/shop")
    assert (code, out + err) == (1, QUICK_OUTPUT)


def test_the_test_command_is_what_ci_runs() -> None:
    assert TEST_COMMAND == "python -m pip install -e '.[test]' && python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == TEST_COMMAND


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed: no file list to copy")
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout: no file list to copy")
def test_the_quick_start_works_in_a_fresh_environment(tmp_path: Path) -> None:
    """The first command, as written, in a new virtual environment on a copy of the checkout."""
    checkout = copy_checkout(tmp_path / "alembic-lint")
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    bin_dir = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    env["ALEMBIC_LINT_NO_CACHE"] = "1"
    done = subprocess.run(
        ["bash", "-c", INSTALL_AND_RUN], cwd=checkout, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1) and any(marker in done.stdout + done.stderr for marker in OFFLINE):
        pytest.skip("pip needs the package index to build the project (hatchling); it is offline")
    summary = QUICK_OUTPUT.splitlines()[-1]
    findings = "".join(line + "\n" for line in QUICK_OUTPUT.splitlines()[:-1])
    assert (done.returncode, done.stdout.endswith(findings), done.stderr.splitlines()[-1:]) == (1, True, [summary])
    assert (bin_dir / "alembic-lint").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed (.ci/run installs it)")
def test_the_local_pre_commit_hook_runs_as_written(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (a test extra)")
    (config,) = blocks(section("pre-commit"), "yaml")
    project = tmp_path / "project"
    shutil.copytree(ROOT / "examples" / "shop", project)
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    # `language: system` runs the alembic-lint of the environment: this one's.
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env.pop("PRE_COMMIT", None)
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Found 3 problems in 5 files: 3 errors (2 ALM001, 1 ALM002)." in output.splitlines(), output
    (project / "migrations/versions/4d5e6f7a8b9c_add_status_to_orders.py").unlink()
    (project / "migrations/versions/5e6f7a8b9c0d_index_orders_by_user.py").unlink()
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
