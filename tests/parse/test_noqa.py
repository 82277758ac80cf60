"""Suppression comments: the lexer, the directive grammar, and ALM900's fixes."""

from __future__ import annotations

import io
import pickle
import tokenize
from pathlib import Path

import pytest

from alembic_lint import noqa
from alembic_lint.diagnostics import Edit, Span
from alembic_lint.lint import check
from alembic_lint.noqa import Directive, NoqaCode, Suppressions, _Lexer, scan
from alembic_lint.parse import Migration, ParseFailure, parse_migration
from alembic_lint.settings import Settings


def codes(text: str) -> list[tuple[tuple[str, ...], bool]]:
    """(codes, file-level) of each directive found."""
    return [(tuple(c.code for c in d.codes), d.file_level) for d in scan(text).directives]


def test_codes_and_spans() -> None:
    assert scan("x = 1  # noqa: ALM201,ALM102\n") == Suppressions(
        (
            Directive(
                Span(1, 7, 1, 28),
                (NoqaCode("ALM201", Span(1, 15, 1, 21)), NoqaCode("ALM102", Span(1, 22, 1, 28))),
                file_level=False,
                removal=Span(1, 5, 1, 28),
            ),
        ),
    )


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# noqa", [((), False)]),
        ("# NOQA", [((), False)]),
        ("#noqa", [((), False)]),
        ("# noqa: ALM201", [(("ALM201",), False)]),
        ("#noqa:ALM201", [(("ALM201",), False)]),
        ("# NoQA : ALM201 , ALM102", [(("ALM201", "ALM102"), False)]),
        ("# noqa:ALM201 E501", [(("ALM201", "E501"), False)]),
        ("# noqa: alm201", [(("ALM201",), False)]),
        ("# noqa: ALM1", [(("ALM1",), False)]),
        ("# noqa: this is fine", [((), False)]),  # flake8: no valid code list, so a blanket noqa
        ("# noqa:", [((), False)]),
        ("# noqa123", []),
        ("# noqa-ish", []),
        ("# no qa", []),
        ("# type: ignore  # noqa: ALM201", [(("ALM201",), False)]),
        ("# alembic-lint: noqa", [((), True)]),
        ("#alembic-lint:noqa:ALM101", [(("ALM101",), True)]),
        ("# Alembic-Lint: NOQA: ALM101, ALM2", [(("ALM101", "ALM2"), True)]),
        ("# see ticket # alembic-lint: noqa: ALM201", [(("ALM201",), True)]),
        ("# noqa: ALM201 # alembic-lint: noqa", [(("ALM201",), False), ((), True)]),
    ],
)
def test_grammar(comment: str, expected: list[tuple[tuple[str, ...], bool]]) -> None:
    assert codes(f"import os  {comment}\n") == expected


@pytest.mark.parametrize(
    "source",
    [
        'a = "# noqa"\n',
        "a = '# noqa: ALM201'\n",
        'a = """\n# noqa\n"""\n',
        "a = '''x\n# alembic-lint: noqa\n'''\n",
        'a = "\\" # noqa"\n',
        "a = rb'\\' # noqa'\n",
        "a = f\"{x!r} # noqa {'# noqa'}\"\n",
        'a = f"{d["k"]} # noqa"\n',  # Python 3.12 nested quotes
        "a = f'{x:{w}} # noqa'\n",
        'a = f"{{ # noqa }}"\n',
        'a = "\\N{BULLET} # noqa"\n',
        'a = f"\\N{BULLET} # noqa {x}"\n',
        'a = ("one"  \n     "# noqa")\n',
        "a = 'unterminated # noqa",
        'if"{# noqa":\n    pass\n',  # `f` ends the keyword: not an f-string
    ],
)
def test_noqa_inside_a_string_is_not_a_comment(source: str) -> None:
    assert scan(source) == Suppressions()


def test_comment_after_strings_is_found() -> None:
    source = 'a = f"{x["k"]:>{w}}" "b\\"" \'\'\'c\n\'\'\'  # noqa: ALM201\n'
    found = scan(source)
    assert [(d.span, tuple(c.code for c in d.codes)) for d in found.directives] == [
        (Span(2, 5, 2, 19), ("ALM201",)),
    ]
    assert found.multiline_strings == ((1, 2),)


def test_multiline_string_maps_to_its_last_line() -> None:
    source = '"""doc\n\nRevision ID: a1\n"""  # noqa: ALM105\nrevision = "a1"\n'
    found = scan(source)
    assert found.multiline_strings == ((1, 4),)
    assert [found.comment_line(n) for n in range(1, 6)] == [4, 4, 4, 4, 5]


