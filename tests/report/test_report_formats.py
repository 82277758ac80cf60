"""Every output format on the same fixture, compared whole with its golden file,
plus the properties each CI system relies on."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import jsonschema
import pytest
from helpers import ROOT, assert_golden, run_cli

from alembic_lint import __version__
from alembic_lint.cli import main
from alembic_lint.diagnostics import Diagnostic, Span
from alembic_lint.report import formatters
from alembic_lint.report.full import _underline, format_full, use_color
from alembic_lint.report.github import format_github
from alembic_lint.report.gitlab import format_gitlab
from alembic_lint.rules import RULES

FIXTURE = "tests/fixtures/report/versions"
SCHEMA = Path(__file__).parent.parent / "schemas" / "sarif-schema-2.1.0.json"
FORMATS = ["text", "full", "grouped", "json", "json-lines", "github", "gitlab", "sarif", "junit"]


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_every_format_is_registered() -> None:
    assert list(formatters()) == FORMATS


@pytest.mark.parametrize("name", FORMATS)
def test_format_matches_golden_file(name: str) -> None:
    code, out, err = run_cli(FIXTURE, "--format", name)
    assert (code, err) == (1, "Found 3 problems in 5 files: 3 errors (2 ALM001, 1 ALM002).\n")
    assert_golden(f"{name}.txt", out.replace(__version__, "<version>") if name == "sarif" else out)


def test_full_format_in_colour_matches_golden_file() -> None:
    from alembic_lint.lint import lint
    from alembic_lint.settings import Settings

    diagnostics = lint([Path(FIXTURE)], Settings()).diagnostics
    assert_golden("full-color.txt", format_full(diagnostics, ROOT, color=True))


def test_json_schema_is_the_documented_one() -> None:
    _, out, _ = run_cli(FIXTURE, "--format", "json")
    first = json.loads(out)[0]
    assert list(first) == ["path", "line", "column", "end_line", "end_column", "code", "name", "message", "severity"]
    _, lines, _ = run_cli(FIXTURE, "--format", "json-lines")
    assert [json.loads(line) for line in lines.splitlines()] == json.loads(out)


# -- SARIF ----------------------------------------------------------------------
def test_sarif_validates_against_the_official_schema() -> None:
    _, out, _ = run_cli(FIXTURE, "--format", "sarif")
    log = json.loads(out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert [(r["id"], r["name"]) for r in driver["rules"]] == [(rule.code, rule.name) for rule in RULES]
    assert all(r["help"]["text"] == rule.documentation() for r, rule in zip(driver["rules"], RULES, strict=True))


def test_sarif_validates_with_no_findings_and_with_absolute_paths(tmp_path: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(json.loads(formatters()["sarif"]([], ROOT)))
    outside = Diagnostic(Path("/elsewhere/a b.py"), Span(1, 0, 1, 3), "ALM001", "multiple-heads", "m")
    log = json.loads(formatters()["sarif"]([outside], tmp_path))
    validator.validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "file:///elsewhere/a%20b.py"}


# -- GitHub ---------------------------------------------------------------------
def test_github_escapes_data_and_properties_as_the_workflow_command_spec_requires() -> None:
    diagnostic = Diagnostic(
        Path("/repo/odd:name,with%.py"),
        Span(3, 4, 5, 6),
        "ALM002",
        "missing-down-revision",
        "100% wrong:\r\nsee a, b",
        "warning",
    )
    assert format_github([diagnostic], Path("/repo")) == (
        "::warning file=odd%3Aname%2Cwith%25.py,line=3,col=5,endLine=5,endColumn=7,title=ALM002"
        "::100% wrong:%0D%0Asee a, b\n".replace("100%", "100%25")
    )


# -- GitLab ---------------------------------------------------------------------
def _fingerprints() -> list[str]:
    _, out, _ = run_cli(FIXTURE, "--format", "gitlab")
    return [item["fingerprint"] for item in json.loads(out)]


def test_gitlab_fingerprints_are_stable_across_runs_and_distinct() -> None:
    first, second = _fingerprints(), _fingerprints()
    assert first == second
    assert len(set(first)) == len(first) == 3


def test_gitlab_fingerprint_ignores_line_numbers_but_not_the_finding(tmp_path: Path) -> None:
    def fingerprints(*diagnostics: Diagnostic) -> list[str]:
        return [item["fingerprint"] for item in json.loads(format_gitlab(diagnostics, tmp_path))]

    def at(name: str, line: int, code: str = "ALM001") -> Diagnostic:
        return Diagnostic(tmp_path / name, Span(line, 11, line, 14), code, "some-rule", "m")

    path = tmp_path / "m.py"
    path.write_text("x = 1\nrevision = 'a'\n", encoding="utf-8")
    before = fingerprints(at("m.py", 2))
    path.write_text("\n\n\nrevision = 'a'\n", encoding="utf-8")  # the same line, two lines lower
    assert fingerprints(at("m.py", 4)) == before
    (tmp_path / "n.py").write_text("revision = 'a'\n", encoding="utf-8")
    assert fingerprints(at("n.py", 1)) != before  # another file
    assert fingerprints(at("m.py", 4, "ALM003")) != before  # another rule
    path.write_text("\n\n\nrevision = 'b'\n", encoding="utf-8")
    assert fingerprints(at("m.py", 4)) != before  # another line text
    twice = fingerprints(at("m.py", 4), at("m.py", 4))
    assert len(set(twice)) == 2  # the occurrence index tells identical findings apart


def test_gitlab_severity_and_location() -> None:
    _, out, _ = run_cli(FIXTURE, "--format", "gitlab")
    first = json.loads(out)[0]
    assert first["severity"] == "major"
    assert first["location"] == {
        "path": f"{FIXTURE}/c3d4e5f6a7b8_add_invoices.py",
        "lines": {"begin": 12, "end": 12},
    }


# -- full -----------------------------------------------------------------------
def test_caret_lines_up_under_tabs_and_wide_characters() -> None:
    assert _underline("\tx = '漢字'", 5, 9) == ("\t    ", "^^^^^^")
    assert _underline("abc", 3, 3) == ("   ", "^")  # an empty span still gets a caret
    assert _underline("abc", 1, None) == (" ", "^^")  # a span running past the line


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert use_color(_Terminal()) is True
    assert use_color(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(_Terminal()) is False
    monkeypatch.delenv("NO_COLOR")
    terminal = _Terminal()
    main([FIXTURE, "--format", "full"], terminal, io.StringIO())
    assert "\x1b[" in terminal.getvalue()
    terminal = _Terminal()
    report = tmp_path / "report.txt"
    main([FIXTURE, "--format", "full", "--output-file", str(report)], terminal, io.StringIO())
    assert terminal.getvalue() == ""
    assert report.read_text(encoding="utf-8") == (ROOT / "tests/golden/full.txt").read_text(encoding="utf-8")


# -- statistics, output file, format selection ----------------------------------
def test_statistics_like_ruff() -> None:
    code, out, err = run_cli(FIXTURE, "--statistics")
    assert (code, out) == (1, "2\tALM001\t[*] multiple-heads\n1\tALM002\t[*] missing-down-revision\n")
    assert err == "Found 3 problems in 5 files: 3 errors (2 ALM001, 1 ALM002).\n"
    _, out, _ = run_cli(FIXTURE, "--statistics", "--format", "json")
    assert json.loads(out) == [
        {"code": "ALM001", "name": "multiple-heads", "count": 2, "fixable": True, "fixable_count": 2},
        {"code": "ALM002", "name": "missing-down-revision", "count": 1, "fixable": True, "fixable_count": 1},
    ]


def test_statistics_mark_fixable_codes_when_any_is_fixable() -> None:
    from alembic_lint.diagnostics import Fix
    from alembic_lint.report.statistics import format_statistics

    fix = Fix("do it", ())
    diagnostics = [Diagnostic(Path("a.py"), Span.point(1), "ALM002", "missing-down-revision", "m", fix=fix)] * 10
    diagnostics.append(Diagnostic(Path("a.py"), Span.point(1), "ALM1", "short", "m"))
    assert format_statistics(diagnostics) == "10\tALM002\t[*] missing-down-revision\n 1\tALM1  \t[ ] short\n"
    assert format_statistics([]) == ""


def test_output_file_is_written_atomically_and_keeps_the_exit_code(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("old", encoding="utf-8")
    os.chmod(report, 0o640)
    code, out, err = run_cli(FIXTURE, "--format", "json", "--output-file", str(report))
    assert (code, out, err) == (1, "", "Found 3 problems in 5 files: 3 errors (2 ALM001, 1 ALM002).\n")
    assert report.read_text(encoding="utf-8") == (ROOT / "tests/golden/json.txt").read_text(encoding="utf-8")
    assert report.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary file left


def test_output_file_in_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "report.txt"
    code, out, err = run_cli(FIXTURE, "--output-file", str(target))
    assert (code, out) == (2, "")
    assert err == f"alembic-lint: error: {target}: cannot write the report: No such file or directory\n"


def test_unknown_format_on_the_command_line_exits_2() -> None:
    code, out, err = run_cli(FIXTURE, "--format", "xml")
    assert (code, out) == (2, "")
    last = err.splitlines()[-1]  # argparse's usage error, written to main's stderr
    # the list of choices after it is quoted differently by different Python versions
    assert last.startswith("alembic-lint: error: argument --format: invalid choice: 'xml' (choose from ")


def test_output_format_from_settings_is_used_and_validated(tmp_path: Path) -> None:
    config = tmp_path / "alembic-lint.toml"
    config.write_text('output-format = "grouped"\n')
    _, out, _ = run_cli(FIXTURE, "--config", str(config))
    assert out == (ROOT / "tests/golden/grouped.txt").read_text(encoding="utf-8")
    _, out, _ = run_cli(FIXTURE, "--config", str(config), "--format", "text")
    assert out == (ROOT / "tests/golden/text.txt").read_text(encoding="utf-8")
    config.write_text('output-format = "xml"\n')
    code, out, err = run_cli(FIXTURE, "--config", str(config))
    assert (code, out) == (2, "")
    assert err == (
        f"alembic-lint: error: {config}: unknown output format 'xml' (output-format); choose from "
        "text, full, grouped, json, json-lines, github, gitlab, sarif, junit\n"
    )


def test_junit_lists_clean_files_as_passing_tests() -> None:
    import xml.etree.ElementTree as ET

    _, out, _ = run_cli(FIXTURE, "--format", "junit")
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case.find("failure") is not None for case in suite.iter("testcase")}
    assert cases == {
        f"{FIXTURE}/a1b2c3d4e5f6_create_accounts.py": False,
        f"{FIXTURE}/b2c3d4e5f6a7_add_plans.py": False,
        f"{FIXTURE}/c3d4e5f6a7b8_add_invoices.py": True,
        f"{FIXTURE}/d4e5f6a7b8c9_add_coupons.py": True,
        f"{FIXTURE}/e5f6a7b8c9d0_add_refunds.py": True,
    }


# -- severities (issue 9): graph errors are errors, content findings are warnings ---------------
def _error_and_warning(tmp_path: Path) -> Path:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a1.py").write_text(  # a dangling down_revision (error), an empty downgrade() (warning)
        'revision = "a1"\ndown_revision = "zz"\n\n\ndef upgrade():\n    op.drop_table("t")\n\n\n'
        "def downgrade():\n    pass\n"
    )
    (versions / "b2.py").write_text(  # the empty autogenerate result (warning)
        'revision = "b2"\ndown_revision = "a1"\n\n\ndef upgrade():\n'
        "    # ### commands auto generated by Alembic - please adjust! ###\n    pass\n\n\ndef downgrade():\n    pass\n"
    )
    return versions


def test_errors_and_warnings_are_told_apart_in_the_summary_and_the_exit_code_is_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_error_and_warning(tmp_path).parent)
    assert run_cli("versions") == (
        1,
        "versions/a1.py:2:17: ALM002 down_revision 'zz' names no revision in this folder; point it at an "
        "existing revision (None for a base)\n"
        "versions/a1.py:9:5: ALM102 downgrade() does nothing while upgrade() changes the schema (`op.drop_table`): "
        "a rollback would leave that change in place; write the reverse operations, or say in a comment why nothing "
        'is to be undone (`raise NotImplementedError("...")` stops a rollback here)\n'
        "versions/b2.py:5:5: ALM104 upgrade() is the empty autogenerate result (the markers around `pass`): "
        "autogenerate found no change, often because env.py's metadata lacks a model; write the schema changes, "
        "delete this migration, or say in a comment why it is empty\n",
        "Found 3 problems in 2 files: 1 error (1 ALM002), 2 warnings (1 ALM102, 1 ALM104).\n",
    )
    assert (
        run_cli("versions", "--select", "ALM1")[2] == "Found 2 problems in 2 files: 2 warnings (1 ALM102, 1 ALM104).\n"
    )
    assert run_cli("versions", "--select", "ALM1", "--exit-zero")[0] == 0


def test_every_ci_format_carries_the_severity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_error_and_warning(tmp_path).parent)
    github = run_cli("versions", "--format", "github")[1]
    assert [line.split(" ", 1)[0] for line in github.splitlines()] == ["::error", "::warning", "::warning"]
    gitlab = json.loads(run_cli("versions", "--format", "gitlab")[1])
    assert [(item["check_name"], item["severity"]) for item in gitlab] == [
        ("ALM002", "major"),
        ("ALM102", "minor"),
        ("ALM104", "minor"),
    ]
    sarif = json.loads(run_cli("versions", "--format", "sarif")[1])
    assert [(r["ruleId"], r["level"]) for r in sarif["runs"][0]["results"]] == [
        ("ALM002", "error"),
        ("ALM102", "warning"),
        ("ALM104", "warning"),
    ]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {code for code, level in levels.items() if code[3] == "0"} == {r.code for r in RULES if r.code < "ALM1"}
    assert {levels[code] for code in levels if code[3] == "0"} == {"error"}  # the graph breaks alembic
    assert {levels[code] for code in levels if code[3] in "129"} == {"warning"}  # a file's content
    as_json = json.loads(run_cli("versions", "--format", "json")[1])
    assert [item["severity"] for item in as_json] == ["error", "warning", "warning"]


def test_a_configured_severity_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = _error_and_warning(tmp_path)
    (tmp_path / "alembic-lint.toml").write_text(
        '[rules.ALM002]\nseverity = "warning"\n[rules.ALM102]\nseverity = "error"\n'
    )
    monkeypatch.chdir(versions.parent)
    assert (
        run_cli("versions")[2] == "Found 3 problems in 2 files: 1 error (1 ALM102), 2 warnings (1 ALM002, 1 ALM104).\n"
    )
