"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

`tool.driver.rules` lists every rule (id, name, summary, the rule's documentation as
help, default level and whether it is on by default), selected or not, so a viewer
can explain any result. Results carry physical locations (paths relative to the
current folder, against `%SRCROOT%`), related locations and fixes. Columns count
code points (`columnKind: unicodeCodePoints`), as the diagnostics do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from alembic_lint import __version__
from alembic_lint.diagnostics import Diagnostic, Span

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning"}


def _artifact(path: Path, cwd: Path) -> dict[str, str]:
    try:
        relative = path.absolute().relative_to(cwd)
    except ValueError:
        return {"uri": path.absolute().as_uri()}
    return {"uri": quote(relative.as_posix(), errors="surrogateescape"), "uriBaseId": "%SRCROOT%"}  # any file name


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.col + 1,
        "endLine": span.end_line,
        "endColumn": span.end_col + 1,
    }


def _location(path: Path, span: Span, cwd: Path) -> dict[str, object]:
    return {"physicalLocation": {"artifactLocation": _artifact(path, cwd), "region": _region(span)}}


def _rules() -> list[dict[str, object]]:
    from alembic_lint.rules import RULES

    return [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary()},
            "help": {"text": rule.documentation(), "markdown": rule.documentation()},
            "helpUri": rule.url(),
            "defaultConfiguration": {"enabled": rule.default, "level": LEVEL[rule.severity]},
        }
        for rule in RULES
    ]


def _result(d: Diagnostic, index: dict[str, int], cwd: Path) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": d.code,
        "level": LEVEL.get(d.severity, "error"),
        "message": {"text": d.message},
        "locations": [_location(d.path, d.span, cwd)],
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.related:
        result["relatedLocations"] = [
            {"id": number, **_location(r.path, r.span, cwd), "message": {"text": r.message}}
            for number, r in enumerate(d.related)
        ]
    if d.fix is not None and d.fix.edits:
        result["fixes"] = [
            {
                "description": {"text": d.fix.title},
                "artifactChanges": [
                    {
                        "artifactLocation": _artifact(d.path, cwd),
                        "replacements": [
                            {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.text}}
                            for edit in d.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def format_sarif(diagnostics: Sequence[Diagnostic], cwd: Path) -> str:
    rules = _rules()
    index = {str(rule["id"]): number for number, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "alembic-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index, cwd) for d in diagnostics],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