@pytest.mark.parametrize(
    ("source", "removal"),
    [
        ("import os  # noqa: ALM201\n", Span(1, 9, 1, 25)),
        ("import os\t# noqa: ALM201", Span(1, 9, 1, 24)),
        ("import os  # type: ignore  # noqa: ALM201\n", Span(1, 25, 1, 41)),
        ("    # alembic-lint: noqa: ALM101\nx = 1\n", Span(1, 0, 2, 0)),
        ("x = 1\n# alembic-lint: noqa: ALM101", Span(2, 0, 2, 28)),
        ("import os  # noqa: ALM201 -- see ticket\n", None),
        ("import os  # noqa: ALM201   \n", Span(1, 9, 1, 25)),
    ],
)
def test_removal_span(source: str, removal: Span | None) -> None:
    (directive,) = scan(source).directives
    assert directive.removal == removal


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(newline: str) -> None:
    source = newline.join(['s = """a', "b", '"""', "import os  # noqa: ALM201", ""])
    found = scan(source)
    assert found.multiline_strings == ((1, 3),)
    assert [d.span for d in found.directives] == [Span(4, 11, 4, 25)]


def test_non_ascii_columns_are_code_points() -> None:
    (directive,) = scan('s = "é€"  # noqa: ALM201\n').directives
    assert directive.span == Span(1, 10, 1, 24)


def test_files_without_the_word_skip_the_scan() -> None:
    assert scan("# a comment\nx = 1\n") is scan("")


TRICKY = '''\
"""Doc # noqa"""
import os  # first
x = f"{os.sep!r:>{10}}"  # second
y = rb'\\'' "#" f\'\'\'{
    x  # third
}\'\'\'
# fourth
'''


def test_lexer_finds_the_comments_tokenize_finds() -> None:
    """What Python 3.12's tokenize reports (a comment inside an f-string field is 3.12+ syntax)."""
    lexer = _Lexer(TRICKY)
    lexer.run()
    assert [(c.line, c.col, c.text) for c in lexer.comments] == [
        (2, 11, "# first"),
        (3, 25, "# second"),
        (5, 7, "# third"),
        (7, 0, "# fourth"),
    ]
    assert lexer.strings == [(4, 6)]


def test_lexer_agrees_with_tokenize_on_stdlib_modules() -> None:
    for module in (tokenize, pytest, io, pickle):
        path = Path(str(module.__file__))
        text = path.read_text(encoding="utf-8")
        lexer = _Lexer(text)
        lexer.run()
        expected = [
            (t.start[0], t.start[1], t.string.rstrip())
            for t in tokenize.generate_tokens(io.StringIO(text).readline)
            if t.type == tokenize.COMMENT
        ]
        assert [(c.line, c.col, c.text) for c in lexer.comments] == expected, path


def full_scan(text: str) -> Suppressions:
    """What `scan` finds when the lexer reads every comment (it reads only those where the
    directive pattern matched the whole text)."""
    lexer = _Lexer(text)
    lexer.run()
    directives = tuple(d for comment in lexer.comments for d in noqa._directives(comment))
    return Suppressions(directives, tuple(lexer.strings)) if directives else Suppressions()


NOISY = [
    TRICKY.replace("# first", "# first  # noqa: ALM201").replace("# third", "# noqa"),
    'x = "# noqa: ALM001"  # noqa: ALM002\ny = """\n# noqa\n"""  # NOQA:alm3 ,  ALM4\n',
    "s = '''# noqa''' '# noqa' \\\n    # alembic-lint: noqa: ALM101\n",
    "x = 1  # a comment # noqa-ish  #noqa:ALM1\r\ny = f'{x}'  # type: ignore  # noqa\r",
    "#\nnoqa\n# \n  noqa: ALM1\n",  # `#`, then `noqa` on the next line: no directive
    'x = 1  # noqa: ALM1\ny = """\na\n"""  # noqa: ALM2\nz = """\nb\n"""\n',  # strings after the last one
]


def assert_same_suppressions(text: str) -> None:
    """`scan` finds the directives the whole lexer finds, and every line's finding is silenced
    by the same ones (`scan` stops at the last place a directive may start: the multi-line
    strings after it hold no line whose `# noqa` could follow)."""
    fast, full = scan(text), full_scan(text)
    assert fast.directives == full.directives
    lines = text.count("\n") + text.count("\r") + 2
    assert [fast.codes_on(fast.comment_line(n)) for n in range(1, lines)] == [
        full.codes_on(full.comment_line(n)) for n in range(1, lines)
    ]
    assert scan(text, strings=True) == full_scan_with_strings(text)


def full_scan_with_strings(text: str) -> Suppressions:
    lexer = _Lexer(text)
    lexer.run()
    directives = tuple(d for comment in lexer.comments for d in noqa._directives(comment))
    return Suppressions(directives, tuple(lexer.strings))


