"""The injection corpus (tests/injection/) in every free-text field: the services
keep it as typed (or refuse it, where only a choice from a list fits), and the files that
leave CareDesk with it keep the text as it was typed and make nothing of it.

- PDF printouts (the patient's and the clinician's plan, the safety plan): the literal text,
  no link annotations, no failure on a 10,000-character note.
- CSV and Excel (every list, the directory, its Open Referral tables, the audit report):
  no cell starts a formula; the text comes back as typed.
- .ics: icalendar reads every file back, the text round-trips, and no newline in a title,
  place or note adds a property of its own.
- FHIR: the JSON and its narrative parse, and the text round-trips (out, in, out again).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today as clinic_today
from db.models import (
    Base,
    Communication,
    Goal,
    Organization,
    Patient,
    Referral,
    Role,
    SafetyPlan,
    Task,
    TeachBack,
)
from db.session import make_engine
from services.care_plans import printouts
from services.contacts import directory_export
from services.core import audit, auth, spreadsheet
from services.core.errors import InvalidInput
from services.core.spreadsheet import FORMULA_START, unguard
from services.intake import intake as intakes
from services.intake import summary as summaries
from services.intake.draft import get_intake
from services.interop import fhir_export, fhir_import
from services.interop.spreadsheets import LISTS, ListRequest, export_list
from services.safety import printout as safety_printout
from services.scheduling import ics
from services.scheduling.ics import IcsOptions
from tests.conftest import actor_for, make_user
from tests.injection import FORMULA, LONG, Corpus

EVERYTHING = IcsOptions(title=True, patient_name=True, location=True, notes=True)
TAG = re.compile(r"«([\w.]+)»")


@pytest.fixture
def corpus(s) -> Corpus:
    admin = actor_for(make_user(s, "admin1", Role.ADMIN))
    nurse = actor_for(make_user(s, "nurse1", Role.NURSE, "Nora Nurse"))
    worker = actor_for(make_user(s, "worker1", Role.SOCIAL_WORKER))
    seeded = Corpus(s, admin, nurse, worker)
    seeded.seed_all()
    return seeded


def _one_line(value: str) -> str:
    """Line ends as files keep them (\\n)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _squash(text: str) -> str:
    """Without white space: a printout wraps long words anywhere."""
    return re.sub(r"\s+", "", text)


def _markup_part(value: str) -> str:
    """The formula, the tag and the HTML and Markdown payloads (up to the RTL one)."""
    return value.split("Ann\u202e")[0]


def test_the_services_keep_every_field_as_typed(s, corpus):
    values, ids = corpus.out.values, corpus.out.ids
    kept = {
        "goal.patients_words": s.get(Goal, ids["goal"]).patients_words,
        "task.description": s.get(Task, ids["task"]).description,
        "referral.reason": s.get(Referral, ids["referral"]).reason_text,
        "org.eligibility_notes": s.get(Organization, ids["org"]).eligibility_notes,
        "safety_plan.warning_signs": s.scalar(
            select(SafetyPlan.warning_signs).where(SafetyPlan.patient_id == corpus.out.patient_id)
        ),
        "teach.note": s.scalar(select(TeachBack.note)),
        "comm0.summary": s.scalar(select(Communication.summary).order_by(Communication.id)),
        "patient.given_name": s.get(Patient, corpus.out.patient_id).given_name,
    }
    for tag, stored in kept.items():
        assert stored == values[tag], tag
    assert LONG in kept["goal.patients_words"]
    # A relationship is chosen from a list: hostile text there is refused, not stored.
    assert corpus.out.refused == {"family.relationship": "Choose a relationship from the list."}


def test_an_intake_task_too_long_for_the_plan_is_refused_at_its_field(s, corpus):
    """An accepted task becomes a care-plan task, whose title holds 200 characters: a longer
    wording is refused on the summary (before, the care plan failed to start from it)."""
    draft = get_intake(s, corpus.nurse, corpus.out.ids["intake_draft"])
    found = summaries.summarize(s, corpus.nurse, draft).suggestions
    task = next(x for x in found if x.kind == "task")
    goal = next(x for x in found if x.kind == "goal")
    decisions = {
        task.key: {"accepted": True, "text": "Call back " + "x" * 200},
        goal.key: {"accepted": True, "text": LONG[:2000]},  # a goal's words may be long
    }
    with pytest.raises(InvalidInput) as refused:
        intakes.complete_intake(s, corpus.nurse, draft.id, decisions, draft.version)
    assert refused.value.errors == {task.key: "Keep this under 200 characters."}


