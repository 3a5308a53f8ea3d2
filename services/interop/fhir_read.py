"""Reading a FHIR R4 Bundle (an EHR's export, a Synthea patient, CareDesk's own export):
what CareDesk can take from each Patient, RelatedPerson and Coverage, and why it leaves the
rest. Nothing here touches the database; fhir_import matches and saves.

A file is refused whole, with a plain reason, when it is not JSON, not a FHIR Bundle or
Patient, or not valid FHIR R4 (R5 or STU3 shapes fail the R4 models).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

from services.contacts.family import RELATIONSHIPS, RelatedPersonInput
from services.interop.fhir_common import (
    INTERPRETER_EXT,
    MRN_SYSTEM,
    PRONOUNS_EXT,
    validation_problems,
)
from services.interop.fhir_people import FLAGS, ROLE_CODES
from services.interop.fhir_values import (
    Index,
    OutsidePlan,
    language_of,
    outside_plan,
    telecom_values,
    words,
)
from services.patients.registry import SEXES, PatientInput

MAX_FILE_BYTES = 50_000_000
KEPT = ("Patient", "RelatedPerson", "Coverage")
# Kept read-only beside the patient, while current in the file (see db.models.interop)
OUTSIDE = {
    "Condition": ("condition", "subject", ("active", "recurrence", "relapse")),
    "AllergyIntolerance": ("allergy", "patient", ("active",)),
    "MedicationStatement": ("medication", "subject", ("active", "intended", "on-hold", "unknown")),
    "MedicationRequest": ("medication", "subject", ("active", "on-hold")),
}
# Why CareDesk leaves a resource type out (the rest: "not kept in CareDesk")
WHY_NOT = {
    "Organization": "organizations come in only as the insurer of a coverage",
    "Practitioner": "staff are CareDesk accounts",
    "PractitionerRole": "staff are CareDesk accounts",
    "Encounter": "visits stay in the record they came from",
    "Condition": "resolved or inactive in the file",
    "AllergyIntolerance": "resolved or inactive in the file",
    "MedicationStatement": "stopped or completed in the file",
    "MedicationRequest": "stopped or completed in the file",
    "Observation": "results stay in the EHR; screenings are scored in CareDesk's intake",
    "Claim": "billing is not kept in CareDesk",
    "ExplanationOfBenefit": "billing is not kept in CareDesk",
    "Provenance": "record-keeping detail of the sending system",
    "Consent": "consent to share is recorded again, signed, with each family member",
    "CarePlan": "care plans are made in CareDesk with the patient",
    "CareTeam": "care teams are made in CareDesk with the patient",
    "Goal": "goals are set in CareDesk with the patient, in their own words",
    "Task": "tasks are made in CareDesk",
    "ServiceRequest": "referrals are sent from CareDesk",
    "Appointment": "appointments are booked in CareDesk's calendar",
    "Communication": "the call log is kept in CareDesk",
    "QuestionnaireResponse": "screenings are scored in CareDesk's intake",
}
REL_FROM_CODE = {code: ours for ours, (code, _) in ROLE_CODES.items()}
FLAG_CODES = {coding[1]: flag for flag, (coding, _) in FLAGS.items() if coding}
FLAG_WORDS = {words: flag for flag, (_, words) in FLAGS.items()}


class Refused(ValueError):
    """The whole file is refused; the message says why in plain words."""


@dataclass(frozen=True)
class FamilyPlan:
    data: RelatedPersonInput
    active: bool = True


@dataclass(frozen=True)
class CoveragePlan:
    payer_name: str
    payer_phone: str | None
    plan_name: str
    member_id: str
    group_number: str
    start_on: date | None
    end_on: date | None
    order: int


@dataclass(frozen=True)
class PatientPlan:
    """One patient of the file as CareDesk would record them."""

    data: PatientInput
    file_mrn: str  # the record number the file gives ("" if none)
    notes: tuple[str, ...] = ()  # what was left out of this patient, and why
    family: tuple[FamilyPlan, ...] = ()
    coverage: tuple[CoveragePlan, ...] = ()
    problem: str = ""  # set when this patient cannot be taken
    active: bool = True  # False: archived in CareDesk once imported
    outside: tuple[OutsidePlan, ...] = ()

    @property
    def label(self) -> str:
        d = self.data
        return f"{d.family_name}, {d.given_name} · born {d.birth_date or 'unknown'}"


@dataclass(frozen=True)
class FileReading:
    name: str
    refused: str = ""
    patients: tuple[PatientPlan, ...] = ()
    ignored: tuple[tuple[str, int, str], ...] = ()  # (what, how many, why)


def _entries(bundle: dict) -> list[dict]:
    if bundle.get("resourceType") == "Patient":
        return [{"resource": bundle}]
    return [e for e in bundle.get("entry") or [] if isinstance(e, dict) and e.get("resource")]


def read_file(name: str, content: bytes) -> FileReading:
    """What the file holds for CareDesk; a refused file says why."""
    try:
        return _read(name, content)
    except Refused as exc:
        return FileReading(name, refused=str(exc))


def _read(name: str, content: bytes) -> FileReading:
    if len(content) > MAX_FILE_BYTES:
        raise Refused("The file is larger than 50 MB; export fewer patients per file.")
    try:
        bundle = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused("This is not a FHIR JSON file (it cannot be read as JSON).") from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") not in ("Bundle", "Patient"):
        raise Refused("This is not a FHIR Bundle or Patient.")
    if bundle.get("resourceType") == "Patient":
        checked = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": bundle}]}
    else:
        checked = bundle
    problems = validation_problems(checked)
    if problems:
        raise Refused(
            "This file is not valid FHIR R4 (version 4.0.1), so nothing was taken from it. "
            f"First problem: {problems[0]}"
        )
    entries = _entries(bundle)
    index = Index(entries)
    patients: dict[int, PatientPlan] = {}
    order: list[int] = []
    for e in entries:
        res = e["resource"]
        if res["resourceType"] == "Patient":
            patients[id(res)] = patient_plan(res)
            order.append(id(res))
    ignored: dict[str, tuple[int, str]] = {}
    payers = {
        id(index.get(ref))
        for e in entries
        if e["resource"]["resourceType"] == "Coverage"
        for ref in e["resource"].get("payor") or []
        if index.get(ref) is not None
    }
    for e in entries:
        res = e["resource"]
        kind = res["resourceType"]
        if kind == "RelatedPerson":
            owner = index.get(res.get("patient"))
            if owner is None or id(owner) not in patients:
                _ignore(ignored, "RelatedPerson", "the patient it belongs to is not in the file")
                continue
            plan = patients[id(owner)]
            family, note = family_plan(res)
            patients[id(owner)] = replace(
                plan, family=plan.family + (family,), notes=plan.notes + note
            )
        elif kind == "Coverage":
            owner = index.get(res.get("beneficiary"))
            if owner is None or id(owner) not in patients:
                _ignore(ignored, "Coverage", "the patient it covers is not in the file")
                continue
            cover, why = coverage_plan(res, index)
            if cover is None:
                _ignore(ignored, "Coverage", why)
                continue
            plan = patients[id(owner)]
            patients[id(owner)] = replace(plan, coverage=plan.coverage + (cover,))
        elif kind in OUTSIDE:
            item_kind, owner_key, current = OUTSIDE[kind]
            owner = index.get(res.get(owner_key))
            item = outside_plan(res, item_kind, current, index)
            if owner is None or id(owner) not in patients:
                _ignore(ignored, kind, "the patient it belongs to is not in the file")
            elif item is None:
                _ignore(ignored, kind, WHY_NOT[kind])
            else:
                plan = patients[id(owner)]
                patients[id(owner)] = replace(plan, outside=plan.outside + (item,))
        elif kind != "Patient" and id(res) not in payers:
            _ignore(ignored, kind, WHY_NOT.get(kind, "not kept in CareDesk"))
    if not patients:
        raise Refused("The file holds no Patient.")
    return FileReading(
        name,
        patients=tuple(patients[k] for k in order),
        ignored=tuple((k, n, why) for k, (n, why) in sorted(ignored.items())),
    )


def _ignore(ignored: dict, kind: str, why: str) -> None:
    n, _ = ignored.get(kind, (0, why))
    ignored[kind] = (n + 1, why)


def _mrn(identifiers: list[dict] | None) -> str:
    ids = identifiers or []
    ours = [i for i in ids if i.get("system") == MRN_SYSTEM and i.get("value")]
    if ours:
        return ours[0]["value"]
    for i in ids:
        codes = [c.get("code") for c in (i.get("type") or {}).get("coding") or []]
        if "MR" in codes and i.get("value"):
            return i["value"]
    return ""


def _fits(mrn: str) -> bool:
    return 0 < len(mrn) <= 32 and all(c.isalnum() or c == "-" for c in mrn)


def patient_plan(res: dict) -> PatientPlan:
    notes: list[str] = []
    names = res.get("name") or []
    official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    usual = next((n for n in names if n.get("use") in ("usual", "nickname")), None)
    given = " ".join(official.get("given") or [])
    family = official.get("family") or ""
    if not (given and family) and official.get("text"):
        parts = official["text"].split()
        given, family = given or " ".join(parts[:-1]), family or (parts[-1] if parts else "")
    phone, mobile, email, phone_notes = telecom_values(res.get("telecom"))
    phone = phone or mobile
    notes += phone_notes
    addresses = res.get("address") or []
    home = next((a for a in addresses if a.get("use") == "home"), addresses[0] if addresses else {})
    pronouns = ""
    interpreter = False
    for ext in res.get("extension") or []:
        if ext.get("url") == INTERPRETER_EXT:
            interpreter = bool(ext.get("valueBoolean"))
        elif ext.get("url") == PRONOUNS_EXT:
            value = next(
                (x for x in ext.get("extension") or [] if x.get("url") == "value"), {}
            ).get("valueCodeableConcept")
            pronouns = words(value)
    mrn = _mrn(res.get("identifier"))
    if mrn and not _fits(mrn):
        notes.append(
            "the file's record number does not fit CareDesk's MRN (up to 32 letters, digits "
            "and dashes): a new MRN is given"
        )
    problem = ""
    birth = None
    try:
        birth = date.fromisoformat(res.get("birthDate") or "")
    except ValueError:
        problem = "no full date of birth in the file"
    if not (given and family):
        problem = "no given and family name in the file"
    if len(given) > 100 or len(family) > 100:
        problem = "a name longer than 100 characters"
    if res.get("deceasedBoolean") or res.get("deceasedDateTime"):
        notes.append("the file says the patient has died: check before any contact")
    active = res.get("active", True) is not False
    if not active:
        notes.append("the record is inactive in the file: it is archived once imported")
    data = PatientInput(
        given_name=given,
        family_name=family,
        birth_date=birth,
        preferred_name=" ".join((usual or {}).get("given") or [])[:100],
        sex=res.get("gender") if res.get("gender") in SEXES else "",
        pronouns=pronouns[:40],
        preferred_language=language_of(res.get("communication"))[:40] or "English",
        interpreter_needed=interpreter,
        phone=phone,
        email=email,
        address_line=", ".join(home.get("line") or [])[:200],
        city=(home.get("city") or "")[:100],
        state=(home.get("state") or "")[:50],
        postal_code=(home.get("postalCode") or "")[:20],
        mrn=mrn if _fits(mrn) else "",
    )
    return PatientPlan(data, mrn, tuple(notes), problem=problem, active=active)


def family_plan(res: dict) -> tuple[FamilyPlan, tuple[str, ...]]:
    names = res.get("name") or [{}]
    name = (
        names[0].get("text")
        or " ".join([*(names[0].get("given") or []), names[0].get("family") or ""]).strip()
    )
    relationship, flags = "other", set()
    for concept in res.get("relationship") or []:
        words = concept.get("text") or ""
        codes = [c.get("code") for c in concept.get("coding") or []]
        if words in RELATIONSHIPS and relationship == "other":
            relationship = words
        elif any(c in REL_FROM_CODE for c in codes) and relationship == "other":
            relationship = REL_FROM_CODE[next(c for c in codes if c in REL_FROM_CODE)]
        flags |= {FLAG_CODES[c] for c in codes if c in FLAG_CODES}
        if words in FLAG_WORDS:
            flags.add(FLAG_WORDS[words])
    phone, mobile, email, notes = telecom_values(res.get("telecom"))
    if "emergency_contact" in flags and not (phone or mobile):
        flags.discard("emergency_contact")
        notes.append(f"{name} is an emergency contact in the file but has no usable phone")
    data = RelatedPersonInput(
        name=(name or "Name not given")[:200],
        relationship=relationship,
        phone=phone,
        mobile_phone=mobile,
        email=email,
        language=language_of(res.get("communication"))[:40],
        **{flag: True for flag in flags},
    )
    return FamilyPlan(data, res.get("active", True) is not False), tuple(notes)


def coverage_plan(res: dict, index: Index) -> tuple[CoveragePlan | None, str]:
    if res.get("status") in ("cancelled", "entered-in-error"):
        return None, "the coverage is cancelled in the file"
    payors = res.get("payor") or []
    payer = index.get(payors[0]) if payors else None
    payer_name = (payer or {}).get("name") or (payors[0].get("display") if payors else "") or ""
    if not payer_name:
        return None, "the file does not name the insurer"
    member = res.get("subscriberId") or ""
    for i in res.get("identifier") or []:
        codes = [c.get("code") for c in (i.get("type") or {}).get("coding") or []]
        if not member and ("MB" in codes or not codes):
            member = i.get("value") or ""
    if not member:
        return None, "the file gives no member id"
    plan = group = ""
    for c in res.get("class") or []:
        codes = [x.get("code") for x in (c.get("type") or {}).get("coding") or []]
        if "plan" in codes:
            plan = c.get("name") or c.get("value") or ""
        elif "group" in codes:
            group = c.get("value") or ""
    plan = plan or words(res.get("type")) or payer_name
    period = res.get("period") or {}
    phone, _, _, _ = telecom_values((payer or {}).get("telecom"))

    def when(key: str) -> date | None:
        try:
            return date.fromisoformat((period.get(key) or "")[:10])
        except ValueError:
            return None

    return (
        CoveragePlan(
            payer_name=payer_name[:200],
            payer_phone=phone or None,
            plan_name=plan[:200],
            member_id=member[:60],
            group_number=group[:60],
            start_on=when("start"),
            end_on=when("end"),
            order=res.get("order") if res.get("order") in (1, 2, 3) else 1,
        ),
        "",
    )
