"""Recovering what a broken file still says (issue 10): the statements before a syntax error
(or around undecodable bytes) keep their revision variables; the rest is unread."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from alembic_lint import parse
from alembic_lint.diagnostics import Span
from alembic_lint.parse import Migration, ParseFailure, Recovery, parse_migration

PATH = Path("versions/c3.py")
HEAD = '"""add phone\n\nRevision ID: c3\nRevises: b2\n"""\nfrom alembic import op\n\n'


def recovered(source: str | bytes) -> Migration:
    result = parse_migration(PATH, source)
    assert isinstance(result, Migration) and result.recovered is not None, result
    return result


def values(migration: Migration) -> dict[str, tuple[str, ...] | None]:
    names = ("revision", "down_revision", "branch_labels", "depends_on")
    return {n: (b.shape, *b.strings) if (b := migration.binding(n)) else None for n in names}  # type: ignore[misc]


def test_an_error_in_upgrade_keeps_all_four_variables_and_the_header() -> None:
    source = HEAD + (
        'revision: str = "c3"\n'
        'down_revision: Union[str, Sequence[str], None] = ("a1", "b2")\n'
        'branch_labels = "feat"\n'
        "depends_on = None\n\n\n"
        "def upgrade():\n"
        '    op.add_column("users", sa.Column("phone", sa.String(, nullable=True))\n'
    )
    migration = recovered(source)
    assert values(migration) == {
        "revision": ("str", "c3"),
        "down_revision": ("tuple", "a1", "b2"),
        "branch_labels": ("str", "feat"),
        "depends_on": ("none",),
    }
    assert migration.recovered == Recovery(
        Span.point(15, 56),
        "syntax error: invalid syntax",
        14,  # from `def upgrade():` on, nothing is read
        frozenset(
            {"def", "upgrade", "op", "add_column", "users", "sa", "Column", "phone", "String", "nullable", "True"}
        ),
    )
    assert migration.header is not None and migration.header.message == "add phone"
    assert (migration.upgrade, migration.lines) == (None, 16)
    assert pickle.loads(pickle.dumps(migration)) == migration


def test_merge_conflict_markers_leave_the_down_revision_unknown() -> None:
    source = "revision = 'c3'\n<<<<<<< HEAD\ndown_revision = 'b2'\n=======\ndown_revision = 'a1'\n>>>>>>> other\n"
    migration = recovered(source)
    assert values(migration) == {
        "revision": ("str", "c3"),
        "down_revision": None,
        "branch_labels": None,
        "depends_on": None,
    }
    assert migration.recovered is not None
    assert (migration.recovered.span, migration.recovered.line) == (Span.point(2, 0), 2)
    assert migration.recovered.mentions == frozenset({"HEAD", "down_revision", "b2", "a1", "other"})


def test_a_bracket_left_open_is_found_by_a_second_attempt() -> None:
    # The parser stops at line 4; the prefix up to it still has the open `(` of line 2.
    source = 'revision = "c3"\ndown_revision = (\n"b2",\n"c3" "d4" 5\n)\n'
    migration = recovered(source)
    assert values(migration)["down_revision"] is None
    assert migration.recovered is not None and migration.recovered.line == 2


def test_an_unterminated_string_keeps_what_comes_before_it() -> None:
    source = 'revision = "c3"\ndown_revision = "b2"\nSQL = """\nSELECT 1\nFROM t\n'
    migration = recovered(source)
    assert (values(migration)["revision"], values(migration)["down_revision"]) == (("str", "c3"), ("str", "b2"))
    assert migration.recovered is not None and migration.recovered.line == 3


def test_null_bytes_keep_the_lines_before_them() -> None:
    migration = recovered("revision = 'a1'\r\ndown_revision = None\r\nx = 1\x00\n")
    assert values(migration)["down_revision"] == ("none",)
    assert migration.recovered is not None
    assert migration.recovered.message == "syntax error: source code string cannot contain null bytes"


@pytest.mark.parametrize(
    "source",
    [
        'revision = ("c3"\ndown_revision = "b2"\n',  # the error is in `revision` itself
        '"""add phone\n\nRevision ID: c3\nrevision = "c3"\n',  # an unterminated docstring swallows all
        "down_revision = 'b2'\nx = = 1\nrevision = 'c3'\n",  # `revision` comes after the error
        "def helper(:\n    pass\n",  # not a migration
        "\x89PNG\r\n\x1a\n",
    ],
)
def test_nothing_to_recover_is_a_parse_failure(source: str) -> None:
    assert isinstance(parse_migration(PATH, source), ParseFailure)


def test_undecodable_bytes_are_read_as_replacement_characters() -> None:
    source = '"""ajout du pr\xe9nom"""\nrevision = "c3"\ndown_revision = "b2"\n'.encode("latin-1")
    migration = recovered(source)
    assert migration.recovered == Recovery(
        Span.point(1, 14), "cannot decode byte 0xe9 as utf-8", 5, frozenset(), "decode"
    )  # all read
    assert values(migration)["down_revision"] == ("str", "b2")
    assert migration.header is not None and migration.header.message == "ajout du pr\ufffdnom"


def test_undecodable_bytes_in_a_revision_variable_recover_nothing() -> None:
    failure = parse_migration(PATH, b'revision = "c3"\ndown_revision = "b\xe92"\n')
    assert failure == ParseFailure(
        PATH,
        Span.point(2, 18),
        "cannot decode byte 0xe9 as utf-8",
        "decode",
        words=frozenset({"revision", "c3", "down_revision", "b\xe92"}),  # read as Latin-1
    )
    assert isinstance(failure, ParseFailure) and failure.may_be_migration


def test_bytes_that_do_not_decode_and_say_no_revision_are_no_migration() -> None:
    noise = parse_migration(PATH, bytes(range(128, 256)) * 3)
    assert isinstance(noise, ParseFailure) and noise.kind == "decode" and not noise.may_be_migration
    unread = parse.unreadable(PATH, PermissionError(13, "Permission denied"))
    assert unread.may_be_migration  # never read: it could be anything


def test_too_many_words_after_the_error_could_say_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "MAX_MENTIONS", 3)
    migration = recovered("revision = 'c3'\nx = (\none two three four\n")
    assert migration.recovered is not None and migration.recovered.mentions is None
    assert migration.recovered.could_name("anything")


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [("b2", True), ("2024_1_expand01", True), ("kilo", False), ("b2.kilo", False), ("b2.old", True), ("", True)],
)
def test_could_name_needs_every_word_of_the_id(identifier: str, expected: bool) -> None:
    recovery = Recovery(Span.point(1), "syntax error", 1, frozenset({"b2", "2024_1_expand01", "old"}))
    assert recovery.could_name(identifier) is expected


def test_a_recovered_migration_loads_from_the_cache_as_it_was() -> None:
    from alembic_lint.cache.unpickle import load_facts

    migration = recovered("revision = 'c3'\ndown_revision = ('b2'\n")
    assert load_facts(pickle.dumps(migration, protocol=pickle.HIGHEST_PROTOCOL)) == migration