@pytest.mark.parametrize("text", NOISY)
def test_scan_reads_only_the_comments_a_directive_may_start_in(text: str) -> None:
    assert_same_suppressions(text)


def test_scan_agrees_with_the_whole_lexer_on_stdlib_modules_with_directives() -> None:
    for module in (tokenize, pytest, io, pickle):
        text = Path(str(module.__file__)).read_text(encoding="utf-8")
        text = text.replace("# ", "# noqa: ALM101 ", 40).replace('"""', '"""# noqa ', 7)
        assert_same_suppressions(text)
        assert scan(text).directives, module


# -- parse integration -----------------------------------------------------------------
MIGRATION = '''\
"""add email

Revision ID: a1
Revises:
"""
from app import models  # noqa: ALM201

revision = "a1"
down_revision = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    pass  # noqa: ALM104
    # ### end Alembic commands ###


def downgrade():
    pass
'''


def test_parse_records_suppressions_and_they_pickle() -> None:
    migration = parse_migration(Path("a1.py"), MIGRATION.encode())
    assert isinstance(migration, Migration)
    assert [(d.span.line, tuple(c.code for c in d.codes)) for d in migration.noqa.directives] == [
        (6, ("ALM201",)),
        (14, ("ALM104",)),
    ]
    assert migration.noqa.multiline_strings == ((1, 5),)
    assert pickle.loads(pickle.dumps(migration)) == migration


def test_syntax_error_file_keeps_its_suppressions() -> None:
    failure = parse_migration(Path("b.py"), b"# alembic-lint: noqa: ALM000\nrevision = (\n")
    assert isinstance(failure, ParseFailure)
    assert codes("# alembic-lint: noqa: ALM000\n") == [(("ALM000",), True)]
    assert failure.noqa == scan("# alembic-lint: noqa: ALM000\nrevision = (\n")


def test_check_applies_suppressions_for_every_caller() -> None:
    """The language server calls check() directly: it must get suppressions too."""
    migration = parse_migration(Path("/p/versions/a1.py"), MIGRATION)
    settings = Settings(extend_select=("ALM900",), first_party=("app",))
    _, diagnostics = check([migration], settings, root=Path("/p/versions"))
    assert [(d.span.line, d.code, d.message) for d in diagnostics] == [
        (
            12,
            "ALM104",
            "upgrade() is the empty autogenerate result (the markers around `pass`): autogenerate found no "
            "change, often because env.py's metadata lacks a model; write the schema changes, delete this "
            "migration, or say in a comment why it is empty",
        ),
        (14, "ALM900", "unused `noqa` directive (unused: ALM104); remove it"),
    ]  # the empty downgrade() is no ALM102: upgrade() changes nothing either (ALM104 speaks)


# -- ALM900 fixes ------------------------------------------------------------------------
def apply(text: str, edits: tuple[Edit, ...]) -> str:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(line: int, col: int) -> int:
        return offsets[line - 1] + col

    for edit in sorted(edits, key=lambda e: e.span, reverse=True):
        start = offset(edit.span.line, edit.span.col)
        end = offset(edit.span.end_line, edit.span.end_col)
        text = text[:start] + edit.text + text[end:]
    return text


HEADER = 'revision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n    op.f()\n\n\ndef downgrade():\n    op.g()\n'


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("import os  # noqa: ALM201\n", "import os\n"),
        ("import os  # noqa: ALM201, E501\n", "import os  # noqa: E501\n"),
        ("import os  # noqa:E501,ALM201,ALM999\n", "import os  # noqa:E501\n"),
        ("import os  # type: ignore  # noqa: ALM201\n", "import os  # type: ignore\n"),
        ("# alembic-lint: noqa: ALM201\n", ""),
        ("import os  # noqa: ALM201 -- kept for the ticket\n", None),
    ],
)
def test_unused_noqa_fix(line: str, fixed: str | None) -> None:
    source = line + HEADER
    migration = parse_migration(Path("/p/versions/a1.py"), source)
    _, diagnostics = check([migration], Settings(select=("ALL",)), root=Path("/p/versions"))
    (diagnostic,) = diagnostics
    assert diagnostic.code == "ALM900"
    if fixed is None:
        assert diagnostic.fix is None
    else:
        assert diagnostic.fix is not None and diagnostic.fix.safe
        assert apply(source, diagnostic.fix.edits) == fixed + HEADER


def test_blanket_file_level_is_judged_only_when_every_rule_runs() -> None:
    source = "# alembic-lint: noqa\n" + HEADER
    migration = parse_migration(Path("/p/versions/a1.py"), source)
    _, everything = check([migration], Settings(select=("ALL",)), root=Path("/p/versions"))
    assert [(d.code, d.span, d.message) for d in everything] == [
        (
            "ALM900",
            Span(1, 0, 1, 20),
            "unused `alembic-lint: noqa` directive: nothing in this file is reported; remove it",
        )
    ]
    _, defaults = check([migration], Settings(extend_select=("ALM900",)), root=Path("/p/versions"))
    assert defaults == []


