"""The rule registry: unique codes and names, complete documentation, README coverage, `alembic-lint rule`."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from transcripts import all_expected

from alembic_lint.cli import main
from alembic_lint.rules import RULES, ConfigRule, FileRule, GraphRule, SuppressionRule
from alembic_lint.rules.unused_noqa import UnusedNoqa

README = Path(__file__).parent.parent.parent / "README.md"
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


def run(args: list[str]) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out, err)
    return out.getvalue(), err.getvalue(), code


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in RULES]
    names = [rule.name for rule in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert codes == sorted(codes)
    assert all(re.fullmatch(r"ALM\d{3}", code) for code in codes)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in names)


def test_every_rule_is_a_file_graph_config_or_suppression_rule() -> None:
    assert all(isinstance(rule, (FileRule, GraphRule, ConfigRule, SuppressionRule)) for rule in RULES)
    assert [type(rule) for rule in RULES if isinstance(rule, SuppressionRule)] == [UnusedNoqa]


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_documentation_has_the_four_sections_in_order(rule: object) -> None:
    doc = type(rule).documentation()
    positions = [doc.find(section) for section in SECTIONS]
    assert all(p > 0 for p in positions), doc
    assert positions == sorted(positions)
    summary = doc.splitlines()[0]
    assert summary and not summary.startswith("#")


def test_readme_rules_table_lists_every_code_with_its_default() -> None:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| (ALM\d{3}) \| ([a-z-]+) \| (on|off) \|", line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3) == "on")
    assert rows == {rule.code: (rule.name, rule.default) for rule in RULES}


def test_rule_command_prints_the_documentation() -> None:
    out, err, code = run(["rule", "ALM201"])
    rule = next(r for r in RULES if r.code == "ALM201")
    assert (out, err, code) == (
        f"# ALM201 model-import\n\nDefault: on. Severity: warning.\n\n{rule.documentation()}\n\n## Options\n"
        "Set in `[tool.alembic-lint.rules.ALM201]`:\n"
        "- `migration-helpers` (default `True`): imports of modules inside the script directory's own package "
        "or a package named for migrations (helpers written for the migrations, `superset.migrations.shared.utils`) "
        "are allowed; false: report them too\n",
        "",
        0,
    )
    assert run(["rule", "model-import"]) == (out, "", 0)
    assert run(["rule", "alm201"]) == (out, "", 0)
    assert run(["rule", "ALM105"])[0].startswith("# ALM105 header-mismatch\n\nDefault: off (opt-in: select it).")


def test_rule_all_prints_every_rule_in_code_order() -> None:
    out, err, code = run(["rule", "--all"])
    assert (err, code) == ("", 0)
    assert re.findall(r"^# (ALM\d{3}) ", out, flags=re.MULTILINE) == [rule.code for rule in RULES]


def test_unknown_rule_is_exit_2() -> None:
    assert run(["rule", "ALM999"]) == (
        "",
        "alembic-lint: error: unknown rule 'ALM999'; `alembic-lint rule --all` lists every rule\n",
        2,
    )


def test_every_rule_in_the_registry_has_a_fixture_case_that_reports_it() -> None:
    """Derived from RULES: a new rule fails here until a case under tests/fixtures shows it."""
    reported = {code for transcript in all_expected().values() for code in transcript.codes}
    assert [rule.code for rule in RULES if rule.code not in reported] == []


def test_every_fixture_case_reports_only_registered_codes() -> None:
    codes = {rule.code for rule in RULES}
    assert {case: t.codes - codes for case, t in all_expected().items() if t.codes - codes} == {}
