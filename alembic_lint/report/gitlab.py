"""GitLab Code Quality report (a JSON list in the Code Climate subset GitLab reads).

GitLab matches findings between pipelines by `fingerprint`, so it must not change
when unrelated lines move: it hashes the rule code, the file's relative path, the
text of the flagged line (the message when the line cannot be read) and the
occurrence index among findings with those same three values. Line numbers are
left out on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from alembic_lint.boundary import Boundary
from alembic_lint.diagnostics import Diagnostic
from alembic_lint.report import SourceLines, posix_path

SEVERITY = {"error": "major", "warning": "minor"}


def format_gitlab(diagnostics: Sequence[Diagnostic], cwd: Path, *, boundary: Boundary | None = None) -> str:
    import hashlib  # only this format needs it

    sources = SourceLines(boundary)
    seen: dict[tuple[str, str, str], int] = {}
    report = []
    for d in diagnostics:
        path = posix_path(d.path, cwd)
        line = sources.line(d.path, d.span.line)
        anchor = line.strip() if line and line.strip() else d.message
        key = (d.code, path, anchor)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        text = "\0".join((*key, str(occurrence)))
        fingerprint = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]  # any file name
        report.append(
            {
                "type": "issue",
                "check_name": d.code,
                "description": f"{d.code} {d.message}",
                "severity": SEVERITY.get(d.severity, "major"),
                "fingerprint": fingerprint,
                "location": {"path": path, "lines": {"begin": d.span.line, "end": d.span.end_line}},
            }
        )
    return json.dumps(report, indent=2) + "\n"
