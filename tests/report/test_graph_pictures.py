"""`alembic-lint graph --format mermaid|dot|text|json` with `--since` and `--heads-only-context`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ROOT, assert_golden, run_cli

SHOP = "examples/shop"

# The shop project's graph as it was printed before pictures existed: it must not change.
SHOP_HISTORY = (
    "2b3c4d5e6f7a -> 3c4d5e6f7a8b (head), add email to users\n"
    "2b3c4d5e6f7a -> 4d5e6f7a8b9c (head), add status to orders\n"
    "1a2b3c4d5e6f -> 2b3c4d5e6f7a (branchpoint), create orders table\n"
    "<base> -> 1a2b3c4d5e6f, create users table\n"
    "9f8e7d6c5b4a -> 5e6f7a8b9c0d (head), index orders by user\n"
)


def run(*argv: str) -> tuple[int, str, str]:
    return run_cli("graph", *argv)


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture
def features(write_migration: Callable[..., Path]) -> Path:
    """A merge point, a branch point, labels, depends_on (by label and by id, one
    missing), two bases and characters that need escaping in both languages."""
    write_migration("a.py", "aaaa00000000000001", None, message='create "users" <table> & #1 \\\\ `x`')
    write_migration("b.py", "bbbb", "aaaa00000000000001", message="branch point")
    write_migration("c.py", "cccc", "bbbb", message="left", branch_labels=("feature",))
    write_migration("d.py", "dddd", "bbbb", message="right side, long enough to be cut off before it ends here")
    write_migration("e.py", "eeee", ("cccc", "dddd"), message="merge")
    write_migration("f.py", "ffff", "eeee", message="depends", depends_on=("feature", "nowhere"))
    write_migration("g.py", "gggg", None, message="other base", branch_labels="other")
    return write_migration("h.py", "hhhh", "gggg", message="needs ffff", depends_on="ffff").parent


@pytest.fixture
def long_chain(write_migration: Callable[..., Path]) -> Path:
    """320 revisions in a chain, then two heads on the last one."""
    down = None
    for n in range(320):
        write_migration(f"{n:04d}.py", f"r{n:04d}", down, message=f"step {n}")
        down = f"r{n:04d}"
    write_migration("x.py", "xxxx", down, message="left head")
    return write_migration("y.py", "yyyy", down, message="right head").parent


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_shop_picture_matches_golden_file(fmt: str) -> None:
    code, out, err = run(SHOP, "--format", fmt)
    assert (code, err) == (0, "")
    assert_golden(f"graph-shop.{fmt}", out)


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_features_picture_matches_golden_file(fmt: str, features: Path) -> None:
    code, out, err = run(str(features), "--format", fmt)
    assert (code, err) == (0, "")
    assert_golden(f"graph-features.{fmt}", out)


def test_text_and_json_are_unchanged_without_limits() -> None:
    assert run(SHOP) == (0, SHOP_HISTORY, "")
    assert run(SHOP, "--format", "text") == (0, SHOP_HISTORY, "")
    _, out, _ = run(SHOP, "--format", "json")
    data = json.loads(out)
    assert (data["heads"], data["bases"]) == (["3c4d5e6f7a8b", "4d5e6f7a8b9c", "5e6f7a8b9c0d"], ["1a2b3c4d5e6f"])
    assert list(data["revisions"]) == [
        "1a2b3c4d5e6f",
        "2b3c4d5e6f7a",
        "3c4d5e6f7a8b",
        "4d5e6f7a8b9c",
        "5e6f7a8b9c0d",
    ]


def test_heads_only_context_keeps_a_large_graph_readable(long_chain: Path) -> None:
    code, out, err = run(str(long_chain), "--format", "mermaid", "--heads-only-context", "2")
    assert (code, err) == (0, "")
    assert out == (
        "flowchart TD\n"
        "    %% 318 revisions left out by --since/--heads-only-context\n"
        '    r0["<b>r0318</b><br/>step 318"]\n'
        '    r1(["<b>r0319</b><br/>step 319<br/><i>branchpoint</i>"])\n'
        '    r2["<b>yyyy</b><br/>right head<br/><i>head · ⚠ ALM001</i>"]\n'
        '    r3["<b>xxxx</b><br/>left head<br/><i>head · ⚠ ALM001</i>"]\n'
        '    e0["⋯ r0317<br/>and older"]\n'
        "    e0 -.-> r0\n"
        "    r0 --> r1\n"
        "    r1 --> r2\n"
        "    r1 --> r3\n"
        "    classDef problem_head fill:#fdecea,stroke:#1e7e34,stroke-width:3px\n"
        "    class r2,r3 problem_head\n"
        "    classDef elided fill:#f6f8fa,stroke:#959da5,stroke-dasharray:3 3,color:#586069\n"
        "    class e0 elided\n"
    )


def test_since_draws_a_revision_and_what_comes_after_it(long_chain: Path) -> None:
    code, out, err = run(str(long_chain), "--format", "dot", "--since", "r0319")
    assert (code, err) == (0, "")
    assert out == (
        "digraph revisions {\n"
        "    // 319 revisions left out by --since/--heads-only-context\n"
        "    rankdir=TB;\n"
        '    node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];\n'
        '    edge [color="#555555", fontname="Helvetica", fontsize=9];\n'
        '    r0 [label="r0319\\nstep 319\\nbranchpoint", peripheries="2"];\n'
        '    r1 [label="yyyy\\nright head\\nhead · ⚠ ALM001", fillcolor="#fdecea", color="#1e7e34", penwidth="3"];\n'
        '    r2 [label="xxxx\\nleft head\\nhead · ⚠ ALM001", fillcolor="#fdecea", color="#1e7e34", penwidth="3"];\n'
        '    e0 [label="⋯ r0318\\nand older", style="dotted", fontcolor="#586069"];\n'
        '    e0 -> r0 [style=dotted, color="#959da5"];\n'
        "    r0 -> r1;\n"
        "    r0 -> r2;\n"
        "}\n"
    )


def test_limits_combine_and_apply_to_text_and_json(long_chain: Path) -> None:
    code, out, err = run(str(long_chain), "--since", "r0318", "--heads-only-context", "5")
    assert (code, err) == (0, "")
    assert out == (
        "r0319 -> xxxx (head), left head\n"
        "r0319 -> yyyy (head), right head\n"
        "r0318 -> r0319 (branchpoint), step 319\n"
        "r0317 -> r0318, step 318\n"
    )
    code, out, err = run(str(long_chain), "--format", "json", "--heads-only-context", "0")
    data = json.loads(out)
    assert (data["heads"], data["bases"], list(data["revisions"])) == (["xxxx", "yyyy"], [], ["xxxx", "yyyy"])


def test_since_accepts_a_unique_prefix(features: Path) -> None:
    code, out, err = run(str(features), "--since", "aaaa0", "--heads-only-context", "1")
    assert (code, err) == (0, "")
    assert out == (
        "eeee (feature, nowhere) -> ffff (feature) (effective head), depends\n"
        "cccc, dddd -> eeee (feature) (mergepoint), merge\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "zzzz"], "alembic-lint: error: --since zzzz: no revision 'zzzz' in this folder\n"),
        (
            ["--since", "r031"],
            "alembic-lint: error: --since r031: 'r031' matches 10 revisions "
            "(r0310, r0311, r0312, r0313, r0314, ...); give more characters\n",
        ),
    ],
)
def test_since_that_names_no_single_revision_exits_2(long_chain: Path, argv: list[str], message: str) -> None:
    assert run(str(long_chain), "--format", "mermaid", *argv) == (2, "", message)


def test_negative_context_is_a_usage_error() -> None:
    code, out, err = run(SHOP, "--heads-only-context", "-1")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "alembic-lint graph: error: argument --heads-only-context: expected a whole number >= 0, got '-1'"
    )


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_accepts_the_dot_output(features: Path, long_chain: Path) -> None:
    for argv in ([SHOP], [str(features)], [str(long_chain), "--heads-only-context", "3"]):
        _, out, _ = run(*argv, "--format", "dot")
        done = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, text=True, check=False)
        assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.skipif(
    shutil.which("mmdc") is None, reason="mermaid-cli `mmdc` is not installed (npm @mermaid-js/mermaid-cli)"
)
def test_mermaid_cli_renders_the_pictures(features: Path, tmp_path: Path) -> None:
    # Headless Chromium as CI has it: the distribution's browser (no download), no sandbox as root.
    browser: dict[str, object] = {"args": ["--no-sandbox", "--disable-gpu"]}
    executable = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium")
    if executable:
        browser["executablePath"] = executable
    puppeteer = tmp_path / "puppeteer.json"
    puppeteer.write_text(json.dumps(browser), encoding="utf-8")
    for name, argv in (("shop", [SHOP]), ("features", [str(features)])):
        _, out, _ = run(*argv, "--format", "mermaid")
        source = tmp_path / f"{name}.mmd"
        source.write_text(out, encoding="utf-8")
        done = subprocess.run(
            ["mmdc", "-p", str(puppeteer), "-i", str(source), "-o", str(tmp_path / f"{name}.svg")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr


def test_readme_shows_the_current_picture_of_the_example_project() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    _, out, _ = run(SHOP, "--format", "mermaid")
    assert f"```mermaid\n{out}```\n" in readme


def test_pictures_mark_findings_by_the_project_configuration(long_chain: Path) -> None:
    (long_chain.parent / "alembic-lint.toml").write_text('ignore = ["ALM001"]\n')
    code, out, err = run(str(long_chain), "--format", "mermaid", "--heads-only-context", "0")
    assert (code, err) == (0, "")
    assert "ALM001" not in out
