"""Input that tries hard to break the parser: whatever the bytes, `parse_migration` returns a
Migration (maybe recovered) or a ParseFailure, agrees with Python's own parser on whether
the file parses, keeps its spans inside the file, pickles, and never raises."""

from __future__ import annotations

import ast
import codecs
import encodings.aliases
import pickle
import sys
import warnings
from pathlib import Path

import pytest
from fuzz import at_most, fuzz
from hypothesis import assume, given
from hypothesis import strategies as st

from alembic_lint.diagnostics import Span
from alembic_lint.parse import REVISION_VARIABLES, Migration, Parsed, ParseFailure, parse_migration
from alembic_lint.source import split_lines

PATH = Path("versions/m.py")


def python_parses(source: bytes | str) -> bool:
    """Python's own verdict (it decodes bytes itself: BOM, cookie, UTF-8)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "m.py", "exec", ast.PyCF_ONLY_AST)
    except (SyntaxError, ValueError, MemoryError, RecursionError, LookupError):
        return False
    return True


def _undecodable_comment(data: bytes, result: Parsed) -> bool:
    """The file failed to decode at a byte that sits inside a comment."""
    error = result if isinstance(result, ParseFailure) else result.recovered
    if error is None or not error.message.startswith("cannot decode byte"):
        return False
    line = split_lines(data.decode("utf-8", "replace"))[error.span.line - 1]
    return "#" in line[: error.span.col] and not any(q in line[: line.index("#")] for q in "'\"")


def spans(result: Parsed) -> list[Span]:
    if isinstance(result, ParseFailure):
        return [result.span]
    found = [b.span for n in REVISION_VARIABLES if (b := result.binding(n))]
    found += [v.span for n in REVISION_VARIABLES if (b := result.binding(n)) for v in b.items]
    found += [f.span for f in (result.upgrade, result.downgrade) if f] + [i.span for i in result.imports]
    if result.recovered is not None:
        found.append(result.recovered.span)
    return found


def checked(source: bytes | str) -> Parsed:
    """Parse, and check what must hold for every input."""
    result = parse_migration(PATH, source)  # must not raise
    assert isinstance(result, (Migration, ParseFailure))
    clean = isinstance(result, Migration) and result.recovered is None
    if not clean and python_parses(source):
        # CPython (3.11) does not check that the bytes of a comment are UTF-8; we do (PEP 3120),
        # so that and only that may be ALM000 here while Python compiles the file.
        assert isinstance(source, bytes) and _undecodable_comment(source, result), result
    else:
        assert clean == python_parses(source), result
    lines = result.lines if isinstance(result, Migration) else None
    for span in spans(result):
        assert 1 <= span.line <= span.end_line and span.col >= 0 and span.end_col >= 0, (span, result)
        if lines is not None:
            assert span.end_line <= lines, (span, lines)
    assert pickle.loads(pickle.dumps(result)) == result
    return result


# -- arbitrary input ---------------------------------------------------------------------
@fuzz(400)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(data: bytes) -> None:
    checked(data)


@fuzz(300)
@given(st.text(st.characters(codec=None), max_size=2000))  # every code point, lone surrogates too
def test_arbitrary_unicode(text: str) -> None:
    checked(text)
    checked(text.encode("utf-8", "surrogatepass"))  # encoded surrogates are bytes UTF-8 refuses


# Tokens a migration is made of, shuffled: mostly broken files, every way of breaking one.
TOKENS = [
    "revision", "down_revision", "branch_labels", "depends_on", " = ", ": str", ": Union[str, None]",
    "'a1'", '"b2"', "'''c3'''", "None", "(", ")", "[", "]", "{", "}", ",", ":", "\n", "\n    ", "\r\n", "\\\n",
    "def upgrade():", "def downgrade()", "async ", "pass", "...", "raise NotImplementedError", "if x:", "else:",
    "try:", "except:", "from app.models import User", "import sqlalchemy as sa", "# noqa: ALM201", "#", '"""',
    "'", '"', "f'{", "}'", "<<<<<<< HEAD", "=======", ">>>>>>> b", "\t", "\x00", "\x0c", "é", "\u2028", "\ufeff",
    "lambda: 1", "*", "**", "@op.f", "class X:", "return", "yield", "match x:", "case 1:", "global g", "1_0",
]  # fmt: skip


@fuzz(500)
@given(st.lists(st.sampled_from(TOKENS), max_size=80))
def test_shuffled_migration_tokens(tokens: list[str]) -> None:
    checked("".join(tokens))
    checked("".join(tokens).encode("utf-8", "surrogatepass"))


# -- valid Python that is not (quite) a migration ------------------------------------------
VALUES = [
    "'a1'", "None", "('a1', 'b2')", "['a1']", "{'x'}", "()", "123", "1.5", "b'a1'", "f'{x}'", "x", "x.y",
    "make()", "'a' + 'b'", "('a1', *rest)", "(y := 'a1')", "'a1' if x else 'b2'", "lambda: 'a1'", "...",
    "('a1', cli.EXPAND)", "'None'", "''", "'x-y'", "Union[str, None]",
]  # fmt: skip


