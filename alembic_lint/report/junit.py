"""JUnit XML: one test case per checked file, failing with that file's findings in
flake8 form. Files without findings are passing test cases, so CI dashboards show
what was checked, not only what failed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.report import path_display
from alembic_lint.report.text import format_text


def format_junit(diagnostics: Sequence[Diagnostic], cwd: Path, *, files: Sequence[Path] = ()) -> str:
    import xml.etree.ElementTree as ET  # only this format needs it

    show = path_display(cwd)
    by_file: dict[str, list[Diagnostic]] = {show(path): [] for path in files}
    for d in diagnostics:
        by_file.setdefault(show(d.path), []).append(d)
    failures = sum(1 for found in by_file.values() if found)
    counts = {"tests": str(len(by_file)), "failures": str(failures), "errors": "0", "skipped": "0"}
    suites = ET.Element("testsuites", {"name": "alembic-lint", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "alembic-lint", **counts})
    for name in sorted(by_file):
        case = ET.SubElement(suite, "testcase", {"classname": "alembic-lint", "name": name, "file": name})
        found = by_file[name]
        if found:
            codes = ", ".join(sorted({d.code for d in found}))
            noun = "problem" if len(found) == 1 else "problems"
            failure = ET.SubElement(case, "failure", {"message": f"{len(found)} {noun} ({codes})", "type": codes})
            failure.text = format_text(found, cwd)
    ET.indent(suites, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
