"""The CI snippets in docs/ci/ do what they say, run as they are written on a copy of examples/shop:
the GitLab job's script writes the Code Quality report (and fails on findings); two-heads.sh fails on
two heads only, whatever the project's configuration turns off. The GitLab job's `before_script`
(pip install from PyPI) is not run: the alembic-lint under test is put on PATH instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from editors_support import ENV, VERSIONS, WORKTREE, shop

SNIPPETS = WORKTREE / "docs" / "ci"
HEAD = Path(VERSIONS) / "3c4d5e6f7a8b_add_email_to_users.py"


def shell(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)  # the alembic-lint script of this environment
    env = {**ENV, "PATH": bin_dir + os.pathsep + ENV.get("PATH", "")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return shell([sys.executable, "-m", "alembic_lint", "--no-cache", *args], project)


def test_gitlab_job_writes_the_code_quality_report_and_fails(tmp_path: Path) -> None:
    job = yaml.safe_load((SNIPPETS / "gitlab-ci.yml").read_text())["alembic-lint"]
    assert job["before_script"] == ["python -m pip install --quiet alembic-lint"]
    report = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"
    project = shop(tmp_path)
    for line in job["script"]:
        done = shell(["bash", "-c", line], project)
    assert done.returncode == 1  # three findings: the job fails, and still hands in its report
    written = json.loads((project / report).read_text())
    assert written == json.loads(cli(project, "--format", "gitlab", ".").stdout)
    assert [(item["check_name"], item["location"]["path"], item["location"]["lines"]["begin"]) for item in written] == [
        ("ALM001", "migrations/versions/3c4d5e6f7a8b_add_email_to_users.py", 15),
        ("ALM001", "migrations/versions/4d5e6f7a8b9c_add_status_to_orders.py", 15),
        ("ALM002", "migrations/versions/5e6f7a8b9c0d_index_orders_by_user.py", 16),
    ]


def test_two_heads_snippet_fails_on_two_heads_only(tmp_path: Path) -> None:
    project = shop(tmp_path)
    # The project tries to turn the check off: the snippet ignores its configuration.
    (project / "pyproject.toml").write_text('[tool.alembic-lint]\nignore = ["ALM001"]\n')
    done = shell(["sh", str(SNIPPETS / "two-heads.sh")], project)
    expected = cli(project, "--isolated", "--select", "ALM001", ".")
    assert expected.stdout.count(": ALM001 ") == 2
    assert (done.returncode, done.stdout) == (1, expected.stdout)
    # One head again (the dangling down_revision is another matter): the pipeline passes.
    head = project / HEAD
    head.write_text(head.read_text().replace("None] = '2b3c4d5e6f7a'", "None] = '4d5e6f7a8b9c'"))
    done = shell(["sh", str(SNIPPETS / "two-heads.sh"), "migrations"], project)
    assert (done.returncode, done.stdout) == (0, "")
