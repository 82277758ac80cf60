#!/bin/sh
# Fail the pipeline when a migration folder has more than one head (`alembic upgrade head` would fail),
# in any CI: only rule ALM001 (multiple-heads), whatever the project's own configuration turns off.
#   sh two-heads.sh [PATH ...]      (default: the current folder)
# Exit 0: one head each; 1: two or more heads, each printed with the file and line to fix.
set -eu
if [ "$#" -eq 0 ]; then set -- .; fi
exec alembic-lint --isolated --select multiple-heads "$@"
