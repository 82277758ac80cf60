"""ALM101/ALM102: write `downgrade()` as upgrade()'s operations undone, last one first.

Known inverses: create_table/drop_table, add_column/drop_column, create_index/drop_index,
create_foreign_key, create_unique_constraint, create_check_constraint and create_primary_key
/drop_constraint (with the right `type_`), rename_table both ways, alter_column when each
changed attribute has its `existing_*` (they swap), and `batch_alter_table` blocks made of
those. When any operation has no inverse (a drop, `execute`, anything else), the body is a
`raise NotImplementedError("...")` naming them. libcst edits the file: the new code takes the
file's indentation, newline and quote style; every argument is copied as it was written, and
nothing outside the function body changes. Unsafe: a person reviews it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic_lint.diagnostics import Edit, Fix
from alembic_lint.fix.context import FixContext, Resolved, Unresolved
from alembic_lint.fix.recipes import WriteDowngrade
from alembic_lint.fix.text import replacement_span

# create_* operation -> the drop_constraint type_ that undoes it
_CONSTRAINTS = {
    "create_foreign_key": "foreignkey",
    "create_unique_constraint": "unique",
    "create_check_constraint": "check",
    "create_primary_key": "primary",
}
# alter_column: the attribute changed -> the argument saying what it was
_ALTERED = {
    "type_": "existing_type",
    "nullable": "existing_nullable",
    "server_default": "existing_server_default",
    "comment": "existing_comment",
}
_ALTER_KNOWN = {"table_name", "column_name", "new_column_name", "schema", *_ALTERED, *_ALTERED.values()}


OTHER = ""  # in the list of what has no inverse: a statement that is not an op.* call


def _no_inverse(missing: Sequence[str]) -> str:
    """`no automatic inverse for op.execute, op.drop_column; upgrade() also runs other code`."""
    operations = [name for name in dict.fromkeys(missing) if name != OTHER]
    text = f"no automatic inverse for {', '.join(operations)}" if operations else "no automatic inverse"
    if OTHER in missing:
        text += (
            "; upgrade() also runs code other than op.* operations"
            if operations
            else (": upgrade() runs code other than op.* operations")
        )
    return text


class NoInverse(Exception):
    """An operation (named by the message) that cannot be undone from what upgrade() says."""


@dataclass
class _Style:
    quote: str

    def string(self, text: str) -> Any:
        import libcst as cst

        return cst.SimpleString(f"{self.quote}{text}{self.quote}")


def _cst() -> Any:
    import libcst

    return libcst


def _name(node: Any) -> str:
    """A dotted name (`op.create_table`), or "" for anything else."""
    cst = _cst()
    if isinstance(node, cst.Name):
        return str(node.value)
    if isinstance(node, cst.Attribute):
        base = _name(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def _bind(call: Any, params: Sequence[str]) -> dict[str, Any]:
    """Arguments by parameter name: positional ones in `params` order, then keywords."""
    out: dict[str, Any] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            raise NoInverse(_name(call.func) or "a call")
        if arg.keyword is not None:
            out[arg.keyword.value] = arg.value
        elif position < len(params):
            out[params[position]] = arg.value
            position += 1
        else:
            out.setdefault("*", arg.value)
    return out


def _arg(value: Any, keyword: str | None = None) -> Any:
    cst = _cst()
    if keyword is None:
        return cst.Arg(value=value)
    no_space = cst.SimpleWhitespace("")
    return cst.Arg(
        value=value,
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
    )


def _call(target: Any, method: str, args: list[Any]) -> Any:
    cst = _cst()
    return cst.Call(func=cst.Attribute(value=target, attr=cst.Name(method)), args=args)


def _column_name(node: Any, what: str) -> Any:
    """The name argument of `sa.Column("email", ...)`."""
    cst = _cst()
    if isinstance(node, cst.Call) and _name(node.func).split(".")[-1] == "Column":
        first = next((a for a in node.args if a.keyword is None and not a.star), None)
        if first is not None and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
            return first.value
        named = next((a for a in node.args if a.keyword is not None and a.keyword.value == "name"), None)
        if named is not None:
            return named.value
    raise NoInverse(f"{what} (its column has no literal name)")


def invert(call: Any, target: Any, batch: bool, style: _Style) -> Any:
    """The call that undoes `call` (`op.X(...)`, or `batch_op.X(...)` when `batch`)."""
    method = call.func.attr.value
    shown = f"{_name(call.func)}"
    table = [] if batch else ["table_name"]
    keep: list[Any] = []

    def keyword(args: dict[str, Any], source: str, into: str | None = None) -> None:
        if source in args:
            keep.append(_arg(args[source], into or source))

    if method == "create_table" and not batch:
        args = _bind(call, ["table_name"])
        keyword(args, "schema")
        return _call(target, "drop_table", [_arg(args["table_name"]), *keep])
    if method == "add_column":
        args = _bind(call, [*table, "column"])
        if "column" not in args:
            raise NoInverse(shown)
        keyword(args, "schema")
        if "if_not_exists" in args:
            keyword(args, "if_not_exists", "if_exists")
        head = [] if batch else [_arg(args["table_name"])]
        return _call(target, "drop_column", [*head, _arg(_column_name(args["column"], shown)), *keep])
    if method == "create_index":
        args = _bind(call, ["index_name", *table, "columns"])
        head = [_arg(args["index_name"])]
        if not batch:
            head.append(_arg(args["table_name"], "table_name"))
        keyword(args, "schema")
        keyword(args, "if_not_exists", "if_exists")
        for name in [n for n in args if n.endswith("_concurrently")]:
            keyword(args, name)
        return _call(target, "drop_index", [*head, *keep])
    if method in _CONSTRAINTS:
        args = _bind(
            call, ["constraint_name", *([] if batch else ["source_table" if "foreign" in method else "table_name"])]
        )
        head = [_arg(args["constraint_name"])]
        if not batch:
            head.append(_arg(args["source_table" if "foreign" in method else "table_name"]))
        head.append(_arg(style.string(_CONSTRAINTS[method]), "type_"))
        keyword(args, "source_schema" if "foreign" in method else "schema", "schema")
        return _call(target, "drop_constraint", [*head, *keep])
    if method == "rename_table" and not batch:
        args = _bind(call, ["old_table_name", "new_table_name"])
        keyword(args, "schema")
        return _call(target, "rename_table", [_arg(args["new_table_name"]), _arg(args["old_table_name"]), *keep])
    if method == "alter_column":
        return _invert_alter(call, target, batch, shown)
    raise NoInverse(shown)


def _invert_alter(call: Any, target: Any, batch: bool, shown: str) -> Any:
    args = _bind(call, ["column_name"] if batch else ["table_name", "column_name"])
    unknown = sorted(set(args) - _ALTER_KNOWN)
    if unknown or "column_name" not in args:
        raise NoInverse(f"{shown} ({', '.join(unknown)})" if unknown else shown)
    head = [] if batch else [_arg(args["table_name"])]
    column = args.get("new_column_name", args["column_name"])
    out = [*head, _arg(column)]
    changed = False
    for arg in call.args:
        name = arg.keyword.value if arg.keyword is not None else None
        if name in _ALTERED:
            before = _ALTERED[name]
            if before not in args:
                raise NoInverse(f"{shown} (changes {name} without {before})")
            out.append(_arg(args[before], name))
            changed = True
        elif name in _ALTERED.values():
            after = next(k for k, v in _ALTERED.items() if v == name)
            out.append(_arg(args[after] if after in args else args[name], name))
        elif name == "new_column_name":
            out.append(_arg(args["column_name"], "new_column_name"))
            changed = True
        elif name == "schema":
            out.append(_arg(args["schema"], "schema"))
    if not changed:
        raise NoInverse(f"{shown} (changes nothing it names)")
    return _call(target, "alter_column", out)


def _is_docstring(statement: Any) -> bool:
    cst = _cst()
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_nothing(statement: Any) -> bool:
    cst = _cst()
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Pass) or (isinstance(s, cst.Expr) and isinstance(s.value, cst.Ellipsis))
        for s in statement.body
    )


def inverse_statements(body: Sequence[Any], style: _Style) -> tuple[list[Any], list[str], int]:
    """The statements undoing `body` in reverse order, the operations without an inverse, and
    how many operations were inverted."""
    cst = _cst()
    out: list[Any] = []
    missing: list[str] = []
    count = 0
    for statement in body:
        if _is_docstring(statement) or _is_nothing(statement):
            continue
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.Expr)
                    and isinstance(small.value, cst.Call)
                    and _name(small.value.func).startswith("op.")
                ):
                    try:
                        out.append(
                            cst.SimpleStatementLine(
                                [cst.Expr(invert(small.value, small.value.func.value, False, style))]
                            )
                        )
                        count += 1
                    except NoInverse as exc:
                        missing.append(str(exc))
                else:
                    missing.append(OTHER)
            continue
        if isinstance(statement, cst.With) and _is_batch(statement):
            alias = statement.items[0].asname.name
            inner: list[Any] = []
            for line in statement.body.body:
                if _is_docstring(line) or _is_nothing(line):
                    continue
                if not isinstance(line, cst.SimpleStatementLine):
                    missing.append(OTHER)
                    continue
                for small in line.body:
                    if (
                        isinstance(small, cst.Expr)
                        and isinstance(small.value, cst.Call)
                        and isinstance(small.value.func, cst.Attribute)
                        and _name(small.value.func.value) == alias.value
                    ):
                        try:
                            inner.append(cst.SimpleStatementLine([cst.Expr(invert(small.value, alias, True, style))]))
                            count += 1
                        except NoInverse as exc:
                            missing.append(str(exc))
                    else:
                        missing.append(OTHER)
            if inner:
                block = statement.with_changes(
                    body=statement.body.with_changes(body=list(reversed(inner)), footer=[]), leading_lines=[]
                )
                out.append(block)
            continue
        missing.append(OTHER)
    return list(reversed(out)), missing, count


def _is_batch(statement: Any) -> bool:
    items = statement.items
    return (
        len(items) == 1
        and items[0].asname is not None
        and isinstance(items[0].asname.name, _cst().Name)
        and isinstance(items[0].item, _cst().Call)
        and _name(items[0].item.func) == "op.batch_alter_table"
    )


def _quote(module: Any, function: Any) -> str:
    """The quote the file writes strings with (its first short string's)."""
    cst = _cst()
    found: list[str] = []

    class Strings(cst.CSTVisitor):  # type: ignore[misc]
        def visit_SimpleString(self, node: Any) -> None:
            text = node.value.lstrip("rbuRBU")
            if not text.startswith(('"""', "'''")):
                found.append(text[0])

    function.visit(Strings())
    if not found:
        module.visit(Strings())
    return found[0] if found else '"'


def _top_function(module: Any, name: str) -> tuple[int, Any] | None:
    """The last module-level `def name()` (the one alembic would call), with its index."""
    cst = _cst()
    found = None
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            found = (index, statement)
    return found


def write_downgrade(recipe: WriteDowngrade, path: Path, ctx: FixContext) -> Resolved | Unresolved:
    text = ctx.files.text(path)
    if text is None:
        return Unresolved(f"cannot read {path}")
    try:
        cst = _cst()
    except ImportError:
        return Unresolved("writing a downgrade needs libcst: pip install 'alembic-lint[fix]'")
    try:
        module = cst.parse_module(text)
    except Exception as exc:  # libcst's ParserSyntaxError: the engine never touches such a file anyway
        return Unresolved(f"libcst cannot parse {path.name}: {str(exc).splitlines()[0]}")
    upgrade = _top_function(module, "upgrade")
    if upgrade is None:
        return Unresolved("no module-level upgrade() to invert")
    style = _Style(_quote(module, upgrade[1]))
    statements, missing, count = inverse_statements(upgrade[1].body.body, style)
    if not missing and not count:
        return Unresolved("upgrade() has no operation to invert")
    if missing:
        reason = _no_inverse(missing)
        message = reason.replace("\\", "\\\\").replace(style.quote, "\\" + style.quote)
        raise_ = cst.parse_statement(f"raise NotImplementedError({style.quote}{message}{style.quote})")
        statements = [raise_]
        title = f"Make downgrade() raise NotImplementedError ({reason})"
    else:
        title = (
            f"Write downgrade() from upgrade()'s {count} operation{'s' if count != 1 else ''}, undone in reverse order"
        )
    new_module = _with_downgrade(module, upgrade, statements, recipe.missing, style)
    if isinstance(new_module, str):
        return Unresolved(new_module)
    span, replacement = replacement_span(text, new_module.code)
    return Resolved(Fix(title, (Edit(span, replacement, path),), "unsafe"))


def _with_downgrade(module: Any, upgrade: tuple[int, Any], statements: list[Any], missing: bool, style: _Style) -> Any:
    cst = _cst()
    index, function = upgrade
    if missing:
        body = list(statements)
        if function.body.body and _is_docstring(function.body.body[0]):
            doc = module.code_for_node(function.body.body[0].body[0].value)
            if "Upgrade schema." in doc:
                body.insert(
                    0,
                    cst.SimpleStatementLine(
                        [cst.Expr(cst.SimpleString(doc.replace("Upgrade schema.", "Downgrade schema.")))]
                    ),
                )
        new = cst.FunctionDef(
            name=cst.Name("downgrade"),
            params=cst.Parameters(),
            body=cst.IndentedBlock(body=body),
            returns=function.returns,
            leading_lines=[cst.EmptyLine(), cst.EmptyLine()],
        )
        return module.with_changes(body=[*module.body[: index + 1], new, *module.body[index + 1 :]])
    found = _top_function(module, "downgrade")
    if found is None:
        return "no module-level downgrade() to fill"
    at, downgrade = found
    old = list(downgrade.body.body)
    kept = [s for s in old if _is_docstring(s)]
    dropped = [s for s in old if not _is_docstring(s)]
    if dropped and not all(_is_nothing(s) for s in dropped):
        return "downgrade() is no longer empty"
    if dropped and statements:  # keep the comments above the `pass` (alembic's autogenerate markers)
        statements = [statements[0].with_changes(leading_lines=dropped[0].leading_lines), *statements[1:]]
    body = downgrade.body.with_changes(body=[*kept, *statements])
    return module.with_changes(body=[*module.body[:at], downgrade.with_changes(body=body), *module.body[at + 1 :]])
