"""The everyday lists as spreadsheets: caseload, open tasks, appointments, referrals and
the directory, as CSV or Excel (pandas), every cell guarded against formula injection
(services.core.spreadsheet) and every download recorded in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.base import today
from db.models import (
    Appointment,
    Patient,
    RecordStatus,
    Referral,
    ReferralStatus,
    Task,
    TaskStatus,
    User,
)
from services.contacts.directory_export import directory_frame
from services.contacts.referrals import TO_CHOOSE
from services.core import audit, clock, spreadsheet
from services.core.audit import Action
from services.core.contact_data import display_phone
from services.core.errors import InvalidInput
from services.core.identity import Actor, require

LISTS = {
    "caseload": "Caseload",
    "tasks": "Open tasks",
    "appointments": "Appointments",
    "referrals": "Open referrals",
    "directory": "Directory",
}
FORMATS = {"csv": "CSV", "xlsx": "Excel"}
MAX_ROWS = 100_000
CLOSED_REFERRALS = (ReferralStatus.COMPLETED, ReferralStatus.CANCELLED, ReferralStatus.REJECTED)


@dataclass(frozen=True)
class ListRequest:
    """Which list, and whose: mine only, and for appointments the days to cover."""

    which: str
    mine: bool = False
    first_day: date | None = None
    last_day: date | None = None

    def checked(self, on: date) -> ListRequest:
        if self.which not in LISTS:
            raise InvalidInput({"which": "Choose one of the lists."})
        first = self.first_day or on
        last = self.last_day or first + timedelta(days=30)
        if last < first:
            raise InvalidInput({"last_day": "The last day comes before the first."})
        if (last - first).days > 366:
            raise InvalidInput({"last_day": "Choose at most a year of appointments."})
        return ListRequest(self.which, self.mine, first, last)


def _staff(s: Session) -> dict[int, str]:
    return dict(s.execute(select(User.id, User.display_name)).all())


def _caseload(s: Session, actor: Actor, req: ListRequest, region: str) -> list[dict]:
    q = select(Patient).where(Patient.status == RecordStatus.ACTIVE)
    if req.mine:
        q = q.where(Patient.primary_case_manager_id == actor.id)
    staff = _staff(s)
    return [
        {
            "Name": p.display_name,
            "MRN": p.mrn,
            "Date of birth": p.birth_date,
            "Phone": display_phone(p.phone, region),
            "Preferred language": p.preferred_language,
            "Needs an interpreter": "yes" if p.interpreter_needed else "no",
            "Address": ", ".join(x for x in (p.address_line, p.city, p.state) if x),
            "ZIP code": p.postal_code or "",
            "Living situation": p.living_situation or "",
            "Case manager": staff.get(p.primary_case_manager_id, ""),
        }
        for p in s.scalars(q.order_by(Patient.family_name, Patient.given_name).limit(MAX_ROWS))
    ]


def _tasks(s: Session, actor: Actor, req: ListRequest, on: date) -> list[dict]:
    q = (
        select(Task)
        .options(selectinload(Task.patient), selectinload(Task.owner))
        .where(Task.status.not_in((TaskStatus.COMPLETED, TaskStatus.CANCELLED)))
    )
    if req.mine:
        q = q.where(Task.owner_user_id == actor.id)
    return [
        {
            "Due": t.due_on,
            "Overdue": "yes" if t.due_on < on else "",
            "Task": t.title,
            "Priority": t.priority,
            "Status": t.status,
            "Patient": t.patient.display_name if t.patient else "",
            "MRN": t.patient.mrn if t.patient else "",
            "Who": t.owner.display_name if t.owner else (t.owner_name or ""),
        }
        for t in s.scalars(q.order_by(Task.due_on, Task.id).limit(MAX_ROWS))
    ]


def _appointments(s: Session, actor: Actor, req: ListRequest, tz: str) -> list[dict]:
    start, _ = clock.day_bounds_utc(req.first_day, tz)
    _, end = clock.day_bounds_utc(req.last_day, tz)
    q = (
        select(Appointment)
        .options(
            selectinload(Appointment.patient),
            selectinload(Appointment.staff),
            selectinload(Appointment.transport),
        )
        .where(Appointment.start_at >= start, Appointment.start_at < end)
    )
    if req.mine:
        q = q.where(Appointment.staff_id == actor.id)
    rows = []
    for a in s.scalars(q.order_by(Appointment.start_at).limit(MAX_ROWS)):
        begins, ends = clock.utc_to_local(a.start_at, tz), clock.utc_to_local(a.end_at, tz)
        ride = a.transport if a.needs_transport else None
        rows.append(
            {
                "Date": begins.date(),
                "Start": f"{begins:%H:%M}",
                "End": f"{ends:%H:%M}",
                "Type": a.kind,
                "Title": a.title,
                "Patient": a.patient.display_name if a.patient else "",
                "MRN": a.patient.mrn if a.patient else "",
                "Staff": a.staff.display_name if a.staff else "",
                "Provider or facility": a.provider or "",
                "Location": a.location or "",
                "Status": a.status,
                "Ride": ("confirmed" if ride.confirmed else "not confirmed")
                if ride
                else ("needed" if a.needs_transport else ""),
            }
        )
    return rows


def _referrals(s: Session, actor: Actor, req: ListRequest, on: date) -> list[dict]:
    q = (
        select(Referral, Patient)
        .join(Patient, Referral.patient_id == Patient.id)
        .options(selectinload(Referral.organization))
        .where(Referral.status.not_in(CLOSED_REFERRALS))
    )
    if req.mine:
        q = q.where(Referral.owner_user_id == actor.id)
    return [
        {
            "Patient": p.display_name,
            "MRN": p.mrn,
            # an intake's draft may leave the organization to choose
            "Organization": r.organization.name if r.organization else TO_CHOOSE,
            "Service": r.service,
            "Urgency": r.urgency,
            "Status": r.status,
            "Sent on": r.sent_on or "",
            "Answer expected by": r.expected_response_by or "",
            "Waiting past the date": "yes"
            if r.expected_response_by and r.expected_response_by < on and not r.answered_on
            else "",
        }
        for r, p in s.execute(
            q.order_by(Referral.expected_response_by, Referral.id).limit(MAX_ROWS)
        )
    ]


def list_rows(
    s: Session, actor: Actor, req: ListRequest, *, region: str = "US", tz: str = "UTC"
) -> list[dict]:
    """The list's rows as plain values (what a preview shows and the file holds)."""
    require(actor, "records.export")
    on = today()
    req = req.checked(on)
    if req.which == "caseload":
        return _caseload(s, actor, req, region)
    if req.which == "tasks":
        return _tasks(s, actor, req, on)
    if req.which == "appointments":
        return _appointments(s, actor, req, tz)
    if req.which == "referrals":
        return _referrals(s, actor, req, on)
    return directory_frame(s, region=region).to_dict("records")


def export_list(
    s: Session, actor: Actor, req: ListRequest, fmt: str, *, region: str = "US", tz: str = "UTC"
) -> bytes:
    """The list as a file, recorded in the audit trail."""
    if fmt not in FORMATS:
        raise InvalidInput({"format": "Choose CSV or Excel."})
    rows = list_rows(s, actor, req, region=region, tz=tz)
    table = spreadsheet.frame(rows)
    data = (
        spreadsheet.to_csv(table)
        if fmt == "csv"
        else spreadsheet.to_xlsx({LISTS[req.which]: table})
    )
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="spreadsheet",
        category="lists",
        detail={"list": req.which, "format": fmt, "rows": len(rows), "mine": req.mine},
    )
    return data


def file_name(req: ListRequest, fmt: str, on: date) -> str:
    return f"{req.which}-{on.isoformat()}.{fmt}"