def _pdf(data: bytes) -> tuple[str, list]:
    """The text (without the page footers, which land mid-text) and any annotations."""
    reader = PdfReader(io.BytesIO(data))
    annotations = [page.get("/Annots") for page in reader.pages if page.get("/Annots")]
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"(?m)^.*«patient\.given_name».* · \d+$", "", text), annotations


PRINTED = {
    "patient": ["patient.given_name", "goal.patients_words", "goal.wording_en",
                "task.wording_en", "team.name", "appointment.title", "appointment.location"],
    "clinician": ["goal.description", "goal.patients_words", "task.title", "concern.need",
                  "team.organisation", "review.note", "transition.reason", "plan.title"],
    "safety plan": ["safety_plan.warning_signs", "safety_plan.coping_strategies",
                    "safety_plan.people_and_places", "safety_plan.professionals",
                    "safety_plan.means_safety"],
}  # fmt: skip


def test_printouts_print_the_text_as_typed_and_link_nothing(s, corpus):
    nurse, pid = corpus.nurse, corpus.out.patient_id
    files = {
        "patient": printouts.export_plan_pdf(s, nurse, pid, version="patient", language="en"),
        "clinician": printouts.export_plan_pdf(s, nurse, pid, version="clinician", language="en"),
        "safety plan": safety_printout.export_plan_pdf(s, nurse, pid),
    }
    for name, data in files.items():
        text, annotations = _pdf(data)
        assert annotations == [], f"{name}: links in the printout"
        printed = _squash(text)
        for tag in PRINTED[name]:
            assert _squash(_markup_part(corpus.out.values[tag])) in printed, f"{name}: {tag}"
    # The 10,000-character words go on over as many table rows as they need.
    assert _squash(LONG) in _squash(_pdf(files["clinician"])[0])


def _cells(data: bytes, fmt: str) -> list[str]:
    if fmt == "csv":
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        return [c for row in rows for c in row]
    cells = []
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


def _as_typed(text: str, values: dict[str, str], where: str) -> set[str]:
    """The corpus's tags in `text`; each one is followed by the field's text as typed (a
    list may cut a long text or put words before it, but changes nothing in it)."""
    found = set()
    for match in TAG.finditer(text):
        tag = match.group(1)
        if tag not in values:
            continue
        expected = _one_line(values[tag]).split(match.group(0), 1)[1][:25]
        after = text[match.end() : match.end() + len(expected)]
        assert expected.startswith(after) and after, f"{where}: {tag} changed: {after!r}"
        found.add(tag)
    return found


def _guarded(cells: list[str], values: dict[str, str], where: str) -> set[str]:
    """Every cell safe to open, and the corpus in it as typed; the tags found."""
    found = set()
    for cell in cells:
        starts_formula = cell.startswith(FORMULA_START) and not re.fullmatch(
            r"[+-][0-9][0-9 ().\-/]*", cell
        )
        assert not starts_formula, f"{where}: a formula cell {cell[:60]!r}"
        found |= _as_typed(_one_line(unguard(cell)), values, where)
    return found


def test_spreadsheets_open_safely_and_hold_the_text_as_typed(s, corpus):
    values, nurse = corpus.out.values, corpus.nurse
    expected = {
        "caseload": "patient.given_name",
        "tasks": "task.title",
        "appointments": "appointment.title",
        "referrals": "referral.service",
        "directory": "org.name",
    }
    for which in LISTS:
        req = ListRequest(
            which, first_day=clinic_today(), last_day=clinic_today() + timedelta(days=7)
        )
        for fmt in ("csv", "xlsx"):
            cells = _cells(export_list(s, nurse, req, fmt), fmt)
            assert FORMULA in {unguard(c) for c in cells} or any(
                unguard(c).startswith(FORMULA) for c in cells
            ), f"{which}.{fmt}: no corpus"
            assert expected[which] in _guarded(cells, values, f"{which}.{fmt}")
    directory = {
        "csv": directory_export.export_csv(s, nurse).encode("utf-8-sig"),
        "xlsx": directory_export.export_xlsx(s, nurse),
    }
    for fmt, data in directory.items():
        found = _guarded(_cells(data, fmt), values, f"directory.{fmt}")
        assert {"org.name", "org.eligibility_notes", "import.name", "import.services"} <= found
    package = directory_export.zipped(directory_export.export_hsds(s, nurse))
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        tables = [n for n in z.namelist() if n.endswith(".csv")]
        found = set()
        for name in tables:
            found |= _guarded(_cells(z.read(name), "csv"), values, name)
    assert {"org.name", "org.services", "org.eligibility_notes"} <= found
    # The audit report: a name typed at the sign-in form, by anyone, is a cell too.
    auth.sign_in(s, FORMULA, "wrong password")
    rows = audit.report(s, corpus.admin)
    cells = _cells(spreadsheet.to_csv(spreadsheet.frame(rows)), "csv")
    assert "'" + FORMULA.lower()[:64] in cells  # as the audit trail keeps a username
    _guarded(cells, values, "audit report")


