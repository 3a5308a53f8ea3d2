"""Printable plans open in a PDF reader and carry the goal in the patient's words."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.models import AuditEvent
from services.care_plans import goals as plan_goals
from services.care_plans import (
    interventions,
    patient_items,
    patient_printout,
    teaching,
    transitions,
)
from services.care_plans import printouts as care_plan_pdf
from services.care_plans import team as care_team
from services.care_plans.teaching import TeachBackInput
from services.core import clock, pdf_document
from services.core.errors import InvalidInput
from tests.unit.careplan_factories import make_plan, words_goal


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def full_plan(s, nurse):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(
        s,
        nurse,
        plan.id,
        words_goal(patients_words="Quiero caminar a la iglesia con mi nieta", said_by="patient"),
    )
    interventions.add_goal_task(
        s,
        nurse,
        goal.id,
        title="Weekly check-in call",
        due_on=date(2026, 1, 20),
        owner_user_id=nurse.id,
        repeat_every_days=7,
    )
    walk = interventions.add_goal_task(
        s,
        nurse,
        goal.id,
        title="Walk 10 minutes after lunch",
        due_on=date(2026, 1, 15),
        owner_kind="patient",
        owner_name="Ana Núñez",
    )
    patient_items.set_for_patient(
        s, nurse, "goal", goal.id, for_patient=True,
        wording={"es": "Caminar hasta la iglesia el domingo"},
    )  # fmt: skip
    patient_items.set_for_patient(
        s, nurse, "task", walk.id, for_patient=True,
        wording={"es": "Caminar 10 minutos después del almuerzo"},
    )  # fmt: skip
    care_team.add_team_member(
        s, nurse, plan.id, "primary care provider", name="Dr. José Peña", phone="+1 212 555 0101"
    )
    teaching.record_teach_back(
        s,
        nurse,
        plan.patient_id,
        TeachBackInput(
            topic="Daily weights",
            method="demonstration",
            result="demonstrated correctly",
            taught_on=date(2026, 1, 12),
        ),
    )
    t = transitions.record_transition(
        s,
        nurse,
        plan.patient_id,
        facility="St. Jude Hospital",
        admitted_on=date(2026, 1, 2),
        lace=9,
    )
    assert t.items
    return plan


@pytest.mark.parametrize("language", ["en", "es"])
def test_patient_version_has_their_words_and_fixed_wording(s, nurse, full_plan, language):
    data = care_plan_pdf.export_plan_pdf(
        s, nurse, full_plan.patient_id, version="patient", language=language
    )
    text = _text(data)
    assert "Quiero caminar a la iglesia con mi nieta" in text
    walk = {"en": "Walk 10 minutes after lunch", "es": "Caminar 10 minutos después del almuerzo"}
    assert walk[language] in text
    assert "Daily weights" in text
    assert "Dr. José Peña" in text
    assert patient_printout.WORDING[language]["title"] in text
    assert patient_printout.WORDING[language]["call"] in text


def test_clinician_version_has_everything(s, nurse, full_plan):
    data = care_plan_pdf.export_plan_pdf(s, nurse, full_plan.patient_id, version="clinician")
    text = _text(data)
    for expected in (
        "Walk to the corner shop",
        "Weekly check-in call",
        "St. Jude Hospital",
        "Medications reconciled",
        "Núñez",
        "Daily weights",
    ):
        assert expected in text, expected
    events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "export")))
    assert len(events) == 1 and events[0].patient_id == full_plan.patient_id


def test_core_font_fallback_still_prints(s, nurse, full_plan, monkeypatch):
    monkeypatch.setattr(pdf_document, "FONT_DIRS", [])
    data = care_plan_pdf.export_plan_pdf(s, nurse, full_plan.patient_id, version="patient")
    assert "Quiero caminar a la iglesia" in _text(data)


def test_dejavu_font_is_available_for_accents():
    assert pdf_document.font_path() is not None, "install fonts-dejavu-core"


def test_patient_version_lists_upcoming_appointments_from_the_calendar(s, nurse, full_plan):
    from datetime import UTC, datetime, timedelta

    from services.scheduling import appointments as scheduling
    from services.scheduling.appointments import AppointmentInput

    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    scheduling.book_appointment(
        s,
        nurse,
        AppointmentInput(
            patient_id=full_plan.patient_id,
            title="Cardiology follow-up",
            start=start,
            end=start + timedelta(minutes=30),
            location="Heart Clinic, 2nd floor",
            staff_id=nurse.id,
        ),
    )
    text = _text(care_plan_pdf.export_plan_pdf(s, nurse, full_plan.patient_id, version="patient"))
    assert "Cardiology follow-up" in text and "Heart Clinic" in text


def test_dates_are_written_in_the_printout_language():
    from datetime import datetime

    when = datetime(2026, 12, 3, 9, 0)
    assert patient_printout._when(when, "en") == "Thu, Dec 3, 2026 9:00 AM"
    assert patient_printout._when(when, "es") == "jue, 3 de dic de 2026 9:00 a.m."
    assert patient_printout._day(when.date(), "es") == "3 dic 2026"


def test_patient_version_speaks_the_language_in_dates_and_phones_too(s, nurse, full_plan):
    from datetime import UTC, datetime, timedelta

    from services.scheduling import appointments as scheduling
    from services.scheduling.appointments import AppointmentInput

    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    scheduling.book_appointment(
        s, nurse,
        AppointmentInput(kind="follow-up call", patient_id=full_plan.patient_id,
                         title="Check-in call", start=start, end=start + timedelta(minutes=15),
                         staff_id=nurse.id),
    )  # fmt: skip
    local = clock.utc_to_local(start, clock.clinic_tz())
    es = _text(care_plan_pdf.export_plan_pdf(s, nurse, full_plan.patient_id, language="es"))
    en = _text(care_plan_pdf.export_plan_pdf(s, nurse, full_plan.patient_id, language="en"))
    assert patient_printout._when(local, "es") in es and patient_printout._when(local, "en") in en
    assert f"{local:%a}," not in es  # no English weekday in the Spanish printout
    assert "Check-in call —" not in en  # a call has no place: no dangling dash
    assert "+1" not in en  # phones as people dial them, e.g. (212) 555-0101


def _safety_follow_up(s, nurse, patient_id):
    """The urgent follow-up the intake's alerts raise: a same-day STAT task."""
    from db.base import today
    from db.models import TaskPriority
    from services.tasks import tasks

    return tasks.create_task(
        s, nurse, title="Same-day: Suicide risk: assess safety today", due_on=today(),
        patient_id=patient_id, owner_user_id=nurse.id, priority=TaskPriority.STAT,
        source_kind="intake", source_id=1, permission="clinical.edit",
    )  # fmt: skip


