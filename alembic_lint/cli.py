"""The command line: `alembic-lint [check] PATH...`, `alembic-lint graph PATH`."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from alembic_lint import __version__
from alembic_lint.allow_outside import add_allow_outside, allowed
from alembic_lint.usage import UsageError

if TYPE_CHECKING:  # the pipeline is imported where used: `--version` loads none of it
    from alembic_lint.cache import CacheOptions
    from alembic_lint.diagnostics import Diagnostic
    from alembic_lint.discover import VersionFolder
    from alembic_lint.graph import RevisionGraph
    from alembic_lint.lint import LintResult
    from alembic_lint.parse import Parsed
    from alembic_lint.rules import Rule
    from alembic_lint.settings import Settings

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
# Set by the process's entry point (`__main__`), which ends the process without tearing it
# down: the last lint's result is kept here instead of being freed object by object when
# `run_check` returns (a warm run's 6,600 cached findings and 10,000 paths: ~5 ms).
KEEP_RESULTS = False
_kept: list[object] = []
SUBCOMMANDS = ("check", "graph", "rule", "server")
GRAPH_FORMATS = ("text", "json", "mermaid", "dot")
# --statistics: the output formats that have a statistics form (text counts, or JSON).
STATISTICS_FORMATS = ("text", "full", "grouped", "json")


def _selectors(values: Sequence[str] | None, option: str) -> tuple[str, ...]:
    from alembic_lint.rules.selection import UnknownSelector, check_selector

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


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's, with the terminal's width found without `shutil`: argparse makes a formatter
    for every `add_argument`, and its width comes from `shutil.get_terminal_size`, whose
    module imports zlib, bz2 and lzma (2 ms of every run). The same width, the same rules:
    COLUMNS when it is a positive number, else the terminal's, else 80; minus 2."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _terminal_columns() - 2 if width is None else width)


def _terminal_columns() -> int:
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def _check_parser() -> argparse.ArgumentParser:
    from alembic_lint.report import FORMAT_NAMES

    parser = argparse.ArgumentParser(
        prog="alembic-lint",
        formatter_class=_HelpFormatter,
        description="Check Alembic migration folders without importing them.",
        epilog="Subcommands: `alembic-lint check PATH...` (the default), `alembic-lint graph PATH`, "
        "`alembic-lint rule CODE`, `alembic-lint server` (the language server).",
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
    parser.add_argument(
        "--format",
        choices=FORMAT_NAMES,
        default=None,
        help="output format (default: text, or output-format from the config)",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print how many findings each rule has instead of the findings (formats: text, full, grouped, json)",
    )
    parser.add_argument(
        "--output-file", type=Path, metavar="PATH", help="write the report to PATH instead of stdout (atomically)"
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found")
    parser.add_argument(
        "--since",
        action="append",
        metavar="REV",
        help="report the file rules' findings only for REV (id or unique prefix) and the revisions after it, "
        "as `graph --since` draws them (repeatable; the graph rules still check everything; default: since "
        "from the config)",
    )
    parser.add_argument(
        "--diff-base",
        metavar="REF",
        help="report the file rules' findings only for files added or changed since the merge base of REF and "
        "HEAD (git), for pull-request CI: `--diff-base origin/main`",
    )
    config = parser.add_mutually_exclusive_group()
    config.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="use this configuration file (pyproject.toml or alembic-lint.toml) instead of the nearest one",
    )
    config.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    parser.add_argument("--version", action="version", version=f"alembic-lint {__version__}")
    _add_cache_arguments(parser)
    add_allow_outside(parser)
    from alembic_lint.fix import cli as fix_cli

    fix_cli.add_arguments(parser)
    return parser


def _add_cache_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="where cache files go (default: .alembic_lint_cache/ in the project folder, or cache-dir)",
    )
    parser.add_argument(
        "--cache-check",
        choices=("mtime", "hash"),
        default="mtime",
        help="how a cached file is known unchanged: size and mtime (default), or content hash",
    )


def _cache_options(
    args: argparse.Namespace, settings: Settings, paths: Sequence[Path], fixes: bool = True
) -> CacheOptions:
    """The flags win over the environment (ALEMBIC_LINT_NO_CACHE, ALEMBIC_LINT_CACHE_DIR, as ruff's
    RUFF_NO_CACHE and RUFF_CACHE_DIR), which wins over the `cache-dir` setting. A `cache-dir`
    outside the repository of `paths` is a usage error: the configuration is a pull request's to
    write, and the cache files would be written there (the flag and the variable stay free).
    `fixes`: whether anything will read the diagnostics' fixes (see `CacheOptions.fixes`)."""
    import os

    from alembic_lint.cache import CacheOptions

    environment = os.environ.get("ALEMBIC_LINT_CACHE_DIR")
    directory = args.cache_dir or (Path(environment) if environment else settings.cache_dir)
    disabled = args.no_cache or os.environ.get("ALEMBIC_LINT_NO_CACHE", "") not in ("", "0", "false")
    if directory is not None and directory is settings.cache_dir and not disabled:
        _check_cache_dir(directory, settings, paths)
    return CacheOptions(enabled=not disabled, directory=directory, check=args.cache_check, fixes=fixes)