ALLOWED = {
    "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS",
    "SEQUENCE", "RRULE", "EXDATE", "RECURRENCE-ID",
}  # fmt: skip


def test_calendar_files_keep_the_text_and_take_no_lines_from_it(s, corpus):
    values, ids, nurse = corpus.out.values, corpus.out.ids, corpus.nurse
    files = [
        ics.export_appointment(s, nurse, ids["appointment"], EVERYTHING),
        ics.export_patient_schedule(s, nurse, corpus.out.patient_id, EVERYTHING),
        ics.export_staff_week(s, nurse, nurse.id, clinic_today() + timedelta(days=1), EVERYTHING),
    ]
    for data in files:
        unfolded = re.sub(r"\r\n[ \t]", "", data.decode())
        names = {line.split(":")[0].split(";")[0] for line in unfolded.split("\r\n") if line}
        assert not {n for n in names if n.startswith(("X-INJ", "ATTENDEE", "=", "#", "-", ">"))}
        calendar = Calendar.from_ical(data)
        events = calendar.walk("VEVENT")
        assert events
        for event in events:
            assert set(event) <= ALLOWED, set(event) - ALLOWED
        visit = next(e for e in events if "«appointment.title»" in str(e["SUMMARY"]))
        assert _one_line(values["appointment.title"]) in str(visit["SUMMARY"])
        assert str(visit["LOCATION"]) == _one_line(values["appointment.location"])
        assert _one_line(values["appointment.notes"]) in str(visit["DESCRIPTION"])


def test_the_fhir_record_keeps_the_text_out_and_back_in(s, corpus):
    values, nurse, pid = corpus.out.values, corpus.nurse, corpus.out.patient_id
    bundle = json.loads(fhir_export.as_json(fhir_export.patient_bundle(s, nurse, pid)))
    strings = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "div":
                    narrative = ElementTree.fromstring(value)  # well-formed XHTML
                    tags = {el.tag.split("}")[-1] for el in narrative.iter()}
                    assert tags <= {"div", "p", "b", "ul", "li"}, tags
                    strings.extend(narrative.itertext())
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            strings.append(node)

    walk(bundle)
    text = "\n".join(strings)
    for tag in ("patient.given_name", "goal.description", "goal.patients_words", "family.name",
                "coverage.plan_name", "coverage.member_id", "comm0.summary", "task.title",
                "plan.title", "referral.service", "org.name"):  # fmt: skip
        assert values[tag] in text, tag
    # Out, into a fresh database, and out again: the same patient, family and coverage.
    fresh = make_engine("sqlite://")
    Base.metadata.create_all(fresh)
    with Session(fresh) as t:
        someone = actor_for(make_user(t, "nurse", Role.NURSE))
        result = fhir_import.apply_import(
            t, someone, [("corpus.json", json.dumps(bundle).encode())], region="US"
        )
        assert result.created == 1
        (again,) = [fhir_export.patient_bundle(t, someone, p) for p in result.patient_ids]
    fresh.dispose()

    def texts(b: dict, kind: str) -> list[str]:
        found = [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == kind]
        return sorted(TAG.findall(json.dumps(found, ensure_ascii=False)))

    for kind in ("Patient", "RelatedPerson", "Coverage"):
        assert texts(again, kind) == texts(bundle, kind), kind
    patient = next(
        e["resource"] for e in again["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert patient["name"][0]["given"][0] == values["patient.given_name"]
