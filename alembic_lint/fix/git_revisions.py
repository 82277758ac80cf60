"""Resolve `down_revision = get_down_revision(revision)` (alembic-git-revisions) statically,
before the graph is built, the way the library resolves it when alembic imports the file.

Per folder of such files (the library's "versions directory" is the calling file's folder):
`revision_chain.json` beside that folder when it exists, else the git order (git_order.py,
run where the library runs it). The chain is the library's: files with a literal
`down_revision` ("static") keep it; the one head of the static files that only revise
static files starts the chain; every `get_down_revision` file ("dynamic") then revises the
one before it, in git order (uncommitted files last, by name), and a static file revising a
dynamic one ("hybrid") comes right after the revision it names. Those bindings are replaced
with the resolved literal, so the real graph is linted. When neither source exists the
bindings stay dynamic and `Resolution.unavailable` says why (ALM009 says it once).

Standard library only: this runs while linting (`lint.check`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from alembic_lint.fix.git_order import NoOrder, library_order
from alembic_lint.parse import Binding, Migration, Parsed, Value
from alembic_lint.records import record, replace

CHAIN_FILE = "revision_chain.json"
_CALL = re.compile(r"^(?:[A-Za-z_]\w*\.)*get_down_revision\s*\(")
_REVISION_IN_NAME = re.compile(r"^([a-f0-9]+)_")


@record
class Resolution:
    """What resolving `get_down_revision()` did in one folder."""

    paths: tuple[Path, ...]  # the files whose down_revision is such a call
    unavailable: str | None = None  # why none could be resolved (no chain file, no git history)


@record
class _File:
    revision: str
    name: str
    sequence: int
    dynamic: bool
    parents: tuple[str, ...]  # literal down_revision entries (static files)


def is_dynamic_call(binding: Binding | None) -> bool:
    return (
        binding is not None
        and binding.shape == "dynamic"
        and not binding.conditional
        and bool(binding.items)
        and _CALL.match(binding.items[0].text) is not None
    )


def resolve(parsed: Sequence[Parsed]) -> tuple[Sequence[Parsed], Resolution | None]:
    """The parse results with every resolvable `get_down_revision()` replaced by its value."""
    dynamic = [  # the shape first: this runs on every edit in the language server
        p
        for p in parsed
        if isinstance(p, Migration)
        and (binding := p.down_revision) is not None
        and binding.shape == "dynamic"
        and is_dynamic_call(binding)
    ]
    if not dynamic:
        return parsed, None
    folders: dict[Path, list[Migration]] = {}
    for migration in parsed:
        if isinstance(migration, Migration):
            folders.setdefault(migration.path.parent, []).append(migration)
    resolved: dict[Path, str] = {}
    reasons: list[str] = []
    for folder in dict.fromkeys(m.path.parent for m in dynamic):
        chain = chain_for(folder, folders[folder])
        if isinstance(chain, str):
            reasons.append(chain)
            continue
        for migration in folders[folder]:
            if is_dynamic_call(migration.down_revision):
                parent = chain.get(_revision(migration))
                if isinstance(parent, str):
                    resolved[migration.path] = parent
    paths = tuple(m.path for m in dynamic)
    if not resolved:
        return parsed, Resolution(paths, "; ".join(dict.fromkeys(reasons)) or None)
    out = [_with_parent(p, resolved[p.path]) if isinstance(p, Migration) and p.path in resolved else p for p in parsed]
    return out, Resolution(paths, None)


def _with_parent(migration: Migration, parent: str) -> Migration:
    binding = migration.down_revision
    assert binding is not None
    static = Binding(binding.name, binding.span, binding.value_span, "str", (Value(parent, binding.value_span),))
    return replace(migration, down_revision=static)


def _revision(migration: Migration) -> str:
    binding = migration.revision
    if binding is not None and binding.shape == "str" and binding.is_static:
        return binding.items[0].text
    found = _REVISION_IN_NAME.match(migration.path.name)
    return found.group(1) if found else migration.path.name


def chain_for(folder: Path, migrations: Sequence[Migration]) -> dict[str, object] | str:
    """{revision: down_revision} for the folder's dynamic files, or why there is none."""
    chain_file = folder.parent / CHAIN_FILE
    if chain_file.is_file():
        refused = _outside(chain_file)
        if refused is not None:
            return refused
        import json

        try:
            data = json.loads(chain_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return f"{chain_file} cannot be read: {exc}"
        return data if isinstance(data, dict) else f"{chain_file} is not a JSON object"
    files = {m.path.name: m for m in migrations}
    order = _cached_order(folder, files)
    if isinstance(order, NoOrder):
        return f"there is no {chain_file} and no git history ({order.reason})"
    return build_chain([_file(m, order) for m in migrations])


def _file(migration: Migration, order: dict[str, int]) -> _File:
    binding = migration.down_revision
    dynamic = is_dynamic_call(binding)
    parents: tuple[str, ...] = ()
    if binding is not None and not dynamic and binding.shape in ("str", "tuple", "list"):
        parents = binding.strings
    return _File(
        _revision(migration), migration.path.name, order.get(migration.path.name, len(order)), dynamic, parents
    )


def build_chain(files: Sequence[_File]) -> dict[str, object]:
    """The library's chain over one folder's files (see the module docstring)."""
    static = {f.revision for f in files if not f.dynamic}
    closed = {f.revision for f in files if not f.dynamic and all(p in static for p in f.parents)}
    consumed = {p for f in files if f.revision in closed for p in f.parents}
    heads = closed - consumed
    previous: str | None = next(iter(heads)) if len(heads) == 1 else None
    dynamic = {f.revision for f in files if f.dynamic}

    def target(f: _File) -> str | None:
        return None if f.dynamic else next((p for p in f.parents if p in dynamic), None)

    taking_part = [f for f in files if f.dynamic or target(f) is not None]
    sequence = {f.revision: f.sequence for f in taking_part}
    after: dict[str, int] = {}
    for f in taking_part:
        aim = target(f)
        if aim is not None:
            after[aim] = sequence.get(aim, f.sequence)

    def key(f: _File) -> tuple[int, int, str]:
        aim = target(f)
        return (after[aim], 1, f.name) if aim is not None else (f.sequence, 0, f.name)

    chain: dict[str, object] = {}
    for f in sorted(taking_part, key=key):
        if previous is not None and f.dynamic:
            chain[f.revision] = previous
        previous = f.revision
    return chain


# The git order of one folder, while the repository's HEAD and the folder's files stay the same
# (the language server lints on every keystroke; git log over a long history is not free).
_ORDERS: dict[tuple[str, object, frozenset[str]], dict[str, int] | NoOrder] = {}


def _outside(chain_file: Path) -> str | None:
    """Why a chain file that is a link out of its repository is not read (one `lstat`; the boundary
    only for a link): its revisions would be shown in findings."""
    if not os.path.islink(chain_file):
        return None
    from alembic_lint.boundary import boundary_for, refusal

    boundary = boundary_for([chain_file.parent])
    real = boundary.outside(chain_file)
    return None if real is None else f"{chain_file} {refusal(boundary.shown(chain_file, real), boundary)}"


def _cached_order(folder: Path, files: dict[str, Migration]) -> dict[str, int] | NoOrder:
    key = (str(folder), git_stamp(folder), frozenset(files))
    found = _ORDERS.get(key)
    if found is None:
        order = library_order(folder, files)
        found = order if isinstance(order, NoOrder) else {name: i for i, name in enumerate(order)}
        if len(_ORDERS) > 32:
            _ORDERS.clear()
        _ORDERS[key] = found
    return found


def git_stamp(start: Path) -> object:
    """What changes when a commit is made or another one checked out: HEAD and the ref it
    names (a few stats, no git process). None outside a repository."""
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            git_dir = dot_git
        elif dot_git.is_file():
            try:
                line = dot_git.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            git_dir = (folder / line.removeprefix("gitdir:").strip()).resolve()
        else:
            continue
        return _head_stamp(git_dir)
    return None


def _head_stamp(git_dir: Path) -> object:
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    common = git_dir
    try:
        common = (git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    except OSError:
        pass
    stamps: list[object] = [head]
    names = [head.removeprefix("ref:").strip()] if head.startswith("ref:") else []
    for path in [*(common / name for name in names), common / "packed-refs", git_dir / "shallow", common / "shallow"]:
        try:
            st = os.stat(path)
            stamps.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamps.append(None)
    return tuple(stamps)


def outside_inputs(locations: Sequence[Path]) -> object:
    """What a folder's resolution reads besides its files (for the cache's verdict key): the
    chain files. Git's history only matters to a folder with `get_down_revision()` files:
    `history_stamp`, which the cache adds to the key of those folders alone."""
    stamps: list[object] = []
    for location in locations:
        try:
            st = os.stat(location.parent / CHAIN_FILE)
            stamps.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamps.append(None)
    return tuple(stamps)


def history_stamp(locations: Sequence[Path]) -> object:
    """What changes when a commit is made or another one checked out, where `locations` are."""
    return git_stamp(locations[0]) if locations else None


def reads_history(parsed: Sequence[Parsed]) -> bool:
    """Some file's down_revision is a `get_down_revision()` call (resolved in git's order)."""
    return any(isinstance(p, Migration) and is_dynamic_call(p.down_revision) for p in parsed)