def _check_cache_dir(directory: Path, settings: Settings, paths: Sequence[Path]) -> None:
    from alembic_lint.boundary import boundary_for

    boundary = boundary_for(paths, settings.allow_outside, settings.config_path)
    if boundary.outside(directory) is not None:
        raise UsageError(
            f"{settings.config_path}: `cache-dir` {directory} is outside {boundary.label}: not written there "
            "(a configuration file cannot send the cache outside it; --cache-dir or ALEMBIC_LINT_CACHE_DIR can)"
        )


def _rule_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alembic-lint rule", description="Show a rule's documentation.", formatter_class=_HelpFormatter
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("rule", nargs="?", metavar="CODE", help="a rule code (ALM201) or name (model-import)")
    which.add_argument("--all", action="store_true", help="show every rule")
    return parser


def _graph_settings(args: argparse.Namespace) -> Settings:
    """`graph` reads `exclude`, `version-locations` and where the cache goes from the configuration;
    a broken configuration is `check`'s to report, `graph` uses the defaults."""
    from alembic_lint.config import ConfigError, resolve_settings
    from alembic_lint.settings import Settings

    try:
        return resolve_settings(args.path, allow_outside=allowed(args))
    except ConfigError:
        return Settings(allow_outside=allowed(args))


def _graph_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alembic-lint graph",
        formatter_class=_HelpFormatter,
        description="Show the revision graph like `alembic history`, newest first, without importing anything.",
    )
    parser.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    parser.add_argument(
        "--format",
        choices=GRAPH_FORMATS,
        default="text",
        help="text (like `alembic history`), json, or a picture: mermaid, dot (Graphviz)",
    )
    parser.add_argument("--since", metavar="REV", help="draw only REV (id or unique prefix) and the revisions after it")
    parser.add_argument(
        "--heads-only-context",
        type=_count,
        metavar="N",
        help="draw only each head and the N revisions behind it",
    )
    _add_cache_arguments(parser)
    add_allow_outside(parser)
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def _server_parser() -> argparse.ArgumentParser:
    from alembic_lint_lsp.command import parser  # the server's own package: no pygls needed for this

    return parser()


