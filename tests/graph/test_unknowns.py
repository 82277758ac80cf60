"""Per-finding reasoning about what the graph could not read (alembic_lint/graph/unknowns.py):
a broken file holds back only the findings its unread part could change, and says so; a
computed value holds back what it could change; nothing else silences anything."""

from __future__ import annotations

from pathlib import Path

from alembic_lint.lint import check
from alembic_lint.parse import parse_migration
from alembic_lint.settings import Settings

ROOT = Path("/p/versions")
BODY = "\n\ndef upgrade():\n    op.execute('SELECT 1')\n\n\ndef downgrade():\n    op.execute('SELECT 1')\n"
HEADS = "`alembic upgrade head` will fail; set down_revision to the latest head or run `alembic merge heads`"


def mig(revision: str, down: object, labels: object = None, depends: object = None) -> str:
    return f"revision = {revision!r}\ndown_revision = {down!r}\nbranch_labels = {labels!r}\ndepends_on = {depends!r}\n"


def lint(files: dict[str, str], select: str = "ALM0") -> list[str]:
    parsed = [parse_migration(ROOT / name, text) for name, text in files.items()]
    _, diagnostics = check(parsed, Settings(select=(select,)), root=ROOT)
    return [f"{d.path.name}:{d.span.line}:{d.span.col + 1}: {d.code} {d.message}" for d in diagnostics]


def head(nid: str, *others: str, note: str = "") -> str:
    return f"revision {nid!r} is a head alongside {', '.join(map(repr, others))}: {HEADS}{note}"


LINEAR = {"a1.py": mig("a1", None) + BODY, "b2.py": mig("b2", "a1") + BODY}


def test_an_error_after_the_revision_variables_changes_nothing() -> None:
    broken = mig("c3", "a1") + "\n\ndef upgrade():\n    op.add_column('t', sa.Column('c', sa.Text()\n"
    assert lint({**LINEAR, "c3.py": broken}, select="ALL") == [
        f"b2.py:1:12: ALM001 {head('b2', 'c3')}",
        f"c3.py:1:12: ALM001 {head('c3', 'b2')}",
        "c3.py:8:33: ALM000 syntax error: '(' was never closed",  # and no ALM101/ALM103 on it
    ]


def test_an_unknown_down_revision_that_could_name_a_head_holds_the_finding_back() -> None:
    broken = "revision = 'c3'\n<<<<<<< HEAD\ndown_revision = 'b2'\n=======\ndown_revision = 'a1'\n>>>>>>> x\n"
    note = " (held back: c3.py has a syntax error at line 2, its down_revision is unknown)"
    assert lint({**LINEAR, "c3.py": broken}) == [
        f"b2.py:1:12: ALM001 {head('b2', 'c3', note=note)}",
        f"c3.py:1:12: ALM001 {head('c3', 'b2', note=note)}",
        "c3.py:2:1: ALM000 syntax error: invalid syntax",
    ]


def test_a_head_whose_own_down_revision_is_unknown_is_held_back() -> None:
    # Being typed: `a1` is no head, but c3's down_revision may yet name nothing, and then the
    # one finding would be that, not two heads.
    broken = "revision = 'c3'\ndown_revision = ('a1'\n"
    note = " (held back: c3.py has a syntax error at line 2, its down_revision is unknown)"
    assert lint({**LINEAR, "c3.py": broken}) == [
        f"b2.py:1:12: ALM001 {head('b2', 'c3', note=note)}",
        f"c3.py:1:12: ALM001 {head('c3', 'b2', note=note)}",
        "c3.py:2:17: ALM000 syntax error: '(' was never closed",
    ]
    # Below another head, the same: b2 is above c3, whose parent may be missing.
    files = {"a1.py": mig("a1", None) + BODY, "c3.py": broken, "b2.py": mig("b2", "c3") + BODY}
    files["d4.py"] = mig("d4", "a1") + BODY
    assert lint(files)[0] == f"b2.py:1:12: ALM001 {head('b2', 'd4', note=note)}"


def test_a_dangling_down_revision_is_reported_beside_a_broken_file() -> None:
    # d4's id is known, so it cannot be the missing zz9; it may revise b2, so b2's head waits.
    files = {**LINEAR, "c3.py": mig("c3", "zz9") + BODY, "d4.py": "revision = 'd4'\ndown_revision = ('b2'\n"}
    note = " (held back: d4.py has a syntax error at line 2, its down_revision is unknown)"
    assert lint(files) == [
        f"b2.py:1:12: ALM001 {head('b2', 'd4', note=note)}",
        "c3.py:2:17: ALM002 down_revision 'zz9' names no revision in this folder; point it at an existing "
        "revision (None for a base)",
        f"d4.py:1:12: ALM001 {head('d4', 'b2', note=note)}",
        "d4.py:2:17: ALM000 syntax error: '(' was never closed",
    ]


