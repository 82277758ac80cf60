import sys

from alembic_lint_lsp.command import main

sys.exit(main(sys.argv[1:]))
