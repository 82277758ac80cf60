"""index orders by user

Revision ID: 5e6f7a8b9c0d
Revises: 9f8e7d6c5b4a
Create Date: 2026-10-20 11:05:51.300917

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '5e6f7a8b9c0d'
down_revision: Union[str, Sequence[str], None] = '9f8e7d6c5b4a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Built concurrently, outside the migration's transaction: writes to orders go on meanwhile.
    with op.get_context().autocommit_block():
        op.create_index("ix_orders_user_id", "orders", ["user_id"], postgresql_concurrently=True)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_orders_user_id", table_name="orders")