@pytest.mark.parametrize(
    "language,must,must_not",
    [
        (
            "en",
            [
                "Quiero caminar a la iglesia con mi nieta",
                "Our goal: Walk to the corner shop",
                "Walk 10 minutes after lunch",
                "My care coordinator: Nora Nurse — direct line: (617) 555-0100",
                "call or text 988 (Suicide & Crisis Lifeline)",
                "In an emergency, call 911.",
                "2. Our goal: Sleep through the night",  # no empty numbering
            ],
            [
                "Weekly check-in call",
                "Watchful waiting",
                "Refer:",
                "Same-day",
                "1. In my words: “”",
            ],
        ),
        (
            "es",
            [
                "Quiero caminar a la iglesia con mi nieta",
                "Nuestra meta: Caminar hasta la iglesia el domingo",
                "Caminar 10 minutos después del almuerzo",
                "Mi coordinador(a) de cuidado: Nora Nurse — línea directa: (617) 555-0100",
                "al 988 (Línea de Prevención del Suicidio y Crisis)",
                "En caso de emergencia, llame al 911.",
                "Lo que haremos mi familia y yo",
                "médico(a) de atención primaria",
                "2. Nuestra meta: Sleep through the night",
            ],
            [
                "Weekly check-in call",
                "Watchful waiting",
                "Same-day",
                "Walk 10 minutes after lunch",
                "What matters",
                "primary care provider",
            ],
        ),
    ],
)
def test_the_patient_version_prints_only_what_is_marked_for_them(
    s, nurse, full_plan, language, must, must_not
):
    from db.models import Patient, User

    s.get(User, nurse.id).phone = "+16175550100"
    s.get(Patient, full_plan.patient_id).primary_case_manager_id = nurse.id
    sleep = plan_goals.add_goal(
        s, nurse, full_plan.id,
        words_goal(patients_words="", lifecycle_status="proposed",
                   description="Sleep through the night"),
    )  # fmt: skip
    patient_items.set_for_patient(s, nurse, "goal", sleep.id, for_patient=True, wording={})
    staff_only = interventions.add_plan_task(
        s, nurse, full_plan.id, title="Watchful waiting; repeat PHQ-9 at the next visit.",
        due_on=date(2026, 2, 1), owner_user_id=nurse.id,
    )  # fmt: skip
    assert staff_only.id
    stat = _safety_follow_up(s, nurse, full_plan.patient_id)
    with pytest.raises(InvalidInput):  # an urgent safety follow-up can never be marked
        patient_items.set_for_patient(s, nurse, "task", stat.id, for_patient=True, wording={})
    s.flush()
    text = _text(
        care_plan_pdf.export_plan_pdf(
            s, nurse, full_plan.patient_id, version="patient", language=language
        )
    )
    for expected in must:
        assert expected in text, expected
    for unwanted in must_not:
        assert unwanted not in text, unwanted


def test_a_safety_follow_up_never_prints_even_if_marked_behind_the_back(s, nurse, full_plan):
    from db.models import PrintItem, Task

    stat = _safety_follow_up(s, nurse, full_plan.patient_id)
    stat.source_kind, stat.source_id = "care_plan", full_plan.id  # even filed under the plan
    s.add(PrintItem(item_kind="task", item_id=stat.id, for_patient=True, wording={}))
    s.flush()
    assert s.get(Task, stat.id).priority == "stat"
    for language in ("en", "es"):
        text = _text(
            care_plan_pdf.export_plan_pdf(s, nurse, full_plan.patient_id, language=language)
        )
        assert "Same-day" not in text and "Suicide risk" not in text
    clinician = _text(
        care_plan_pdf.export_plan_pdf(s, nurse, full_plan.patient_id, version="clinician")
    )
    assert "Same-day" in clinician  # the care team's copy has it


def test_items_without_spanish_wording_are_named_before_printing(s, nurse, full_plan):
    from services.care_plans.view import load_plan_view

    view = load_plan_view(s, nurse, full_plan.patient_id)
    assert patient_printout.untranslated(view, "es") == []
    goal = plan_goals.add_goal(s, nurse, full_plan.id, words_goal(patients_words="Dormir bien"))
    patient_items.set_for_patient(s, nurse, "goal", goal.id, for_patient=True, wording={})
    view = load_plan_view(s, nurse, full_plan.patient_id)
    assert patient_printout.untranslated(view, "es") == [goal.description]
