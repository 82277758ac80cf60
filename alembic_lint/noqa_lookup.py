"""Which of a file's `# noqa` directives silence a diagnostic, found without a pass over all of them.

A file may hold tens of thousands of directives, codes and multi-line strings, and as
many diagnostics (a hostile one does, within the size limit): comparing each
diagnostic with every directive would be quadratic. Here a diagnostic costs a few
dictionary look-ups (its comment line, the directives of that line and of the file,
the prefixes of its code), and each directive is recorded as used once. The answers
are exactly those of the plain reading of `Suppressions`: the first multi-line string
holding a line moves its comment to that string's last line; a blanket directive
silences everything on its line (or file); a code silences the codes it is a prefix of.
"""

from __future__ import annotations

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.noqa import Suppressions
from alembic_lint.records import field, record


@record(frozen=False)
class _Group:
    """The directives of one line, or the file-level ones."""

    blanket: list[int] = field(default_factory=list)  # directive indices with no codes
    codes: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # code -> (directive, position)
    blanket_recorded: bool = False
    codes_recorded: set[str] = field(default_factory=set)


class FileNoqa:
    """One file's suppressions, and which of them silenced something (`used`: pairs of
    directive index and code position, -1 for a blanket directive)."""

    def __init__(self, suppressions: Suppressions):
        self.suppressions = suppressions
        self.used: set[tuple[int, int]] = set()
        self._file = _Group()
        self._lines: dict[int, _Group] = {}
        for index, directive in enumerate(suppressions.directives):
            group = self._file if directive.file_level else self._lines.setdefault(directive.span.line, _Group())
            if not directive.codes:
                group.blanket.append(index)
            for position, code in enumerate(directive.codes):
                group.codes.setdefault(code.code, []).append((index, position))
        self._ends: list[int] | None = None  # per line from `_low`: where its comment goes (0: the line itself)
        self._low = 0

    def silences(self, diagnostic: Diagnostic, *, record: bool = True, skip: int = -1) -> bool:
        """True when a directive silences the diagnostic; with `record`, notes which did.
        Directive number `skip` counts only through an explicit code, never as a blanket."""
        silenced = False
        line_group = self._lines.get(self.comment_line(diagnostic.span.line))
        code = diagnostic.code
        for group in (self._file, line_group):
            if group is None:
                continue
            if any(index != skip for index in group.blanket):
                silenced = True
                if record and not (skip == -1 and group.blanket_recorded):
                    self.used.update((index, -1) for index in group.blanket if index != skip)
                    group.blanket_recorded = skip == -1
            for end in range(1, len(code) + 1):
                pairs = group.codes.get(code[:end])
                if pairs:
                    silenced = True
                    if record and code[:end] not in group.codes_recorded:
                        self.used.update(pairs)
                        group.codes_recorded.add(code[:end])
        return silenced

    def comment_line(self, line: int) -> int:
        """Where a line's `# noqa` goes: the line itself, or where the first multi-line string
        holding it ends (as `Suppressions.comment_line` says)."""
        if self._ends is None:
            self._ends = self._string_ends()
        at = line - self._low
        if 0 <= at < len(self._ends) and self._ends[at]:
            return self._ends[at]
        return line

    def _string_ends(self) -> list[int]:
        """Give each line inside a multi-line string the end of the first string (in order) that
        holds it. Every line is given once: `following` skips the lines already given (path
        halving), so overlapping or nested strings cost no more than the lines they span."""
        strings = self.suppressions.multiline_strings
        if not strings:
            return []
        self._low = low = min(first for first, _ in strings)
        span = max(last for _, last in strings) - low + 1
        ends = [0] * span
        following = list(range(span + 1))  # following[i]: the first line >= i not yet given (once settled)

        def find(at: int) -> int:
            while following[at] != at:
                following[at] = following[following[at]]
                at = following[at]
            return at

        for first, last in strings:
            at = find(first - low)
            while at < last - low:
                ends[at] = last
                following[at] = at + 1
                at = find(at + 1)
        return ends
