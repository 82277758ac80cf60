"""Starts alembic-lint's language server for the VS Code extension, with the Python the extension chose.

ALEMBIC_LINT_IMPORT_STRATEGY (set by the extension from `alembic-lint.importStrategy`):
- fromEnvironment: the alembic-lint installed in this Python when it has the language server, with
  the bundled libraries behind it for whatever it lacks (pygls, ...); else the bundled alembic-lint.
- useBundled: the bundled alembic-lint and libraries, whatever this Python has installed.
Arguments are passed to `alembic-lint server` (e.g. --log-level INFO).
"""

import importlib.util
import os
import sys

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
MINIMUM = (3, 10)


def choose_path(strategy: str) -> str:
    """Put the bundled libraries on sys.path; returns which alembic-lint will be imported."""
    if strategy != "useBundled" and importlib.util.find_spec("alembic_lint_lsp") is not None:
        sys.path.append(LIBS)
        return "the environment's"
    sys.path.insert(0, LIBS)
    return "the bundled"


def main() -> int:
    if sys.version_info < MINIMUM:
        found = ".".join(map(str, sys.version_info[:3]))
        sys.stderr.write(
            f"alembic-lint: {sys.executable} is Python {found}; the language server needs Python 3.10 or later. "
            "Select another interpreter or set alembic-lint.interpreter.\n"
        )
        return 2
    source = choose_path(os.environ.get("ALEMBIC_LINT_IMPORT_STRATEGY", "fromEnvironment"))
    from alembic_lint import __file__ as package_file
    from alembic_lint import __version__
    from alembic_lint.cli import main as cli

    sys.stderr.write(
        f"alembic-lint server: {source} alembic-lint {__version__} ({os.path.dirname(package_file)}), "
        f"Python {sys.version.split()[0]} ({sys.executable})\n"
    )
    return cli(["server", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
