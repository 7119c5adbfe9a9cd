"""transparency: committee keys belong to a member and count once confirmed; the co-sign threshold

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 19:40:00

A committee member now registers a co-signing key from their own device (the web app makes
it in the browser, the offline CLI in a file). `transparency_key` says whose key it is
(`member_id`), on which device (`device`, the member's own label), and who confirmed it
and when: a key counts only once another committee member or the manager confirmed it.
Keys registered before this were added at the server by its operator, so the upgrade
takes them as confirmed. `registry_community.cosign_threshold` is how many committee
members must co-sign before a notice reads "co-signed" (one by default).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("transparency_key") as batch:
        batch.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("device", sa.String(length=80), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("confirmed_by", sa.Integer(), nullable=True))
    op.execute("UPDATE transparency_key SET confirmed_at = added_at")
    with op.batch_alter_table("registry_community") as batch:
        batch.add_column(
            sa.Column("cosign_threshold", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("registry_community") as batch:
        batch.drop_column("cosign_threshold")
    with op.batch_alter_table("transparency_key") as batch:
        batch.drop_column("confirmed_by")
        batch.drop_column("confirmed_at")
        batch.drop_column("device")
        batch.drop_column("member_id")
