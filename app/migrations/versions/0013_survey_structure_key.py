"""survey structure key

A survey's structure_key changes whenever one of its sections, questions or options changes;
the answering pages keep a published survey's structure per process under it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (SQLite 3.35+ drops a column itself): a batch
# operation would rebuild the surveys table, and dropping the old one with foreign keys on
# deletes every section, question and response with it.


def upgrade():
    op.add_column(
        'surveys',
        sa.Column('structure_key', sa.String(length=16), server_default='0', nullable=False),
    )


def downgrade():
    op.drop_column('surveys', 'structure_key')
