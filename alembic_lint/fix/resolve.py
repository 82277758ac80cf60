"""A diagnostic's fix as concrete edits: plain fixes as they are (their edits given a path),
recipes turned into edits by the module that knows how (rechain, merge, downgrade)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from alembic_lint.diagnostics import Diagnostic, Edit, Fix
from alembic_lint.fix.context import Clock, Files, FixContext, Resolved, Unresolved
from alembic_lint.fix.recipes import JoinHeads, WriteDowngrade

__all__ = ["Clock", "Files", "FixContext", "Resolved", "Unresolved", "can_be_safe", "resolve", "with_paths"]


def can_be_safe(fix: Fix) -> bool:
    """Whether a fix may turn out safe once resolved (a re-chain is safe when git says so)."""
    if fix.recipe is None:
        return fix.applicability == "safe"
    return isinstance(fix.recipe, JoinHeads) or fix.applicability == "safe"


def with_paths(fix: Fix, path: Path) -> Fix:
    """The fix with every edit naming its file."""
    if all(edit.path is not None for edit in fix.edits):
        return fix
    return replace(fix, edits=tuple(edit if edit.path else Edit(edit.span, edit.text, path) for edit in fix.edits))


def resolve(diagnostic: Diagnostic, ctx: FixContext) -> Resolved | Unresolved | None:
    """The diagnostic's fix, made concrete; None when it has none."""
    fix = diagnostic.fix
    if fix is None:
        return None
    if fix.recipe is None:
        return Resolved(with_paths(fix, diagnostic.path))
    key = (fix.recipe, diagnostic.path if isinstance(fix.recipe, WriteDowngrade) else None)
    if key not in ctx.memo:
        ctx.memo[key] = _resolve_recipe(fix.recipe, diagnostic, ctx)
    found = ctx.memo[key]
    if isinstance(found, Resolved):
        return replace(found, fix=with_paths(found.fix, diagnostic.path))
    return found


def _resolve_recipe(recipe: object, diagnostic: Diagnostic, ctx: FixContext) -> Resolved | Unresolved:
    if isinstance(recipe, JoinHeads):
        if recipe.strategy == "merge":
            from alembic_lint.fix.merge import merge_heads

            return merge_heads(recipe, ctx)
        from alembic_lint.fix.rechain import rechain

        return rechain(recipe, ctx)
    if isinstance(recipe, WriteDowngrade):
        from alembic_lint.fix.downgrade import write_downgrade

        return write_downgrade(recipe, diagnostic.path, ctx)
    return Unresolved(f"no fix engine for {type(recipe).__name__}")
