"""The mechanical fixes of the operation-safety rules, as plain edits (always unsafe: they
change how a migration runs). Built from the positions parse.py kept (`Operation.site`);
a call that is not alone on its lines, or sits in a batch block, gets no fix."""

from __future__ import annotations

from alembic_lint.diagnostics import Edit, Fix, Span
from alembic_lint.operations import Operation

INDENT = "    "


def _inner(indent: str) -> str:
    """One level deeper than `indent`, in its own style (tabs stay tabs)."""
    return indent + ("\t" if "\t" in indent else INDENT)


def wrap_in_autocommit(operation: Operation) -> list[Edit] | None:
    """Edits that put the call's statement inside `with op.get_context().autocommit_block():`."""
    site = operation.site
    if site is None or site.statement is None or operation.via != "op":
        return None
    statement = site.statement
    inner = _inner(site.indent)
    edits = [
        Edit(
            Span.point(statement.line, statement.col),
            f"with {operation.receiver}.get_context().autocommit_block():\n{inner}",
        )
    ]
    if not site.multiline_string:  # inside brackets the extra indentation is cosmetic, inside a string it is not
        extra = inner[len(site.indent) :]
        edits.extend(Edit(Span.point(line, 0), extra) for line in range(statement.line + 1, statement.end_line + 1))
    return edits


def add_keyword(operation: Operation, keyword: str) -> Edit | None:
    """An edit that passes `keyword=True` after the last argument (None when the keyword is
    already passed, or `**kw` might hold it)."""
    site = operation.site
    if site is None or site.arguments_end is None:
        return None
    if any(name in (keyword, "**") for name, _ in operation.keywords):
        return None
    return Edit(site.arguments_end, f", {keyword}=True")


def concurrently(operation: Operation, title: str) -> Fix | None:
    """`postgresql_concurrently=True`, and the statement wrapped in autocommit_block()."""
    edits: list[Edit] = []
    keyword = add_keyword(operation, "postgresql_concurrently")
    if keyword is None or operation.via != "op":
        return None
    edits.append(keyword)
    if not operation.autocommit:
        wrap = wrap_in_autocommit(operation)
        if wrap is None:
            return None
        edits.extend(wrap)
    return Fix(title, tuple(sorted(edits, key=lambda e: e.span)), "unsafe")


def autocommit(operation: Operation, title: str = "Run it inside autocommit_block()") -> Fix | None:
    wrap = wrap_in_autocommit(operation)
    return None if wrap is None else Fix(title, tuple(sorted(wrap, key=lambda e: e.span)), "unsafe")


def _identifier(name: str) -> str:
    """A name as SQL needs it: quoted unless it is a plain lower-case identifier."""
    if name.isidentifier() and name == name.lower() and name.isascii():
        return name
    return '"' + name.replace('"', '""') + '"'


def not_valid_then_validate(operation: Operation, table: str, constraint: str, schema: str | None) -> Fix | None:
    """`postgresql_not_valid=True`, then `VALIDATE CONSTRAINT` in autocommit_block() right
    after: the lock of ADD CONSTRAINT ends with its transaction, the validation then scans
    the table under a lock that lets reads and writes through."""
    site = operation.site
    keyword = add_keyword(operation, "postgresql_not_valid")
    if keyword is None or site is None or site.statement is None or operation.via != "op":
        return None
    target = f"{_identifier(schema)}.{_identifier(table)}" if schema else _identifier(table)
    sql = f"ALTER TABLE {target} VALIDATE CONSTRAINT {_identifier(constraint)}"
    inner = _inner(site.indent)
    receiver = operation.receiver
    step = f"\n{site.indent}with {receiver}.get_context().autocommit_block():\n{inner}{receiver}.execute({sql!r})"
    end = Span.point(site.statement.end_line, site.statement.end_col)
    return Fix(
        f"Add it NOT VALID, then VALIDATE CONSTRAINT {constraint} in autocommit_block()",
        tuple(sorted([keyword, Edit(end, step)], key=lambda e: e.span)),
        "unsafe",
    )
