"""`--allow-outside PATH`, the one way to read past the boundary (alembic_lint/boundary.py): a
command-line flag of every front-end that reads a checkout (check, graph, the language server),
never a configuration key, since a pull request writes the configuration."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from alembic_lint.usage import UsageError


def add_allow_outside(parser: argparse.ArgumentParser, boundary: str = "the repository") -> None:
    """Add the flag; `boundary` is what a configuration cannot make us read outside of."""
    parser.add_argument(
        "--allow-outside",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help=f"also read PATH (and what is below it) when configuration or a link leads outside {boundary}; repeatable",
    )


def allowed(args: argparse.Namespace) -> tuple[Path, ...]:
    """The `--allow-outside` paths, absolute; each must exist (a typo would allow nothing)."""
    out = []
    for path in args.allow_outside:
        if not os.path.lexists(path):
            raise UsageError(f"--allow-outside {path}: no such file or directory")
        out.append(Path(os.path.abspath(path)))
    return tuple(out)
