"""The `server` subcommand: its arguments, and starting the server. pygls is imported only to start it,
so `alembic-lint server --help` and a missing pygls are answered without it."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from alembic_lint.allow_outside import add_allow_outside, allowed
from alembic_lint.usage import UsageError


class ServerError(Exception):
    """Bad arguments, or pygls missing: one line for the user."""


def parser(prog: str = "alembic-lint server") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run the language server on stdin/stdout (needs `pip install 'alembic-lint[lsp]'`).",
    )
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP port instead (for debugging)")
    parser.add_argument(
        "--log-level",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        default="WARNING",
        type=str.upper,
        help="what to log to stderr (default: WARNING)",
    )
    add_allow_outside(parser, "the workspace folders")
    return parser


def run(args: argparse.Namespace) -> int:
    """Start the server as `args` say; raises ServerError for bad input."""
    tcp: tuple[str, int] | None = None
    if args.tcp is not None:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ServerError(f"--tcp {args.tcp!r}: expected HOST:PORT, e.g. 127.0.0.1:2087")
        tcp = (host, int(port))
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        raise ServerError("the language server needs pygls: pip install 'alembic-lint[lsp]'") from None
    try:
        allow = allowed(args)
    except UsageError as exc:
        raise ServerError(str(exc)) from None
    from alembic_lint_lsp.run import serve

    return serve(tcp, args.log_level, allow)


def main(argv: Sequence[str]) -> int:
    """`python -m alembic_lint_lsp [--tcp HOST:PORT] [--log-level LEVEL]`."""
    import sys

    args = parser("python -m alembic_lint_lsp").parse_args(list(argv))
    try:
        return run(args)
    except ServerError as exc:
        sys.stderr.write(f"alembic-lint: error: {exc}\n")
        return 2
