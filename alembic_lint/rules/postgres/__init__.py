"""ALM301-ALM315: operations that lock PostgreSQL tables or break the release still serving traffic.

Every rule reads the operation facts parse.py extracted (alembic_lint/operations.py) and,
for `op.execute`, the SQL classifier (alembic_lint/sql.py). They run by default only for
projects that target PostgreSQL (`Rule.dialect`), and check `upgrade()` only unless
`check-downgrade = true`.
"""
