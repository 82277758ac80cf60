"""The entry point of `alembic-lint` and `python -m alembic_lint`.

`--version` is answered here, before anything else is imported: editors and hooks run it
often, and the command line (argparse, pathlib, typing) would double the interpreter's
own start-up. Everything else goes to `alembic_lint.cli.main`.
"""

import sys

from alembic_lint import __version__


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        sys.stdout.write(f"alembic-lint {__version__}\n")
        return 0
    from alembic_lint.cli import main as run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