def test_files_with_no_recoverable_revision_hide_nothing() -> None:
    files = {
        **LINEAR,
        "c3.py": mig("c3", "a1") + BODY,
        "noise.py": "\x00\x01 garbage ((",
        "utils.py": "def helper():\n    return 1\n",  # a helper module: ALM008, and nothing more
    }
    assert lint(files) == [
        f"b2.py:1:12: ALM001 {head('b2', 'c3')}",
        f"c3.py:1:12: ALM001 {head('c3', 'b2')}",
        "noise.py:1:1: ALM000 syntax error: source code string cannot contain null bytes",
        'utils.py:1:1: ALM008 no `revision` variable: alembic cannot load this file; declare `revision = "<id>"`',
    ]


def test_a_computed_revision_id_could_be_anything_so_heads_and_dangling_ids_wait() -> None:
    files = {**LINEAR, "c3.py": mig("c3", "a1") + BODY, "d4.py": mig("d4", "zz9") + BODY}
    files["x.py"] = "revision = make_id()\ndown_revision = 'a1'\n" + BODY
    assert [line.split(": ", 2)[1][:6] for line in lint(files)] == ["ALM009"]


def test_a_computed_down_revision_holds_back_heads_but_not_a_dangling_reference() -> None:
    files = {**LINEAR, "c3.py": mig("c3", "a1") + BODY, "d4.py": mig("d4", "zz9") + BODY}
    files["x.py"] = "revision = 'x9'\ndown_revision = previous()\n" + BODY
    assert [line.split(": ", 2)[1][:6] for line in lint(files)] == ["ALM002", "ALM009"]


def test_a_missing_dependency_the_broken_file_could_declare_as_a_label() -> None:
    files = {**LINEAR, "c3.py": mig("c3", "b2", depends="feat") + BODY}
    files["d4.py"] = "revision = 'd4'\ndown_revision = 'c3'\nx = (\nbranch_labels = ('feat',)\n"
    assert lint(files) == [
        "c3.py:4:14: ALM006 depends_on 'feat' names no revision or branch label; name an existing revision id or "
        "branch label (held back: d4.py has a syntax error at line 3, its branch_labels is unknown)",
        "d4.py:3:5: ALM000 syntax error: '(' was never closed",
    ]
    files["d4.py"] = "revision = 'd4'\ndown_revision = 'c3'\nx = (\n"  # no label can come from it
    assert lint(files)[0].endswith("name an existing revision id or branch label")


def test_two_bases_wait_only_for_labels_the_broken_file_could_still_declare() -> None:
    files = {**LINEAR, "x1.py": mig("x1", None) + BODY, "c3.py": "revision = 'c3'\ndown_revision = 'b2'\nx = (\n"}
    base = "is a base alongside {}; set its down_revision to the revision it follows, or give each root its own "
    expected = [
        f"a1.py:2:17: ALM005 revision 'a1' {base.format(repr('x1'))}branch label",
        f"c3.py:1:12: ALM001 {head('c3', 'x1')}",
        "c3.py:3:5: ALM000 syntax error: '(' was never closed",
        f"x1.py:1:12: ALM001 {head('x1', 'c3')}",
        f"x1.py:2:17: ALM005 revision 'x1' {base.format(repr('a1'))}branch label",
    ]
    assert lint(files) == expected
    files["c3.py"] += "branch_labels = ('x',)\n"  # now it could still declare a label
    note = " (held back: c3.py has a syntax error at line 3, its branch_labels is unknown)"
    assert lint(files) == [line if "ALM000" in line else line + note for line in expected]


def test_in_a_folder_with_labels_an_unknown_place_that_could_attach_holds_heads_back() -> None:
    files = {**LINEAR, "c3.py": mig("c3", "a1", labels="feat") + BODY, "d4.py": mig("d4", "a1") + BODY}
    files["e5.py"] = "revision = 'e5'\ndown_revision = ('c3'\n"  # it could inherit `feat` from c3
    note = " (held back: e5.py has a syntax error at line 2, its down_revision is unknown)"
    assert lint(files) == [
        f"b2.py:1:12: ALM001 {head('b2', 'c3', 'd4', 'e5', note=note)}",
        f"c3.py:1:12: ALM001 {head('c3', 'b2', 'd4', 'e5', note=note)}",  # e5 may revise c3, too
        f"d4.py:1:12: ALM001 {head('d4', 'b2', 'c3', 'e5', note=note)}",
        f"e5.py:1:12: ALM001 {head('e5', 'b2', 'c3', 'd4', note=note)}",
        "e5.py:2:17: ALM000 syntax error: '(' was never closed",
    ]


