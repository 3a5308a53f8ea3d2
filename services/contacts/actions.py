"""One function per user action on the Contacts page, each in its own transaction.

The page and its components call these and get plain values back (rows, ids, dicts),
so nothing on the page holds a database session or a live ORM object.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from db import config
from db.base import today, utcnow
from db.session import session_scope
from services.contacts import (
    communications,
    coverage,
    directory,
    directory_export,
    directory_search,
    family,
    prior_auths,
    referrals,
)
from services.contacts.coverage import CoverageInput
from services.contacts.directory import OrgInput, PersonInput
from services.contacts.directory_import import apply_import, preview_import
from services.contacts.prior_auths import PriorAuthInput
from services.core.contact_data import display_phone
from services.core.identity import Actor
from services.patients import registry as patients
from services.scheduling import providers


def search_directory(actor: Actor, query: str, **kw) -> dict:
    with session_scope() as s:
        found = directory_search.search_organizations(s, actor, query, **kw)
        return {
            "rows": directory_search.org_rows(found.rows),
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
        }


def org_detail(actor: Actor, org_id: int, region: str) -> dict:
    with session_scope() as s:
        o = directory.get_organization(s, actor, org_id)
        fields = asdict(OrgInput.from_org(o))
        shown = dict(fields)
        shown["phone"] = display_phone(o.phone, region)
        shown["fax"] = display_phone(o.fax, region)
        return {
            "id": o.id,
            "name": o.name,
            "version": o.version,
            "status": o.status,
            "status_reason": o.status_reason,
            "stale": directory.is_stale(o),
            "reachable": o.reachable,
            "input": OrgInput.from_org(o),
            "shown": shown,
            "people": [
                {
                    "Name": p.name,
                    "Role": p.role or "",
                    "Phone": display_phone(p.phone, region),
                    "Email": p.email or "",
                    "Prefers": p.preferred_method or "",
                    "id": p.id,
                }
                for p in o.people
            ],
            "communications": communications.communication_rows(
                communications.communications(s, actor, organization_id=o.id, limit=20)
            ),
            "coming_up": providers.coming_up_with(s, o.id, config.load().timezone),
        }


def save_org(actor: Actor, data: OrgInput, region: str, org_id=None, version=None) -> int:
    with session_scope() as s:
        if org_id is None:
            return directory.create_organization(s, actor, data, region=region).id
        return directory.update_organization(s, actor, org_id, data, version, region=region).id


def mark_verified(actor: Actor, org_id: int) -> None:
    with session_scope() as s:
        directory.mark_verified(s, actor, org_id)


def remove_org(actor: Actor, org_id: int, reason: str) -> str:
    with session_scope() as s:
        return directory.remove_organization(s, actor, org_id, reason)


def restore_org(actor: Actor, org_id: int) -> None:
    with session_scope() as s:
        directory.restore_organization(s, actor, org_id)


def add_person(actor: Actor, org_id: int, data: PersonInput, region: str) -> None:
    with session_scope() as s:
        directory.add_person(s, actor, org_id, data, region=region)


def export(actor: Actor, fmt: str) -> bytes:
    with session_scope() as s:
        if fmt == "xlsx":
            return directory_export.export_xlsx(s, actor)
        return directory_export.export_csv(s, actor).encode("utf-8")


def org_options(actor: Actor, query: str, org_type: str | None = None) -> dict[int, str]:
    """Up to 25 active organizations matching the words, for a picker."""
    with session_scope() as s:
        found = directory_search.search_organizations(s, actor, query, org_type=org_type)
        return {o.id: f"{o.name} ({o.org_type})" for o in found.rows}


# Import -------------------------------------------------------------------------------------


def preview(actor: Actor, content: bytes, duplicates: str, region: str):
    with session_scope() as s:
        return preview_import(s, actor, content, duplicates=duplicates, region=region)


def run_import(actor: Actor, content: bytes, duplicates: str, region: str, progress=None):
    with session_scope() as s:
        return apply_import(
            s, actor, content, duplicates=duplicates, region=region, progress=progress
        )


# Around the patient --------------------------------------------------------------------------


def find_patients(actor: Actor, query: str) -> dict[int, str]:
    with session_scope() as s:
        found = patients.search_patients(s, actor, query, page_size=25)
        return {p.id: f"{p.display_name} · MRN {p.mrn} · born {p.birth_date}" for p in found.rows}


def patient_contacts(actor: Actor, patient_id: int) -> dict:
    on = today()
    with session_scope() as s:
        p = patients.get_patient(s, actor, patient_id)
        people = family.family_of(s, actor, patient_id)
        covs = coverage.coverages_of(s, actor, patient_id)
        pas = prior_auths.prior_auths_of(s, actor, patient_id)
        refs = referrals.referrals_of(s, actor, patient_id)
        comms = communications.communications(s, actor, patient_id=patient_id, limit=50)
        return {
            "name": p.display_name,
            "mrn": p.mrn,
            "family": family.family_rows(people, on),
            "coverage": coverage.coverage_rows(covs, on),
            "prior_auths": [
                r | {"next": sorted(str(x) for x in prior_auths.PA_TRANSITIONS[pa.status])}
                for r, pa in zip(prior_auths.prior_auth_rows(pas, on), pas, strict=True)
            ],
            "referrals": [
                r | {"next": referrals.allowed_next(ref.status), "version": ref.version}
                for r, ref in zip(referrals.referral_rows(refs, on), refs, strict=True)
            ],
            "communications": communications.communication_rows(comms),
        }


def add_family(actor, patient_id, data, region):
    with session_scope() as s:
        family.add_related_person(s, actor, patient_id, data, region=region)


def add_consent(actor, person_id, data):
    with session_scope() as s:
        family.record_consent(s, actor, person_id, data)


def add_coverage(actor, patient_id, data):
    with session_scope() as s:
        coverage.add_coverage(s, actor, patient_id, data)


def coverage_for_edit(actor, coverage_id) -> tuple[CoverageInput, int, dict[int, str]]:
    """The saved coverage as form values, its version, and its insurer as a picker choice
    (kept even if the insurer was archived in the directory since)."""
    with session_scope() as s:
        cov = coverage.get_coverage(s, actor, coverage_id)
        payer = {cov.payer_id: f"{cov.payer.name} ({cov.payer.org_type})"}
        return coverage.coverage_input(cov), cov.version, payer


def correct_coverage(actor, coverage_id, data, version):
    with session_scope() as s:
        coverage.correct_coverage(s, actor, coverage_id, data, version)


def end_coverage(actor, coverage_id, end_on, version):
    with session_scope() as s:
        coverage.end_coverage(s, actor, coverage_id, end_on, version)


def prior_auth_for_edit(actor, pa_id) -> tuple[PriorAuthInput, int]:
    with session_scope() as s:
        pa = prior_auths.get_prior_auth(s, actor, pa_id)
        return prior_auths.prior_auth_input(pa), pa.version


def correct_prior_auth(actor, pa_id, data, version):
    with session_scope() as s:
        prior_auths.correct_prior_auth(s, actor, pa_id, data, version)


def request_prior_auth(actor, coverage_id, data):
    with session_scope() as s:
        prior_auths.request_prior_auth(s, actor, coverage_id, data)


def set_prior_auth(actor, pa_id, status, **kw):
    with session_scope() as s:
        prior_auths.set_prior_auth_status(s, actor, pa_id, status, **kw)


def insurer_options(actor) -> dict[int, str]:
    with session_scope() as s:
        return directory_search.organization_choices(s, "insurer", limit=500)


def create_referral(actor, patient_id, data, *, send, acknowledged_consent) -> int:
    with session_scope() as s:
        return referrals.create_referral(
            s, actor, patient_id, data, send=send, acknowledged_consent=acknowledged_consent
        ).id


def move_referral(actor, referral_id, status, **kw) -> None:
    with session_scope() as s:
        referrals.move_referral(s, actor, referral_id, status, **kw)


def referral_detail(actor, referral_id) -> dict:
    with session_scope() as s:
        ref = referrals.get_referral(s, actor, referral_id)
        return {
            "id": ref.id,
            "status": ref.status,
            "version": ref.version,
            "next": referrals.allowed_next(ref.status),
            "org": ref.organization.name,
            "org_id": ref.organization_id,
            "service": ref.service,
            "patient_id": ref.patient_id,
            "history": referrals.history_rows(ref),
            "communications": communications.communication_rows(
                communications.communications(s, actor, referral_id=ref.id)
            ),
        }


def referral_board(actor, mine_only: bool) -> dict:
    with session_scope() as s:
        referrals.create_due_followups(s, utcnow())
        return referrals.board(s, actor, owner_user_id=actor.id if mine_only else None)


def log_communication(actor, data, *, acknowledged_consent: bool) -> int:
    with session_scope() as s:
        return communications.log_communication(
            s, actor, data, acknowledged_consent=acknowledged_consent
        ).id


def family_options(actor, patient_id) -> dict[int, str]:
    with session_scope() as s:
        return {
            p.id: f"{p.name} ({p.relationship_})" for p in family.family_of(s, actor, patient_id)
        }


def consent_warning(person_id: int, on: date | None = None) -> str | None:
    with session_scope() as s:
        return family.consent_problem(s, person_id, on=on)


def fhir_bundle(actor, patient_id) -> str:
    from services.contacts.fhir import patient_bundle

    with session_scope() as s:
        return patient_bundle(s, actor, patient_id)
