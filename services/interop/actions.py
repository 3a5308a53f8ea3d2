"""User actions of the exchange formats: the FHIR download, the FHIR import (preview,
then import) and the lists as spreadsheets. Each owns its transaction; a download is a
write, since it is recorded in the audit trail."""

from __future__ import annotations

from db import config
from db.session import read_scope, session_scope
from services.core.identity import Actor, user_action
from services.interop import fhir_export, fhir_import, outside, spreadsheets
from services.interop.fhir_import import ImportPreview, ImportResult
from services.interop.outside import OutsideRecord
from services.interop.spreadsheets import ListRequest


@user_action("records.export")
def download_fhir(actor: Actor, patient_id: int) -> bytes:
    """The whole patient as a FHIR R4 Bundle (JSON)."""
    with session_scope() as s:
        return fhir_export.as_json(fhir_export.patient_bundle(s, actor, patient_id)).encode()


@user_action("referrals.edit")
def preview_fhir_import(actor: Actor, files: list[tuple[str, bytes]]) -> ImportPreview:
    """What importing the FHIR files would create, match and leave out; nothing is saved."""
    with read_scope() as s:
        return fhir_import.preview_import(s, actor, files)


@user_action("referrals.edit")
def run_fhir_import(
    actor: Actor, files: list[tuple[str, bytes]], duplicates: str, region: str
) -> ImportResult:
    """Import the patients, their family and coverage: all of it, or (on a failure) none."""
    with session_scope() as s:
        return fhir_import.apply_import(s, actor, files, duplicates=duplicates, region=region)


@user_action("records.export")
def list_preview(actor: Actor, req: ListRequest) -> list[dict]:
    """The list's rows, to show before downloading (a read: nothing leaves yet)."""
    settings = config.load()
    with read_scope() as s:
        return spreadsheets.list_rows(s, actor, req, region=settings.region, tz=settings.timezone)


@user_action("records.export")
def download_list(actor: Actor, req: ListRequest, fmt: str) -> bytes:
    """The list as a CSV or Excel file."""
    settings = config.load()
    with session_scope() as s:
        return spreadsheets.export_list(
            s, actor, req, fmt, region=settings.region, tz=settings.timezone
        )


@user_action("patients.read")
def outside_record(actor: Actor, patient_id: int) -> OutsideRecord:
    """Diagnoses, allergies and medications from other systems' files (read only)."""
    with read_scope() as s:
        return outside.outside_record(s, actor, patient_id)
