"""Around one patient: everything the patient view shows, family and consent. (The FHIR
export of the whole patient is in services.interop.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.base import today
from db.session import read_scope, session_scope
from services.contacts import (
    communications,
    coverage,
    family,
    prior_auths,
    referral_reasons,
    referrals,
)
from services.contacts.family import ConsentInput, RelatedPersonInput
from services.contacts.referral_status import allowed_next
from services.core.clock import clinic_tz
from services.core.identity import Actor, user_action
from services.patients import registry as patients


@dataclass(frozen=True)
class PatientContacts:
    """Everything the patient view of the Contacts page shows, in one read."""

    name: str
    mrn: str
    family: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    prior_auths: list[dict[str, Any]]  # each with "next": the statuses it may move to
    referrals: list[dict[str, Any]]  # each with "next" and "version"
    communications: list[dict[str, Any]]
    reasons: dict[tuple[str, int], str]  # what a referral may answer: goals, intake findings


@user_action("patients.read")
def patient_contacts(actor: Actor, patient_id: int) -> PatientContacts:
    """Everything the patient view shows. Reads only: the page records its view once per
    opening (components.shared.viewed)."""
    on = today()
    with read_scope() as s:
        p = patients.get_patient(s, actor, patient_id, record_view=False)
        pas = prior_auths.prior_auths_of(s, actor, patient_id)
        refs = referrals.referrals_of(s, actor, patient_id)
        comms = communications.communications(s, actor, patient_id=patient_id, limit=50)
        return PatientContacts(
            name=p.display_name,
            mrn=p.mrn,
            family=family.family_rows(family.family_of(s, actor, patient_id), on),
            coverage=coverage.coverage_rows(coverage.coverages_of(s, actor, patient_id), on),
            prior_auths=[
                r | {"next": sorted(str(x) for x in prior_auths.PA_TRANSITIONS[pa.status])}
                for r, pa in zip(prior_auths.prior_auth_rows(pas, on), pas, strict=True)
            ],
            referrals=[
                r | {"next": allowed_next(ref.status), "version": ref.version}
                for r, ref in zip(referrals.referral_rows(refs, on), refs, strict=True)
            ],
            communications=communications.communication_rows(comms, clinic_tz()),
            reasons=referral_reasons.reason_choices(s, patient_id),
        )


@user_action("referrals.edit")
def add_family(actor: Actor, patient_id: int, data: RelatedPersonInput, region: str) -> None:
    with session_scope() as s:
        family.add_related_person(s, actor, patient_id, data, region=region)


@user_action("referrals.edit")
def archive_family(actor: Actor, person_id: int, reason: str, version: int | None = None) -> None:
    """Take someone off the patient's family list (archived with the reason, never deleted),
    as the screen showed them."""
    with session_scope() as s:
        family.archive_related_person(s, actor, person_id, reason, version=version)


@user_action("referrals.edit")
def add_consent(actor: Actor, person_id: int, data: ConsentInput) -> None:
    with session_scope() as s:
        family.record_consent(s, actor, person_id, data)