@st.composite
def modules(draw: st.DrawFn) -> str:
    """A module that parses: revision variables bound in every way Python allows."""
    out: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        name = draw(st.sampled_from([*REVISION_VARIABLES, "other"]))
        value = draw(st.sampled_from(VALUES))
        form = draw(st.sampled_from(["plain", "typed", "aug", "block", "tuple", "def", "class", "import", "global"]))
        if form == "plain":
            out.append(f"{name} = {value}")
        elif form == "typed":
            out.append(f"{name}: str = {value}")
        elif form == "aug":
            out.append(f"{name} += {value}")
        elif form == "block":
            head = draw(st.sampled_from(["if x:", "try:", "with x:", "for i in x:", "while x:", "match x:"]))
            inner = f"case _:\n        {name} = {value}" if head == "match x:" else f"{name} = {value}"
            tail = "\nexcept Exception:\n    pass" if head == "try:" else ""
            out.append(f"{head}\n    {inner}{tail}")
        elif form == "tuple":
            out.append(f"{name}, other = {value}, 1")
        elif form == "def":
            fn = draw(st.sampled_from(["upgrade", "downgrade", "helper"]))
            body = draw(st.sampled_from(["pass", '"""doc"""', "raise NotImplementedError()", f"{name} = 1"]))
            out.append(f"@decorator\nasync def {fn}():\n    {body}")
        elif form == "class":
            out.append(f"class C:\n    {name} = {value}")
        elif form == "import":
            out.append(draw(st.sampled_from(["from . import x", "import a.b as c", "from app.models import *"])))
        else:
            out.append(f"def f():\n    global {name}\n    {name} = {value}")
    return "\n".join(out) + "\n"


def _only_plain_binding(source: str, name: str) -> str | None:
    """The oracle: the value of `name` when its one binding anywhere is a module-level
    `name = "literal"` (or `name: T = "literal"`); None when the source is any less plain."""
    tree = ast.parse(source)
    stores = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]
    if len(stores) != 1:
        return None
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        value = getattr(node, "value", None)
        if target is stores[0] and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


@fuzz(300)
@given(modules())
def test_valid_python_is_read_like_python_reads_it(source: str) -> None:
    result = checked(source)
    assert isinstance(result, Migration) and result.recovered is None
    for name in REVISION_VARIABLES:
        expected = _only_plain_binding(source, name)
        if expected is not None:
            binding = result.binding(name)
            assert binding is not None and (binding.shape, binding.strings, binding.conditional) == (
                "str",
                (expected,),
                False,
            ), (name, source)


@pytest.mark.parametrize("module", ["json", "email", "asyncio", "unittest", "tomllib", "importlib"])
def test_the_standard_library_is_python_but_not_migrations(module: str) -> None:
    package = Path(__import__(module).__file__).parent  # type: ignore[arg-type]
    for path in sorted(package.rglob("*.py")):
        result = checked(path.read_bytes())
        assert isinstance(result, Migration) and result.revision is None, path


# -- recovery ------------------------------------------------------------------------------
GARBAGE = [
    "x = (\n", "<<<<<<< HEAD\n", "def upgrade(:\n    pass\n", '"""unterminated\n', "op.f(,)\n", "}\n",
    "class :\n", "if x\n", "\x00\n", "    indented = 1\n", "é = = 1\n", "print 'py2'\n", "lambda x: (yield)\n",
]  # fmt: skip


@st.composite
def migrations(draw: st.DrawFn) -> str:
    ids = st.sampled_from(["a1", "1b2c3d4e5f6g", "kilo", "django_0050", "2024_1_expand01", "None", "Ibac91d24da2"])
    variables = [
        f"revision = {draw(ids)!r}",
        f"down_revision = {draw(st.sampled_from([None, ('a1', 'b2'), ['c3'], 'kilo', ()]))!r}",
        f"branch_labels = {draw(st.sampled_from([None, 'None', ('expand',), 'feat']))!r}",
        f"depends_on = {draw(st.sampled_from([None, (), 'expand', ('a1',)]))!r}",
    ]
    header = draw(st.sampled_from(['"""msg\n\nRevision ID: a1\n"""\n', "", "# -*- coding: utf-8 -*-\n"]))
    typed = draw(st.booleans())
    if typed:
        variables = [v.replace(" = ", ": Union[str, Sequence[str], None] = ", 1) for v in variables]
    return header + "\n".join(variables) + "\n\n\ndef upgrade():\n    op.f()\n"


@fuzz(300)
@given(migrations(), st.sampled_from(GARBAGE), st.booleans())
def test_a_broken_tail_keeps_every_variable_before_it(source: str, garbage: str, in_body: bool) -> None:
    """A valid migration with a broken statement after its revision variables is recovered
    with exactly the variables the valid one has."""
    whole = source + garbage if not in_body else source + "    op.g(\n"
    assume(not python_parses(whole))
    clean, broken = checked(source), checked(whole)
    assert isinstance(clean, Migration) and isinstance(broken, Migration) and broken.recovered is not None
    for name in REVISION_VARIABLES:
        assert broken.binding(name) == clean.binding(name), name
    assert broken.header == clean.header


