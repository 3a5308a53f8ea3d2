"""Appointments and rides link to the Contacts directory

The provider/facility of an appointment and the vendor of a ride were free text while
the directory did not exist; the id columns were already there. They become real
foreign keys (directory entries are archived, never deleted, once something points at
them), and appointments get an index for "who did we send patients to".

Revision ID: 0007_directory_links
Revises: 0006_join_capabilities
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_directory_links"
down_revision: str | Sequence[str] | None = "0006_join_capabilities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An id written before the directory existed points at nothing; the free-text name
    # beside it stays, the dangling id goes (else the new foreign key refuses the table).
    for table, column in (
        ("appointment", "provider_contact_id"),
        ("transport_booking", "vendor_contact_id"),
    ):
        op.execute(
            f"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL "
            f"AND {column} NOT IN (SELECT id FROM organization)"
        )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index("ix_appointment_provider", ["provider_contact_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_appointment_provider_contact_id_organization",
            "organization",
            ["provider_contact_id"],
            ["id"],
        )
    with op.batch_alter_table("transport_booking", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_transport_booking_vendor_contact_id_organization",
            "organization",
            ["vendor_contact_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("transport_booking", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_transport_booking_vendor_contact_id_organization", type_="foreignkey"
        )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_appointment_provider_contact_id_organization", type_="foreignkey"
        )
        batch_op.drop_index("ix_appointment_provider")
