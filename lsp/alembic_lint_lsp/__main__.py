import sys

from alembic_lint.cli import main

sys.exit(main(["server", *sys.argv[1:]]))
