"""audit changes index

The grouped figures' cache is kept until the latest audit entry that may change them (all but
signing in and out); a partial index on the entries' ids answers that in one step.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# As in app/models/audit.py (CHANGES), written out: a migration does not change with the code.
CHANGES = "action NOT IN ('auth.login', 'auth.login_failed', 'auth.logout')"


def upgrade():
    op.create_index(
        'ix_audit_entries_changes',
        'audit_entries',
        ['id'],
        unique=False,
        postgresql_where=sa.text(CHANGES),
        sqlite_where=sa.text(CHANGES),
    )


def downgrade():
    op.drop_index('ix_audit_entries_changes', table_name='audit_entries')
