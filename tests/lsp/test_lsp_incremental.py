"""The server's diagnostics after any edits equal a fresh `lint.check` of the same texts.

The session keeps each file's findings and updates only what an edit touches
(alembic_lint_lsp/checker.py); here random edit sequences (typing, down_revision and
revision changes, branch labels and depends_on, `# noqa` comments added and removed, files
broken and fixed, files created and deleted on disk, buffers opened and closed, and
`get_down_revision()` files and `--diff-base`, which the server checks whole) go through the session, and
after every step what it published (its changes, and the edited buffers' diagnostics) is
compared, whole, with `check` run from scratch on the same texts, under several settings."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_support import script_dir, write

from alembic_lint.diagnostics import Diagnostic
from alembic_lint.dialect import folder_settings
from alembic_lint.discover import folder_for_file
from alembic_lint.lint import check, parse_files
from alembic_lint.parse import Parsed, parse_migration
from alembic_lint.settings import Settings
from alembic_lint_lsp import checker
from alembic_lint_lsp.session import Session

SLOTS = 6
IDS = ["r0", "r1", "r2", "r3", "r4", "r5"]
DOWNS = ["None", "'r0'", "'r1'", "'r2'", "'r3'", "('r1', 'r2')", "'missing'"] * 3 + ["get_down_revision(revision)"]
EXTRAS = ["", "", "branch_labels = ('feature',)", "depends_on = 'r1'", "depends_on = ('r9',)"]
BODIES = ["op.execute('SELECT 1')", "pass", "op.create_index('ix', 't', ['a'])", "op.drop_column('t', 'c')"]
NOQAS = ["", "", "  # noqa", "  # noqa: ALM002", "  # noqa: ALM001", "  # noqa: ALM101"]
SETTINGS = [
    Settings(),
    Settings(dialect="postgresql", extend_select=("ALM105",)),
    Settings(per_file_ignores=(("**/m1.py", ("ALM0",)),), rule_options=(("ALM001", (("severity", "warning"),)),)),
    Settings(ignore=("ALM900",), allow_irreversible=False),
]


def source(spec: dict[str, object]) -> str:
    """A migration from its parts (`header`: the Revision ID its docstring names)."""
    text = (
        f'"""m\n\nRevision ID: {spec["header"]}\n"""\nfrom alembic import op\n\n'
        f"revision = {spec['revision']!r}\ndown_revision = {spec['down']}{spec['noqa']}\n{spec['extra']}\n\n"
        f"def upgrade():\n    {spec['body']}\n\n\ndef downgrade():\n    {spec['down_body']}\n"
    )
    return text.replace("def downgrade():", "def downgrade(:") if spec["broken"] else text


specs = st.fixed_dictionaries(
    {
        "revision": st.sampled_from(IDS),
        "header": st.sampled_from(IDS),
        "down": st.sampled_from(DOWNS),
        "noqa": st.sampled_from(NOQAS),
        "extra": st.sampled_from(EXTRAS),
        "body": st.sampled_from(BODIES),
        "down_body": st.sampled_from(["pass", "op.execute('SELECT 2')"]),
        "broken": st.sampled_from([False, False, False, True]),
    }
)
KINDS = ["type", "type", "down", "down", "noqa", "break", "revision", "extra", "header"]
KINDS += ["close", "disk", "create", "delete"]
edits = st.tuples(st.integers(0, SLOTS - 1), st.sampled_from(KINDS), specs)


def fresh_check(texts: dict[Path, str], any_file: Path, chosen: Settings) -> dict[Path, tuple[Diagnostic, ...]]:
    """`check` from scratch: the folder as listed on disk, buffers' texts over the files'."""
    folder = folder_for_file(any_file)
    assert folder is not None
    parsed: list[Parsed] = [
        parse_migration(path, texts[path]) if path in texts else parse_files([path])[0] for path in folder.files
    ]
    _, diagnostics = check(parsed, folder_settings(chosen, folder), root=folder.root)
    grouped: dict[Path, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        grouped.setdefault(diagnostic.path, []).append(diagnostic)
    return {path: tuple(items) for path, items in grouped.items()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_published_diagnostics_equal_a_fresh_check_after_every_edit(data: st.DataObject) -> None:
    chosen = data.draw(st.sampled_from([*SETTINGS, *SETTINGS, None]))
    initial = data.draw(st.lists(specs, min_size=1, max_size=SLOTS))
    with tempfile.TemporaryDirectory() as tmp:
        versions = script_dir(Path(tmp).resolve())
        paths = [versions / f"m{slot}.py" for slot in range(SLOTS)]
        if chosen is None:  # `--diff-base`: only some files' file-rule findings (the server checks it whole)
            chosen = Settings(report_files=(paths[0], paths[2]))
        disk: dict[int, dict[str, object]] = {}
        for slot, spec in enumerate(initial):
            disk[slot] = spec
            paths[slot].write_text(source(spec))
        buffers: dict[int, dict[str, object]] = {}
        session = Session(lambda path: chosen)
        published: dict[Path, tuple[Diagnostic, ...]] = {}

        def lint() -> None:
            for changed, touched in session.lint_dirty():
                published.update(changed)
                published.update((path, session.diagnostics_of(path)) for path in touched if path not in changed)
            texts = {paths[slot]: source(spec) for slot, spec in buffers.items()}
            expected = fresh_check(texts, paths[next(iter(disk))], chosen)
            assert {path: items for path, items in published.items() if items} == expected

        buffers[0] = dict(disk[0])
        session.open(paths[0], source(buffers[0]))
        lint()
        for slot, kind, drawn in data.draw(st.lists(edits, max_size=20)):
            if kind in ("create", "delete", "disk"):
                if kind == "delete" and (slot not in disk or slot in buffers or len(disk) == 1):
                    continue
                if kind == "disk" and (slot not in disk or slot in buffers):
                    continue
                if kind == "delete":
                    del disk[slot]
                    paths[slot].unlink()
                else:
                    disk[slot] = drawn
                    paths[slot].write_text(source(drawn))
                session.disk_changed(paths[slot])
            elif kind == "close":
                if slot in buffers:
                    del buffers[slot]
                    session.close(paths[slot])
            elif slot in disk:
                opened = slot in buffers
                spec = buffers.setdefault(slot, dict(disk[slot]))
                if kind == "type":
                    spec["body"] = drawn["body"]
                elif kind == "break":
                    spec["broken"] = not spec["broken"]
                else:
                    spec[kind] = drawn[kind]
                if opened:
                    session.change(paths[slot], source(spec))
                else:
                    session.open(paths[slot], source(spec))
            lint()


def test_an_edit_checks_the_edited_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typing, and editing down_revision, run the file rules and the suppression step on the
    edited file alone (and on the files whose graph findings changed); the rest is kept."""
    versions = script_dir(tmp_path)
    write(versions, "a1", None)
    for index in range(2, 8):
        write(versions, f"a{index}", f"a{index - 1}")
    b8 = write(versions, "b8", "a7", body="    op.execute('SELECT 1')  " + "# noqa")
    ruled: list[str] = []
    assembled: list[str] = []
    original_findings, original_suppress = checker.file_findings, checker.suppress_file

    def findings(item: Parsed, *args: object) -> list[Diagnostic]:
        ruled.append(item.path.name)
        return original_findings(item, *args)  # type: ignore[arg-type]

    def suppress(path: Path, *args: object) -> list[Diagnostic]:
        assembled.append(path.name)
        return original_suppress(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(checker, "file_findings", findings)
    monkeypatch.setattr(checker, "suppress_file", suppress)
    session = Session(lambda path: Settings())
    state = session.open(b8, b8.read_text())
    assert state is not None
    session.lint(state)
    assert sorted(ruled) == [f"a{i}.py" for i in range(1, 8)] + ["b8.py"]
    ruled.clear()
    assembled.clear()
    session.change(b8, b8.read_text().replace("SELECT 1", "SELECT 12"))
    assert session.lint(state) == {}
    assert (ruled, assembled) == (["b8.py"], ["b8.py"])  # b8's unused blanket noqa (ALM900): again
    ruled.clear()
    assembled.clear()
    session.change(b8, b8.read_text().replace("'a7'", "'a3'"))  # a second head: a7 gets a finding
    assert sorted(session.lint(state)) == [versions / "a7.py", b8]
    assert (ruled, sorted(assembled)) == (["b8.py"], ["a7.py", "b8.py"])
    assert (state.checker.whole, state.checker.partial) == (1, 2)
