"""`--statistics`: how many findings per rule, most frequent first, like ruff.

Text is one line per code, `COUNT<TAB>CODE<TAB>NAME`, the count right-aligned and
the code padded to the longest one; when any finding has a fix, `[*] ` (some
fixable) or `[ ] ` comes before the name, exactly as ruff prints it. JSON is a list of objects with code, name,
count, fixable and fixable_count.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from alembic_lint.diagnostics import Diagnostic


@dataclass(frozen=True)
class Statistic:
    code: str
    name: str
    count: int
    fixable_count: int


def statistics(diagnostics: Sequence[Diagnostic]) -> list[Statistic]:
    """Count per code; ordered by count (highest first), then code."""
    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for d in diagnostics:
        tally = counts.setdefault(d.code, [0, 0])
        tally[0] += 1
        tally[1] += d.fix is not None
        names.setdefault(d.code, d.name)
    ordered = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    return [Statistic(code, names[code], count, fixable) for code, (count, fixable) in ordered]


def format_statistics(diagnostics: Sequence[Diagnostic]) -> str:
    stats = statistics(diagnostics)
    if not stats:
        return ""
    count_width = max(len(str(s.count)) for s in stats)
    code_width = max(len(s.code) for s in stats)
    any_fixable = any(s.fixable_count for s in stats)
    lines = []
    for s in stats:
        marker = ("[*] " if s.fixable_count else "[ ] ") if any_fixable else ""
        lines.append(f"{str(s.count).rjust(count_width)}\t{s.code.ljust(code_width)}\t{marker}{s.name}\n")
    return "".join(lines)


def format_statistics_json(diagnostics: Sequence[Diagnostic]) -> str:
    data = [
        {
            "code": s.code,
            "name": s.name,
            "count": s.count,
            "fixable": s.fixable_count > 0,
            "fixable_count": s.fixable_count,
        }
        for s in statistics(diagnostics)
    ]
    return json.dumps(data, indent=2) + "\n"