def run_server(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from alembic_lint_lsp.command import ServerError, run

    try:
        return run(args)
    except ServerError as exc:
        raise UsageError(str(exc)) from None


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from alembic_lint.config import resolve_settings
    from alembic_lint.fix import cli as fix_cli
    from alembic_lint.lint import LintResult, lint
    from alembic_lint.report import FORMAT_NAMES, shows_fixes, summary
    from alembic_lint.scope import ScopeError
    from alembic_lint.settings import RuleSelection

    overrides = None
    if args.select or args.extend_select or args.ignore:
        overrides = RuleSelection(
            select=_selectors(args.select, "--select") if args.select else None,
            extend_select=_selectors(args.extend_select, "--extend-select"),
            ignore=_selectors(args.ignore, "--ignore"),
        )
    # Each path is linted with the configuration nearest to it (paths sharing one are linted together).
    groups: dict[Settings, list[Path]] = {}
    allow = allowed(args)
    for path in args.paths or [Path(".")]:
        settings = resolve_settings(
            path, config=args.config, isolated=args.isolated, overrides=overrides, allow_outside=allow
        )
        groups.setdefault(_scoped(fix_cli.adjust(settings, args), args, path), []).append(path)
    first = next(iter(groups))  # the configuration of the first path chooses the default output format
    output_format = args.format or first.output_format or "text"
    if output_format not in FORMAT_NAMES:
        raise UsageError(
            f"{first.config_path}: unknown output format {output_format!r} (output-format); "
            f"choose from {', '.join(FORMAT_NAMES)}"
        )
    if args.statistics and output_format not in STATISTICS_FORMATS:
        raise UsageError(
            f"--statistics cannot be written as {output_format}: use --format "
            f"{', '.join(STATISTICS_FORMATS[:-1])} or {STATISTICS_FORMATS[-1]}"
        )
    fixing = fix_cli.start(args, groups, out, err) if fix_cli.requested(args) else None
    if fixing is not None and fixing.exit is not None:
        return fixing.exit  # --diff, --add-noqa
    # --statistics counts the fixable findings; --fix and --show-fixes read the fixes.
    fixes = fixing is not None or args.statistics or shows_fixes(output_format)
    result = LintResult()
    for settings, paths in groups.items():
        try:
            found = lint(paths, settings, cache=_cache_options(args, settings, paths, fixes))
        except ScopeError as exc:
            origin = "--since" if args.since else f"{settings.config_path}: `since`"
            raise UsageError(f"{origin}: {exc}") from None
        result.folders.extend(found.folders)
        result.configuration.extend(found.configuration)
        if found.boundary is not None:
            result.boundary = found.boundary if result.boundary is None else result.boundary | found.boundary
    cwd = Path.cwd()
    diagnostics = result.diagnostics
    if KEEP_RESULTS:
        _kept.append((result, diagnostics))
    _emit(_report(args, output_format, diagnostics, result, cwd, out), args.output_file, out)
    err.write((fixing.summary(diagnostics, result.files) if fixing else summary(diagnostics, result.files)) + "\n")
    if diagnostics and not args.exit_zero:
        return EXIT_FOUND
    return EXIT_CLEAN


def _scoped(settings: Settings, args: argparse.Namespace, path: Path) -> Settings:
    """The settings with `--since` (it replaces the configuration's `since`) and the files
    `--diff-base` finds changed in the repository holding `path`."""
    from alembic_lint.records import replace

    if args.since:
        settings = replace(settings, since=tuple(args.since))
    if args.diff_base is None or not path.exists():  # a missing path: discovery says so
        return settings
    from alembic_lint.diff_base import changed_files
    from alembic_lint.scope import ScopeError

    try:
        changed = changed_files(args.diff_base, Path(path).absolute())
    except ScopeError as exc:
        raise UsageError(f"--diff-base {args.diff_base}: {exc}") from None
    return replace(settings, report_files=changed)


def _report(
    args: argparse.Namespace,
    output_format: str,
    diagnostics: list[Diagnostic],
    result: LintResult,
    cwd: Path,
    out: TextIO,
) -> str:
    if args.statistics:
        from alembic_lint.report.statistics import format_statistics, format_statistics_json

        return (format_statistics_json if output_format == "json" else format_statistics)(diagnostics)
    from alembic_lint.report import formatter
    from alembic_lint.report.full import use_color

    color = args.output_file is None and use_color(out)
    return formatter(output_format, color=color, files=result.paths, boundary=result.boundary)(diagnostics, cwd)


def _emit(text: str, output_file: Path | None, out: TextIO) -> None:
    """Print the report, or write it atomically to `output_file`."""
    if output_file is None:
        out.write(text)
        return
    from alembic_lint.atomic import write_text_atomic

    try:
        write_text_atomic(output_file, text)
    except OSError as exc:
        raise UsageError(f"{output_file}: cannot write the report: {exc.strerror or exc}") from None


def _limit(args: argparse.Namespace, graph: RevisionGraph) -> set[str] | None:
    """The revisions `--since`/`--heads-only-context` keep, or None for all."""
    if args.since is None and args.heads_only_context is None:
        return None
    from alembic_lint.graph_view import select

    return {node.id for node in select(graph, args.since, args.heads_only_context)}


def _picture(
    args: argparse.Namespace, parsed: list[Parsed], root: Path, settings: Settings
) -> tuple[RevisionGraph, str]:
    """A Mermaid or Graphviz picture, revisions with findings (same rules as check) marked."""
    from alembic_lint.graph_view import build_view
    from alembic_lint.lint import check

    graph, diagnostics = check(parsed, settings, root=root)
    view = build_view(graph, diagnostics, since=args.since, context=args.heads_only_context)
    if args.format == "mermaid":
        from alembic_lint.mermaid import render_mermaid

        return graph, render_mermaid(view)
    from alembic_lint.graphviz import render_dot

    return graph, render_dot(view)


def _one_graph(args: argparse.Namespace, settings: Settings, err: TextIO) -> VersionFolder:
    """The one graph `graph PATH` draws: configurations that cannot be resolved are noted
    on stderr, and are the error when nothing else is left."""
    from alembic_lint.lint import configuration_findings
    from alembic_lint.plan import plan
    from alembic_lint.report import display_path

    planned = plan([args.path], settings)
    cwd = Path.cwd()
    notes = [
        f"{display_path(d.path, cwd)}:{d.span.line}:{d.span.col + 1}: {d.code} {d.message}"
        for d in configuration_findings(planned.problems, settings)
    ]
    if not planned.folders:
        raise UsageError("; ".join(notes) if notes else f"{args.path}: no revision graph found")
    for note in notes:
        err.write(f"alembic-lint: {note}\n")
    if len(planned.folders) > 1:
        roots = ", ".join(f.label for f in planned.folders)
        raise UsageError(f"{args.path}: holds {len(planned.folders)} revision graphs ({roots}); pass one of them")
    return planned.folders[0]


def run_graph(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from alembic_lint.graph import RevisionGraph
    from alembic_lint.graph_view import ViewError
    from alembic_lint.history import format_graph_json, format_history
    from alembic_lint.lint import parse_folder
    from alembic_lint.parse import ParseFailure
    from alembic_lint.report import display_path

    settings = _graph_settings(args)
    folder = _one_graph(args, settings, err)
    parsed = parse_folder(folder, _cache_options(args, settings, [args.path]), settings.config_path)
    from alembic_lint.fix.git_revisions import resolve

    parsed = list(resolve(parsed)[0])  # `get_down_revision()` (alembic-git-revisions) made literal
    try:
        if args.format in ("mermaid", "dot"):
            graph, text = _picture(args, parsed, folder.root, settings)
        else:
            graph = RevisionGraph.build(parsed)
            only = _limit(args, graph)
            if args.format == "json":
                base = args.path if args.path.is_dir() else args.path.parent
                text = format_graph_json(graph, base, only)
            else:
                text = format_history(graph, only)
    except ViewError as exc:
        raise UsageError(f"--since {args.since}: {exc}") from None
    out.write(text)
    for item in graph.opaque:
        reason = item.message if isinstance(item, ParseFailure) else "its revision id is not a literal"
        err.write(f"alembic-lint: {display_path(item.path, Path.cwd())}: not in the graph: {reason}\n")
    return EXIT_CLEAN


def run_rule(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from alembic_lint.rules import RULES
    from alembic_lint.rules.selection import rule_for

    if args.all:
        rules = list(RULES)
    else:
        rule = rule_for(args.rule) or rule_for(args.rule.upper())
        if rule is None:
            raise UsageError(f"unknown rule {args.rule!r}; `alembic-lint rule --all` lists every rule")
        rules = [rule]
    out.write("\n".join(_rule_text(rule) for rule in rules))
    return EXIT_CLEAN


def _rule_text(rule: Rule) -> str:
    default = "on" if rule.default else "off (opt-in: select it)"
    if rule.dialect is not None and rule.default:
        default = (
            f'on where the project targets {rule.dialect} (`dialect = "{rule.dialect}"`, or a {rule.dialect} '
            "sqlalchemy.url in alembic.ini), else off"
        )
    text = f"# {rule.code} {rule.name}\n\nDefault: {default}. Severity: {rule.severity}.\n\n{rule.documentation()}\n"
    if rule.options:
        table = f"[tool.alembic-lint.rules.{rule.code}]"
        lines = [f"- `{o.name}` (default `{o.default!r}`): {o.help}" for o in rule.options]
        text += f"\n## Options\nSet in `{table}`:\n" + "\n".join(lines) + "\n"
    return text


# Options that take a value, of every subcommand: `--cache-dir DIR graph .` must not read DIR as a path.
_VALUED = ("--select", "--extend-select", "--ignore", "--format", "--output-file", "--config", "--cache-dir")
_VALUED += ("--allow-outside",)
_VALUED += ("--cache-check", "--since", "--heads-only-context", "--tcp", "--log-level", "--heads-strategy")
_VALUED += ("--diff-base",)


def _command(argv: list[str]) -> tuple[str, list[str]]:
    """The subcommand and its arguments. Options may come before it (`alembic-lint --no-cache
    graph .`): they are given to the subcommand; the first word that is not an option's value
    decides (a folder named like a subcommand is `./graph`)."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            break
        if not word.startswith("-") or word == "-":
            if word in SUBCOMMANDS:
                return word, argv[:index] + argv[index + 1 :]
            break
        index += 2 if word in _VALUED else 1
    return "check", argv


def _any_file_name(stream: TextIO) -> TextIO:
    """The console stream, set to write a file name that is not valid UTF-8 as its own bytes
    (surrogateescape, as `ls` shows it) instead of failing in the middle of the report."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and getattr(stream, "errors", None) == "strict":
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="surrogateescape")
    return stream


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or _any_file_name(sys.stdout)
    err = err or _any_file_name(sys.stderr)
    if argv == ["--version"]:  # no parser built: editors and hooks call it often
        out.write(f"alembic-lint {__version__}\n")
        return EXIT_CLEAN
    command, argv = _command(argv)
    parsers = {"graph": _graph_parser, "rule": _rule_parser, "server": _server_parser}
    parser = parsers.get(command, _check_parser)()
    try:
        # argparse prints --help, --version and usage errors to sys.stdout/sys.stderr.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_ERROR
    from alembic_lint.config import ConfigError
    from alembic_lint.discover import DiscoveryError
    from alembic_lint.parallel import gc_paused

    try:
        if command == "server":
            return run_server(args, out, err)
        if command == "rule":
            return run_rule(args, out, err)
        with gc_paused():  # a short run whose objects are acyclic: the collector would only rescan them
            return run_graph(args, out, err) if command == "graph" else run_check(args, out, err)
    except (UsageError, DiscoveryError, ConfigError) as exc:
        err.write(f"alembic-lint: error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
