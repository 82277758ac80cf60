"""The entry point of `alembic-lint` and `python -m alembic_lint`.

`--version` is answered here, before anything else is imported: editors and hooks run it
often, and the command line (argparse, pathlib, typing) would double the interpreter's
own start-up. Everything else goes to `alembic_lint.cli.main`.

Called without arguments, `main` is the process's entry point (the console script, `-m`):
once the command is done it flushes the output and ends the process at once. A lint leaves
hundreds of thousands of objects behind (every file's facts), and the interpreter's own exit
would free them one by one after a last collection over all of them: 5-10% of a cold run.
"""

import os
import sys

from alembic_lint import __version__


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        sys.stdout.write(f"alembic-lint {__version__}\n")
        return 0
    from alembic_lint import cli

    cli.KEEP_RESULTS = argv is None  # the process ends at once after it: nothing need be freed
    code = cli.main(args)
    if argv is None:
        _leave(code)
    return code


def _leave(code: int) -> None:
    """End the process with `code` without tearing down what it built; when the output cannot
    be flushed (a closed pipe), return and let the interpreter's exit report it as usual."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
