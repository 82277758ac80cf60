"""The command line: `alembic-lint [check] PATH...`, `alembic-lint graph PATH`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from alembic_lint import __version__

if TYPE_CHECKING:  # imported where used: `--version` and `--help` load none of the pipeline
    from alembic_lint.cache import CacheOptions
    from alembic_lint.settings import Settings

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
SUBCOMMANDS = ("check", "graph")


class UsageError(Exception):
    """Bad input from the user: one line, exit code 2."""


def _selectors(values: Sequence[str] | None, option: str) -> tuple[str, ...]:
    from alembic_lint.settings import UnknownSelector, check_selector

    out: list[str] = []
    for value in values or ():
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                check_selector(part)
            except UnknownSelector as exc:
                raise UsageError(f"{exc} in {option}") from None
            out.append(part)
    return tuple(out)


def _check_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alembic-lint",
        description="Check Alembic migration folders without importing them.",
        epilog="Subcommands: `alembic-lint check PATH...` (the default), `alembic-lint graph PATH`.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="migration files, versions folders or project folders (default: .)",
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="RULES",
        help="run only these rules: codes, code prefixes or names, comma-separated",
    )
    parser.add_argument(
        "--extend-select", action="append", metavar="RULES", help="run these rules in addition to the selected ones"
    )
    parser.add_argument("--ignore", action="append", metavar="RULES", help="do not run these rules")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found")
    parser.add_argument("--version", action="version", version=f"alembic-lint {__version__}")
    _add_cache_arguments(parser)
    return parser


def _add_cache_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="where cache files go (default: .alembic_lint_cache/ in the project folder)",
    )
    parser.add_argument(
        "--cache-check",
        choices=("mtime", "hash"),
        default="mtime",
        help="how a cached file is known unchanged: size and mtime (default), or content hash",
    )


def _cache_options(args: argparse.Namespace, settings: Settings | None = None) -> CacheOptions:
    from alembic_lint.cache import CacheOptions

    directory = args.cache_dir or getattr(settings, "cache_dir", None)
    return CacheOptions(enabled=not args.no_cache, directory=directory, check=args.cache_check)


def _graph_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alembic-lint graph",
        description="Show the revision graph like `alembic history`, newest first, without importing anything.",
    )
    parser.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    _add_cache_arguments(parser)
    return parser


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from alembic_lint.lint import lint
    from alembic_lint.report import display_path, formatters, summary
    from alembic_lint.settings import Settings

    settings = Settings(
        select=_selectors(args.select, "--select") if args.select else None,
        extend_select=_selectors(args.extend_select, "--extend-select"),
        ignore=_selectors(args.ignore, "--ignore"),
    )
    result = lint(args.paths or [Path(".")], settings, cache=_cache_options(args, settings))
    cwd = Path.cwd()
    diagnostics = result.diagnostics
    out.write(formatters()[args.format](diagnostics, cwd))
    for failure in result.unreadable:
        err.write(f"alembic-lint: error: {display_path(failure.path, cwd)}: {failure.message}\n")
    err.write(summary(diagnostics, result.files) + "\n")
    if result.unreadable:
        return EXIT_ERROR
    if diagnostics and not args.exit_zero:
        return EXIT_FOUND
    return EXIT_CLEAN


def run_graph(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from alembic_lint.discover import discover
    from alembic_lint.graph import RevisionGraph
    from alembic_lint.history import format_graph_json, format_history
    from alembic_lint.lint import parse_folder
    from alembic_lint.parse import ParseFailure

    folders = discover([args.path])
    if len(folders) > 1:
        roots = ", ".join(str(f.root) for f in folders)
        raise UsageError(f"{args.path}: holds {len(folders)} script directories ({roots}); pass one of them")
    folder = folders[0]
    parsed = parse_folder(folder, _cache_options(args))
    graph = RevisionGraph.build(parsed)
    if args.format == "json":
        base = args.path if args.path.is_dir() else args.path.parent
        out.write(format_graph_json(graph, base))
    else:
        out.write(format_history(graph))
    for item in graph.opaque:
        reason = item.message if isinstance(item, ParseFailure) else "its revision id is not a literal"
        err.write(f"alembic-lint: {item.path}: not in the graph: {reason}\n")
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    err = err or sys.stderr
    if argv == ["--version"]:  # no parser built: editors and hooks call it often
        out.write(f"alembic-lint {__version__}\n")
        return EXIT_CLEAN
    command = "check"
    if argv and argv[0] in SUBCOMMANDS:
        command = argv.pop(0)
    parser = _graph_parser() if command == "graph" else _check_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_ERROR
    from alembic_lint.discover import DiscoveryError
    from alembic_lint.parallel import gc_paused

    try:
        with gc_paused():  # a short run whose objects are acyclic: the collector would only rescan them
            if command == "graph":
                return run_graph(args, out, err)
            return run_check(args, out, err)
    except (UsageError, DiscoveryError) as exc:
        err.write(f"alembic-lint: error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