def test_invalid_files_alembic_refuses_hide_no_head() -> None:
    """Issue 9: ALM008 used to switch ALM001/ALM002 off for the folder."""
    files = {**LINEAR, "c3.py": mig("c3", "a1") + BODY, "x.py": "revision = 'x1'\n" + BODY}
    files["y.py"] = "revision = 123\ndown_revision = 'a1'\n" + BODY
    assert [line.split(": ", 2)[1][:6] + " " + line.split(":")[0] for line in lint(files)] == [
        "ALM001 b2.py",
        "ALM001 c3.py",
        "ALM008 x.py",
        "ALM008 y.py",
    ]


# Found by tests/robustness/test_graph_fuzz.py: findings that hang on whose a branch label is.
CONFLICTED = "revision = 'a1'\n<<<<<<< HEAD\ndown_revision = None\nbranch_labels = ('expand',)\n=======\n>>>>>>> x\n"
LABEL_NOTE = " (held back: a1.py has a syntax error at line 2, its branch_labels is unknown)"


def test_a_self_dependency_through_a_label_a_broken_file_may_own_is_held_back() -> None:
    files = {"a1.py": CONFLICTED, "b2.py": mig("b2", None, labels="expand", depends="expand") + BODY}
    assert lint(files)[-1] == (
        "b2.py:4:14: ALM008 depends_on 'expand' is this revision's own branch label, so it depends on itself; "
        f"remove it from depends_on{LABEL_NOTE}"
    )


def test_a_dependency_cycle_through_a_label_a_broken_file_may_own_is_held_back() -> None:
    files = {"a1.py": CONFLICTED, "b2.py": mig("b2", None, depends="expand") + BODY}
    files["c3.py"] = mig("c3", "b2", labels="expand") + BODY
    fix = "point one depends_on in it at a revision outside the cycle"
    assert lint(files) == [
        "a1.py:2:1: ALM000 syntax error: invalid syntax",
        f"b2.py:4:14: ALM004 revision 'b2' is in a dependency cycle (b2 -> c3 -> b2, following depends_on); {fix}"
        + LABEL_NOTE,
        f"c3.py:2:17: ALM004 revision 'c3' is in a dependency cycle (c3 -> b2 -> c3, following depends_on); {fix}"
        + LABEL_NOTE,
    ]


def test_a_self_loop_in_a_broken_file_still_hides_the_heads_above_it() -> None:
    """One root cause, one finding, whether or not the file also has a syntax error further on."""
    files = {"a1.py": mig("a1", None) + BODY, "b2.py": mig("b2", "b2") + "\ndef upgrade(:\n"}
    files |= {"c3.py": mig("c3", "b2") + BODY, "d4.py": mig("d4", "a1") + BODY}
    assert lint(files) == [
        "b2.py:2:17: ALM008 revision 'b2' names itself as its down_revision; point it at the revision it follows",
        "b2.py:6:13: ALM000 syntax error: invalid syntax",
    ]


def test_a_file_that_cannot_be_read_holds_back_what_it_could_change() -> None:
    """Its content is unknown: it may be the missing revision, or revise a head."""
    from alembic_lint.parse import unreadable

    files = {**LINEAR, "c3.py": mig("c3", "a1") + BODY, "d4.py": mig("d4", "zz9") + BODY}
    parsed = [parse_migration(ROOT / name, text) for name, text in files.items()]
    parsed.append(unreadable(ROOT / "zz9_gone.py", FileNotFoundError(2, "No such file or directory")))
    _, diagnostics = check(parsed, Settings(select=("ALM0",)), root=ROOT)
    note = " (held back: zz9_gone.py could not be read, its {} unknown)"
    assert [(d.path.name, d.code, d.message) for d in diagnostics] == [
        ("b2.py", "ALM001", head("b2", "c3", note=note.format("revision and branch_labels are"))),
        ("c3.py", "ALM001", head("c3", "b2", note=note.format("revision and branch_labels are"))),
        (
            "d4.py",
            "ALM002",
            "down_revision 'zz9' names no revision in this folder; point it at an existing revision (None for a base)"
            + note.format("revision is"),
        ),
        ("zz9_gone.py", "ALM011", "cannot read file: No such file or directory"),
    ]


def test_bytes_that_do_not_decode_and_declare_no_revision_hide_nothing() -> None:
    files: dict[str, str | bytes] = {**LINEAR, "c3.py": mig("c3", "a1") + BODY, "logo.py": bytes(range(128, 256))}
    parsed = [parse_migration(ROOT / name, text) for name, text in files.items()]
    _, diagnostics = check(parsed, Settings(select=("ALM0",)), root=ROOT)
    assert [(d.path.name, d.code, d.message) for d in diagnostics] == [
        ("b2.py", "ALM001", head("b2", "c3")),
        ("c3.py", "ALM001", head("c3", "b2")),
        ("logo.py", "ALM011", "cannot decode byte 0x80 as utf-8"),
    ]