def test_unused_noqa_can_be_silenced_on_its_own_line() -> None:
    source = "import os  # noqa: ALM201, ALM900\n" + HEADER
    migration = parse_migration(Path("/p/versions/a1.py"), source)
    _, diagnostics = check([migration], Settings(select=("ALL",)), root=Path("/p/versions"))
    assert diagnostics == []


# -- the edits that add a directive (the editor's "Disable ALMxxx" quick fixes) -------------
def comments(text: str) -> noqa.Comments:
    return noqa.Comments(text)


def test_line_noqa_is_appended_or_merged() -> None:
    assert noqa.line_edit(comments("revision = 'a1'   "), 1, "ALM001") == Edit(Span(1, 15, 1, 18), "  # noqa: ALM001")
    merged = comments("revision = 'a1'  # noqa: ALM005")
    assert noqa.line_edit(merged, 1, "ALM001") == Edit(Span(1, 31, 1, 31), ", ALM001")
    assert noqa.line_edit(merged, 1, "ALM005") is None  # already there
    assert noqa.line_edit(comments("x = 1  # noqa"), 1, "ALM001") is None  # a bare noqa covers everything
    # The same grammar as the suppression stage: `noqa : CODES` lists codes, so a new one is added to it.
    assert noqa.line_edit(comments("x = 1  # noqa : ALM005"), 1, "ALM001") == Edit(Span(1, 22, 1, 22), ", ALM001")


def test_line_noqa_is_not_offered_where_a_comment_cannot_go() -> None:
    text = comments('"""docstring\nRevision ID: a1\n"""\nx = 1 + \\\n    2')
    assert noqa.line_edit(text, 1, "ALM008") is None  # inside the docstring
    assert noqa.line_edit(text, 2, "ALM008") is None
    assert noqa.line_edit(text, 4, "ALM008") is None  # a backslash continuation
    assert noqa.line_edit(text, 3, "ALM008") == Edit(Span(3, 3, 3, 3), "  # noqa: ALM008")


def test_file_noqa_goes_after_shebang_and_coding_or_merges() -> None:
    assert noqa.file_edit(comments('"""doc"""'), "ALM001") == Edit(Span(1, 0, 1, 0), "# alembic-lint: noqa: ALM001\n")
    preamble = comments("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1")
    assert noqa.file_edit(preamble, "ALM001", "\r\n") == Edit(Span(3, 0, 3, 0), "# alembic-lint: noqa: ALM001\r\n")
    existing = comments("x = 1\n# alembic-lint: noqa: ALM001\n")
    assert noqa.file_edit(existing, "ALM002") == Edit(Span(2, 28, 2, 28), ", ALM002")
    assert noqa.file_edit(existing, "ALM001") is None


def test_codes_in_suppression_comments_are_found_with_their_columns() -> None:
    found = noqa.scan("\n\n\nx = 1  # noqa: ALM001,ALM002\n")
    assert found.codes_on(4) == [
        noqa.NoqaCode("ALM001", Span(4, 15, 4, 21)),
        noqa.NoqaCode("ALM002", Span(4, 22, 4, 28)),
    ]
    assert found.codes_on(3) == []
    assert noqa.scan("# alembic-lint: noqa: ALM003").codes_on(1) == [noqa.NoqaCode("ALM003", Span(1, 22, 1, 28))]
    assert noqa.scan("x = 1  # a comment  # noqa-ish\n").codes_on(1) == []
    assert noqa.scan('x = "# noqa: ALM001"\n').codes_on(1) == []  # in a string: not a comment


def test_comments_of_a_file_that_does_not_tokenize() -> None:
    text = comments('revision = "a1"\ndown_revision = ("b2"  # noqa: ALM002\ndef broken(:\n')
    assert noqa.line_edit(text, 2, "ALM001") == Edit(Span(2, 37, 2, 37), ", ALM001")
    assert noqa.line_edit(text, 3, "ALM000") == Edit(Span(3, 12, 3, 12), "  # noqa: ALM000")
    assert noqa.line_edit(text, 9, "ALM000") is None  # no such line


def test_a_string_continued_with_a_backslash_takes_no_comment() -> None:
    text = comments('x = "one \\\ntwo"\ny = 1  # not continued \\\n')
    assert noqa.line_edit(text, 1, "ALM201") is None
    assert noqa.line_edit(text, 2, "ALM201") == Edit(Span(2, 4, 2, 4), "  # noqa: ALM201")
    assert noqa.line_edit(text, 3, "ALM201") == Edit(Span(3, 24, 3, 24), "  # noqa: ALM201")  # a comment's "\\"