# -- the shapes that break parsers ------------------------------------------------------------
MIGRATION = 'revision = "a1"\ndown_revision = None\n'


@pytest.mark.parametrize(
    "source",
    [
        MIGRATION + "x = " + "(" * 100_000 + ")" * 100_000 + "\n",
        MIGRATION + "x = " + "[" * 5_000 + "\n",
        MIGRATION + "x = " + "-" * 1_000_000 + "1\n",
        MIGRATION + "x = a" + ".b" * 100_000 + "\n",
        MIGRATION + "if x:\n" + "".join(" " * i + "if x:\n" for i in range(1, 150)) + " " * 150 + "pass\n",
        MIGRATION + "def upgrade():\n" + "    x = {" * 2_000 + "\n",
        MIGRATION + 'X = "' + "x" * 10_000 + '"\n',  # one 10,000-character line
        MIGRATION + "X = " + " + ".join(["'a'"] * 3_000) + "\n",  # one long line of code
        "revision = 'a1'" + "\x00" * 10_000,
        MIGRATION + "\r" * 10_000 + "x = (\n",
        "\ufeff" * 3 + MIGRATION,
    ],
    ids=[
        "parentheses-100k",
        "open-brackets",
        "unary-1M",
        "attribute-chain",
        "indentation-150",
        "open-dicts-in-a-function",
        "line-10k",
        "long-code-line",
        "nul-bytes",
        "carriage-returns",
        "several-boms",
    ],
)
def test_deep_and_long_shapes(source: str) -> None:
    with at_most(120):
        checked(source)
        checked(source.encode("utf-8", "surrogatepass"))


TEN_MB_DOC = '"""' + ("lorem ipsum dolor sit amet, consectetur adipiscing elit " * 2 + "\n") * 90_000 + '"""\n'


@pytest.mark.parametrize("tail", ["", "x = (\n", "def upgrade(:\n"], ids=["valid", "broken-end", "broken-def"])
def test_a_10_mb_file(tail: str) -> None:
    source = (TEN_MB_DOC + MIGRATION + tail).encode()
    assert len(source) > 10_000_000
    with at_most(300):
        result = checked(source)
    assert isinstance(result, Migration) and result.revision is not None
    assert (result.recovered is None) == (tail == "")


def test_a_10_mb_file_broken_inside_its_first_string() -> None:
    source = (MIGRATION + TEN_MB_DOC[:-5]).encode()  # the docstring never ends
    with at_most(300):
        result = checked(source)
    assert isinstance(result, Migration) and result.recovered is not None and result.recovered.line == 3


# -- encodings ---------------------------------------------------------------------------
CODECS = sorted(set(encodings.aliases.aliases.values()) | {"utf_8_sig", "utf_16", "utf_32"})


def _encoded(text: str, codec: str) -> bytes:
    try:
        return text.encode(codec)
    except (UnicodeError, LookupError, TypeError):
        return text.encode("latin-1", "replace")


@pytest.mark.parametrize("codec", CODECS)
def test_every_encoding_cookie(codec: str) -> None:
    text = f'# -*- coding: {codec} -*-\n"""Caf\u00e9 na\u00efve"""\nrevision = "a\u00e91"\ndown_revision = None\n'
    for data in (_encoded(text, codec), text.encode("utf-8"), codecs.BOM_UTF8 + text.encode("utf-8")):
        result = checked(data)  # agrees with Python on whether it parses
        if isinstance(result, Migration) and result.recovered is None:
            expected = ast.parse(data).body[1].value.value  # type: ignore[attr-defined]
            assert result.revision is not None and result.revision.strings == (expected,)


@pytest.mark.parametrize("cookie", ["latin-1", "utf-16", "ascii", "cp1252", "utf-8", "UTF8", "uft-8", "hex"])
def test_a_bom_and_a_cookie_that_disagree(cookie: str) -> None:
    data = codecs.BOM_UTF8 + f"# coding: {cookie}\n{MIGRATION}".encode()
    result = checked(data)  # Python's verdict too: only "utf-8" itself agrees with a UTF-8 BOM
    if cookie == "utf-8":
        assert isinstance(result, Migration) and result.recovered is None
    else:
        assert isinstance(result, ParseFailure) and result.kind == "decode", result


def test_line_numbers_follow_pythons_line_ends_only() -> None:
    text = MIGRATION.replace("\n", "  # \x0c\x1c\x85\u2028 are no line ends\n")
    result = checked(text)
    assert isinstance(result, Migration) and result.lines == len(split_lines(text))


@pytest.mark.skipif(sys.version_info < (3, 12), reason="nested f-string quotes are Python 3.12 syntax")
def test_python_3_12_f_strings() -> None:
    checked(MIGRATION + 'x = f"{d["k"]} {f"{1}"}"\n')
