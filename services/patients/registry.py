"""Patients: find, register, edit, archive and restore (never a hard delete)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from db.base import today, utcnow
from db.models import LivingSituation, Patient, RecordStatus, User
from services.core import audit
from services.core.audit import Action
from services.core.contact_data import (
    normalize_email,
    normalize_phone,
    normalize_postal_code,
    normalize_state,
)
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.text import fold
from services.core.versions import check_version

MAX_AGE_YEARS = 130
PAGE_SIZE = 25
LIVING_SITUATIONS = [s.value for s in LivingSituation]
SEXES = ["female", "male", "other", "unknown"]


@dataclass
class PatientInput:
    """What the register/edit form collects. Blank strings mean 'not given'."""

    given_name: str = ""
    family_name: str = ""
    birth_date: date | None = None
    preferred_name: str = ""
    sex: str = ""
    pronouns: str = ""
    preferred_language: str = "English"
    interpreter_needed: bool = False
    phone: str = ""
    email: str = ""
    address_line: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    living_situation: str = ""
    primary_case_manager_id: int | None = None
    mrn: str = ""

    @classmethod
    def from_patient(cls, p: Patient) -> PatientInput:
        values = {f.name: getattr(p, f.name) for f in fields(cls)}
        return cls(
            **{
                k: ("" if v is None and k not in ("birth_date", "primary_case_manager_id") else v)
                for k, v in values.items()
            }
        )


class PossibleDuplicate(Exception):
    """Same folded name and date of birth as an existing patient; confirm or open theirs.

    Carries plain values: the transaction is rolled back before the page reads them.
    """

    def __init__(self, matches: list[Patient]):
        self.matches = [
            {"id": m.id, "mrn": m.mrn, "name": m.display_name, "birth_date": m.birth_date}
            for m in matches
        ]
        super().__init__(f"{len(matches)} patient(s) with the same name and date of birth")


@dataclass(frozen=True)
class SearchPage:
    rows: list[Patient]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _search_name(given: str, family: str, preferred: str | None) -> str:
    return fold(" ".join(x for x in (given, family, preferred or "") if x))


def _clean(data: PatientInput, s: Session, region: str, now: date) -> dict:
    """Validate every field; collect all messages; return the values to store."""
    errors: dict[str, str] = {}
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(data).items()}
    if not values["given_name"]:
        errors["given_name"] = "Enter the given (first) name."
    if not values["family_name"]:
        errors["family_name"] = "Enter the family (last) name."
    dob = values["birth_date"]
    if dob is None:
        errors["birth_date"] = "Enter the date of birth."
    elif isinstance(dob, datetime):
        values["birth_date"] = dob = dob.date()
    if dob is not None and dob > now:
        errors["birth_date"] = "The date of birth cannot be in the future."
    elif dob is not None and dob < now.replace(year=now.year - MAX_AGE_YEARS):
        errors["birth_date"] = (
            f"The date of birth is more than {MAX_AGE_YEARS} years ago; check the year."
        )
    for name, max_len in (("given_name", 100), ("family_name", 100), ("preferred_name", 100)):
        if len(values[name]) > max_len:
            errors[name] = f"Keep this under {max_len} characters."
    try:
        values["phone"] = normalize_phone(values["phone"], region)
    except ValueError as exc:
        errors["phone"] = str(exc)
    try:
        values["email"] = normalize_email(values["email"])
    except ValueError as exc:
        errors["email"] = str(exc)
    for field, check in (("state", normalize_state), ("postal_code", normalize_postal_code)):
        try:
            values[field] = check(values[field], region) or ""
        except ValueError as exc:
            errors[field] = str(exc)
    if values["living_situation"] and values["living_situation"] not in LIVING_SITUATIONS:
        errors["living_situation"] = "Choose a living situation from the list."
    if (
        values["primary_case_manager_id"] is not None
        and s.get(User, values["primary_case_manager_id"]) is None
    ):
        errors["primary_case_manager_id"] = "Choose a case manager from the list."
    if values["mrn"] and not re.fullmatch(r"[A-Za-z0-9-]{1,32}", values["mrn"]):
        errors["mrn"] = "Use letters, digits and dashes only (up to 32)."
    if not values["preferred_language"]:
        values["preferred_language"] = "English"
    if errors:
        raise InvalidInput(errors)
    for key in (
        "preferred_name",
        "sex",
        "pronouns",
        "address_line",
        "city",
        "state",
        "postal_code",
        "living_situation",
    ):
        values[key] = values[key] or None
    return values


def find_duplicates(
    s: Session, given: str, family: str, dob: date | None, exclude_id: int | None = None
) -> list[Patient]:
    if not (given and family and dob):
        return []
    # Compare folded names so "Jose" matches "José"; the date narrows it to a handful.
    candidates = s.scalars(select(Patient).where(Patient.birth_date == dob)).all()
    key = (fold(given), fold(family))
    matches = [p for p in candidates if (fold(p.given_name), fold(p.family_name)) == key]
    return [p for p in matches if p.id != exclude_id]


MRN_LOCK = 727_273  # PostgreSQL advisory lock: one MRN handed out at a time


def next_mrn(s: Session) -> str:
    if s.get_bind().dialect.name == "postgresql":
        # Two registrations at once would compute the same number (SQLite's BEGIN
        # IMMEDIATE already serialises writers); held until the transaction ends.
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MRN_LOCK})
    highest = s.scalar(select(func.max(Patient.id))) or 0
    candidate = highest + 1
    while s.scalar(select(Patient.id).where(Patient.mrn == f"CD{candidate:06d}")):
        candidate += 1
    return f"CD{candidate:06d}"


def register_patient(
    s: Session,
    actor: Actor,
    data: PatientInput,
    *,
    region: str = "US",
    confirmed_not_duplicate: bool = False,
) -> Patient:
    require(actor, "patients.edit")
    values = _clean(data, s, region, today())
    if not confirmed_not_duplicate:
        matches = find_duplicates(
            s, values["given_name"], values["family_name"], values["birth_date"]
        )
        if matches:
            raise PossibleDuplicate(matches)
    if values["mrn"] and s.scalar(select(Patient.id).where(Patient.mrn == values["mrn"])):
        raise InvalidInput({"mrn": "Another patient has this MRN."})
    values["mrn"] = values["mrn"] or next_mrn(s)
    patient = Patient(
        **values,
        search_name=_search_name(
            values["given_name"], values["family_name"], values["preferred_name"]
        ),
    )
    s.add(patient)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="patient",
        entity_id=patient.id,
        patient_id=patient.id,
        category="demographics",
    )
    return patient


def _snapshot(p: Patient) -> dict:
    return {f.name: getattr(p, f.name) for f in fields(PatientInput)}


def get_patient(
    s: Session, actor: Actor, patient_id: int, *, record_view: bool = True, where: str = ""
) -> Patient:
    require(actor, "patients.read")
    patient = s.get(Patient, patient_id)
    if patient is None:
        raise NotFound("No such patient.")
    if record_view:
        audit.record(
            s,
            actor,
            Action.VIEW,
            entity="patient",
            entity_id=patient.id,
            patient_id=patient.id,
            category="demographics",
            detail={"page": where} if where else None,
        )
    return patient


def update_patient(
    s: Session,
    actor: Actor,
    patient_id: int,
    data: PatientInput,
    expected_version: int,
    *,
    region: str = "US",
) -> Patient:
    """Save an edit made on the version the form showed; refuse if someone saved since."""
    require(actor, "patients.edit")
    patient = get_patient(s, actor, patient_id, record_view=False)
    values = _clean(data, s, region, today())
    before = _snapshot(patient)
    if patient.version != expected_version:
        theirs = before
        raise Conflict(
            "Someone else saved this patient while you were editing. Nothing of yours was saved: "
            "compare the two versions below, then edit again.",
            theirs=theirs,
            mine=values,
        )
    if (
        values["mrn"]
        and values["mrn"] != patient.mrn
        and s.scalar(
            select(Patient.id).where(Patient.mrn == values["mrn"], Patient.id != patient.id)
        )
    ):
        raise InvalidInput({"mrn": "Another patient has this MRN."})
    values["mrn"] = values["mrn"] or patient.mrn
    for key, value in values.items():
        setattr(patient, key, value)
    patient.search_name = _search_name(
        patient.given_name, patient.family_name, patient.preferred_name
    )
    changed = audit.changes(before, _snapshot(patient))
    if changed:
        s.flush()  # version_id_col turns a same-moment race into StaleDataError here
        audit.record(
            s,
            actor,
            Action.UPDATE,
            entity="patient",
            entity_id=patient.id,
            patient_id=patient.id,
            category="demographics",
            detail={"changes": changed},
        )
    return patient


def archive_patient(
    s: Session, actor: Actor, patient_id: int, reason: str, *, version: int | None = None
) -> Patient:
    require(actor, "patients.edit")
    if not reason or not reason.strip():
        raise InvalidInput(
            {"reason": "Say why this patient is archived (e.g. moved away, deceased, duplicate)."}
        )
    patient = get_patient(s, actor, patient_id, record_view=False)
    check_version(
        patient, version, "patient", {"status": "archived"},
        ["status", "status_reason", "family_name", "given_name"], editing=False,
    )  # fmt: skip
    if patient.status == RecordStatus.ARCHIVED:
        raise InvalidInput({"reason": "This patient is already archived."})
    patient.status = RecordStatus.ARCHIVED
    patient.status_reason = reason.strip()
    patient.archived_at = utcnow()
    audit.record(
        s,
        actor,
        Action.ARCHIVE,
        entity="patient",
        entity_id=patient.id,
        patient_id=patient.id,
        category="demographics",
        detail={"reason": reason.strip()},
    )
    return patient


def restore_patient(
    s: Session, actor: Actor, patient_id: int, *, version: int | None = None
) -> Patient:
    require(actor, "patients.edit")
    patient = get_patient(s, actor, patient_id, record_view=False)
    check_version(
        patient, version, "patient", {"status": "active"},
        ["status", "status_reason", "family_name", "given_name"], editing=False,
    )  # fmt: skip
    patient.status = RecordStatus.ACTIVE
    patient.status_reason = None
    patient.archived_at = None
    audit.record(
        s,
        actor,
        Action.RESTORE,
        entity="patient",
        entity_id=patient.id,
        patient_id=patient.id,
        category="demographics",
    )
    return patient


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _as_date(query: str) -> date | None:
    try:
        if _ISO_DATE.match(query):
            return date.fromisoformat(query)
        m = _US_DATE.match(query)
        if m:
            return date(int(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        return None
    return None


def search_patients(
    s: Session,
    actor: Actor,
    query: str = "",
    *,
    include_archived: bool = False,
    case_manager_id: int | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> SearchPage:
    """Find by name (accent/case-insensitive, any order), date of birth or MRN."""
    require(actor, "patients.read")
    query = (query or "").strip()
    conditions = []
    if not include_archived:
        conditions.append(Patient.status == RecordStatus.ACTIVE)
    if case_manager_id is not None:
        conditions.append(Patient.primary_case_manager_id == case_manager_id)
    dob = _as_date(query)
    if dob is not None:
        conditions.append(Patient.birth_date == dob)
    elif query:
        tokens = fold(query).split()
        name_match = and_(*[Patient.search_name.contains(t, autoescape=True) for t in tokens])
        conditions.append(or_(name_match, func.upper(Patient.mrn) == query.upper()))
    where = and_(*conditions) if conditions else True
    total = s.scalar(select(func.count(Patient.id)).where(where))
    page = max(1, page)
    rows = s.scalars(
        select(Patient)
        .where(where)
        .order_by(Patient.family_name, Patient.given_name, Patient.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return SearchPage(rows=list(rows), total=total, page=page, page_size=page_size)


def home_address(p: Patient) -> str | None:
    """The patient's home address on one line (where rides start and visits go)."""
    parts = [p.address_line, p.city, " ".join(x for x in (p.state, p.postal_code) if x)]
    joined = ", ".join(x for x in parts if x)
    return joined or None
