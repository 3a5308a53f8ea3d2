"""What happened and is planned around the patient, as FHIR R4: referrals (ServiceRequest
with its Task carrying the HL7 Gravity status), appointments, the communication log, and
each scored intake instrument as a QuestionnaireResponse with an Observation for its score
(LOINC-coded where LOINC has the total: PHQ-9, GAD-7, PHQ-2)."""

from __future__ import annotations

from db.models import (
    Appointment,
    AssessmentResponse,
    Communication,
    Direction,
    Referral,
)
from services.intake.instruments import Definition
from services.interop.fhir_common import (
    LOINC,
    QUESTIONNAIRE_BASE,
    SNOMED,
    Refs,
    coded,
    day,
    drop_empty,
    instant,
    resource_id,
)

# Gravity referral status -> ServiceRequest.status (the Task carries the detail)
REQUEST_STATUS = {
    "draft": "draft",
    "requested": "active",
    "received": "active",
    "accepted": "active",
    "in progress": "active",
    "on hold": "on-hold",
    "completed": "completed",
    "rejected": "revoked",
    "cancelled": "revoked",
}
APPOINTMENT_STATUS = {
    "proposed": "proposed",
    "booked": "booked",
    "confirmed": "booked",
    "arrived": "arrived",
    "completed": "fulfilled",
    "cancelled": "cancelled",
    "no-show": "noshow",
}
# How a call or letter went (HL7 v3 ParticipationMode)
MEDIUM = {
    "phone": ("PHONE", "telephone"),
    "email": ("EMAILWRIT", "email"),
    "fax": ("FAXWRIT", "telefax"),
    "letter": ("MAILWRIT", "mail"),
    "in person": ("FACE", "face-to-face"),
    "portal": ("ONLINEWRIT", "online written"),
}
# Instrument code -> LOINC code of its total score
LOINC_TOTALS = {
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
    "gad7": (
        "70274-6",
        "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    ),
    "phq2": ("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]"),
}


def _base(kind: str, url: str) -> dict:
    return {"resourceType": kind, "id": resource_id(url)}


def referral_resources(r: Referral, refs: Refs) -> list[dict]:
    """The referral (ServiceRequest) and the organization's work on it (Task)."""
    supporting = []
    if r.reason_kind == "care-plan goal" and refs.has("Goal", r.reason_id):
        supporting.append(refs.ref("Goal", r.reason_id))
    requester = refs.ref("Practitioner", r.owner_user_id) if r.owner_user_id else None
    # A draft from the intake may not have its organization yet: then no performer/owner.
    performer = (
        refs.ref("Organization", r.organization_id, r.organization.name)
        if r.organization_id is not None
        else None
    )
    request = _base("ServiceRequest", refs.url("ServiceRequest", r.id)) | {
        "status": REQUEST_STATUS[r.status],
        "intent": "order",
        "category": [coded(SNOMED, "3457005", "Patient referral")],
        "priority": r.urgency,
        "code": {"text": r.service},
        "subject": refs.ref("Patient", r.patient_id),
        "authoredOn": day(r.sent_on),
        "requester": requester,
        "performer": [performer] if performer else None,
        "reasonCode": [{"text": r.reason_text}] if r.reason_text else None,
        "supportingInfo": supporting,
        "note": [{"text": "The patient consented to the referral."}]
        if r.consent_recorded
        else None,
    }
    task = _base("Task", refs.url("Task", f"referral-{r.id}")) | {
        "status": r.status.replace(" ", "-"),
        "statusReason": {"text": r.status_reason} if r.status_reason else None,
        "intent": "order",
        "priority": r.urgency,
        "code": coded(
            "http://hl7.org/fhir/CodeSystem/task-code", "fulfill", "Fulfill the focal request"
        ),
        "focus": refs.ref("ServiceRequest", r.id),
        "for": refs.ref("Patient", r.patient_id),
        "authoredOn": day(r.sent_on),
        "executionPeriod": {"end": day(r.closed_on)} if r.closed_on else None,
        "requester": requester,
        "owner": performer,
        "restriction": {"period": {"end": day(r.expected_response_by)}}
        if r.expected_response_by
        else None,
        "output": [{"type": {"text": "outcome"}, "valueString": r.outcome}] if r.outcome else None,
    }
    return [drop_empty(request), drop_empty(task)]


def appointment_resource(a: Appointment, refs: Refs) -> dict:
    participants = [
        {
            "actor": refs.ref("Patient", a.patient_id),
            "required": "required",
            "status": "accepted",
        }
    ]
    if a.staff_id:
        participants.append({"actor": refs.ref("Practitioner", a.staff_id), "status": "accepted"})
    if a.provider:  # an organization cannot take part in an R4 Appointment: named only
        participants.append({"actor": {"display": a.provider}, "status": "accepted"})
    data = _base("Appointment", refs.url("Appointment", a.id)) | {
        "status": APPOINTMENT_STATUS[a.status],
        "cancelationReason": {"text": a.status_reason}
        if a.status == "cancelled" and a.status_reason
        else None,
        "serviceType": [{"text": a.kind}],
        "description": a.title,
        "start": instant(a.start_at),
        "end": instant(a.end_at),
        "created": instant(a.created_at),
        "comment": a.notes,
        "participant": participants,
    }
    return drop_empty(data)


def _party(c: Communication, refs: Refs) -> dict:
    if c.with_kind == "organization" and c.organization_id:
        return refs.ref("Organization", c.organization_id, c.with_name)
    if c.with_kind == "family member" and c.related_person_id:
        return refs.ref("RelatedPerson", c.related_person_id, c.with_name)
    if c.with_kind == "patient" and c.patient_id:
        return refs.ref("Patient", c.patient_id)
    return {"display": c.with_name}


def communication_resource(c: Communication, refs: Refs) -> dict:
    staff = refs.ref("Practitioner", c.by_user_id) if c.by_user_id else None
    other = _party(c, refs)
    outgoing = c.direction == Direction.OUTGOING
    medium = MEDIUM.get(c.channel)
    data = _base("Communication", refs.url("Communication", c.id)) | {
        "basedOn": [refs.ref("ServiceRequest", c.referral_id)]
        if c.referral_id and refs.has("ServiceRequest", c.referral_id)
        else None,
        "status": "completed",
        "medium": [
            coded(
                "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode",
                medium[0],
                medium[1],
                c.channel,
            )
            if medium
            else {"text": c.channel}
        ],
        "subject": refs.ref("Patient", c.patient_id),
        "sent": instant(c.occurred_at) if outgoing else None,
        "received": instant(c.occurred_at) if not outgoing else None,
        "recipient": [other] if outgoing else ([staff] if staff else None),
        "sender": staff if outgoing else other,
        "payload": [{"contentString": c.summary}],
        "note": [{"text": f"Outcome: {c.outcome}"}] if c.outcome else None,
    }
    return drop_empty(data)


def assessment_resources(
    r: AssessmentResponse, definition: Definition | None, refs: Refs
) -> list[dict]:
    """The answers (QuestionnaireResponse) and the score (Observation derived from them)."""
    items = []
    texts = {i.id: i.text for i in definition.items} if definition else {}
    ids = [i.id for i in definition.items] if definition else []
    for n, value in enumerate(r.answers or []):
        link = ids[n] if n < len(ids) else f"item{n + 1}"
        items.append(
            {"linkId": link, "text": texts.get(link), "answer": [{"valueInteger": int(value)}]}
        )
    items.append({"linkId": "total", "text": "Total score", "answer": [{"valueInteger": r.total}]})
    author = refs.ref("Practitioner", r.assessed_by_id) if r.assessed_by_id else None
    qr_url = refs.url("QuestionnaireResponse", r.id)
    answers = _base("QuestionnaireResponse", qr_url) | {
        "questionnaire": f"{QUESTIONNAIRE_BASE}:{r.instrument_code}|{r.instrument_version}",
        "status": "completed",
        "subject": refs.ref("Patient", r.patient_id),
        "authored": instant(r.assessed_at),
        "author": author,
        "item": items,
    }
    loinc = LOINC_TOTALS.get(r.instrument_code)
    words = f"{r.instrument_title} total score"
    code = coded(LOINC, loinc[0], loinc[1], words) if loinc else {"text": words}
    flags = (definition.flag_labels if definition else {}) if r.flags else {}
    score = _base("Observation", refs.url("Observation", r.id)) | {
        "status": "final",
        "category": [
            coded("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")
        ],
        "code": code,
        "subject": refs.ref("Patient", r.patient_id),
        "effectiveDateTime": instant(r.assessed_at),
        "performer": [author] if author else None,
        "valueInteger": r.total,
        "interpretation": [{"text": f"{r.band}{' (positive screen)' if r.positive else ''}"}],
        "note": [{"text": flags.get(f, f)} for f in (r.flags or [])],
        "derivedFrom": [{"reference": qr_url}],
    }
    return [drop_empty(answers), drop_empty(score)]
