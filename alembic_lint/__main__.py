import sys

from alembic_lint.cli import main

sys.exit(main())
