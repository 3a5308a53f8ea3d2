"""AppTest of My day and the safety follow-up: first for the nurse after a scored item 9,
it survives a reload and cannot be closed without an outcome, stays out of the routine
task list and the family printout; every row kind opens its page at its record; tasks
are completed, snoozed and reassigned once, audited; each role's sections."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.models import AuditEvent, Referral, SafetyFollowUp, Task, TaskStatus, User
from db.session import session_scope
from services.care_plans.actions import plan as plan_actions
from services.core.identity import SYSTEM, Actor
from services.intake import draft as drafts
from services.intake import intake as intakes
from services.patients import registry as patients
from tests.apptest import signed_in, texts
from tests.unit import my_day_world

ITEM_9 = {"instruments": ["phq9"], "answers": {"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 2]}}
SECTIONS = {  # section key -> the title of the page its first row opens
    "visits": "Calendar",
    "reminders": "Calendar",
    "rides": "Calendar",
    "reviews": "Care plan",
    "intakes": "Intake assessment",
    "prior_auths": "Contacts",
    "referrals": "Contacts",
    "post_discharge": "Care plan",
    "not_contacted": "Patient record",
}


def _page(at) -> str:
    """The title of the page on show (the Patients page titles a patient's "Patient record")."""
    return at.title[0].value if at.title else ""


def _actor(username: str) -> Actor:
    with session_scope() as s:
        u = s.scalar(select(User).where(User.username == username))
        return Actor(u.id, u.username, u.display_name, u.role)


def _screened_patient(given: str = "Rosa") -> tuple[int, int]:
    """A patient whose screening the nurse just saved with PHQ-9 item 9 = 2."""
    nurse = _actor("nurse")
    with session_scope() as s:
        p = patients.register_patient(
            s,
            SYSTEM,
            patients.PatientInput(
                given_name=given, family_name="Diaz", birth_date=date(1948, 3, 2)
            ),
        )
        intake = drafts.start_intake(s, nurse, p.id)
        drafts.save_step(s, nurse, intake.id, "screening", ITEM_9, intake.version)
        follow_up = s.scalar(select(SafetyFollowUp.id).where(SafetyFollowUp.patient_id == p.id))
        return p.id, follow_up


def _main_order(at) -> list[str]:
    """What the main area shows, in order: ("subheader"/"expander"/"error", text)."""
    found = []

    def walk(node):
        kind = getattr(node, "type", "")
        if kind in ("subheader", "error", "expander"):
            found.append(f"{kind}:{getattr(node, 'value', None) or getattr(node, 'label', '')}")
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return found


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _open_work(at, follow_up: int) -> None:
    at.session_state[f"md_safety_{follow_up}_work"] = True
    at.run()


def test_the_safety_follow_up_comes_first_and_survives_a_reload(app_env):
    _, follow_up = _screened_patient()
    at = signed_in("nurse")
    assert not at.exception, at.exception
    order = _main_order(at)
    first = next(i for i, x in enumerate(order) if "URGENT SAFETY FOLLOW-UP" in x)
    assert first < next(i for i, x in enumerate(order) if x.startswith("expander:"))
    shown = texts(at)
    assert "1 urgent safety follow-up" in shown and "988" in shown and "Diaz, Rosa" in shown
    again = signed_in("nurse")  # a reload: a new session
    assert "URGENT SAFETY FOLLOW-UP: SUICIDE RISK" in texts(again)
    with session_scope() as s:
        assert s.get(SafetyFollowUp, follow_up).status == "open"


def test_it_cannot_be_closed_without_an_outcome(app_env):
    _, follow_up = _screened_patient()
    at = signed_in("nurse")
    _open_work(at, follow_up)
    _button(at, "Complete the follow-up").click().run()
    errors = [e.value for e in at.error]
    assert "Choose the outcome." in errors and "Record the safety assessment first." in errors
    with session_scope() as s:
        assert s.get(SafetyFollowUp, follow_up).status == "open"
    assert "URGENT SAFETY FOLLOW-UP" in texts(at)


def test_it_is_worked_through_from_my_day_and_then_leaves_it(app_env):
    pid, follow_up = _screened_patient()
    at = signed_in("nurse")
    _open_work(at, follow_up)
    key = f"md_safety_{follow_up}_assess"
    for radio in at.radio:
        if radio.key and radio.key.startswith(key) and radio.key != f"{key}_risk":
            radio.set_value(radio.options[0])
    next(r for r in at.radio if r.key == f"{key}_risk").set_value("moderate")
    next(t for t in at.text_area if t.key == f"{key}_note").input("Passive thoughts; no plan.")
    _button(at, "Save the assessment").click().run()
    assert "Safety assessment recorded." in texts(at)
    for area in at.text_area:
        if area.key and "_plan_" in area.key and not area.value:
            area.input("One line with the patient")
    _button(at, "Save the safety plan (reviewed with the patient)").click().run()
    _button(at, "Log it in the communication log").click().run()  # the supervisor: admin
    outcome = next(x for x in at.selectbox if x.key == f"md_safety_{follow_up}_complete_outcome")
    outcome.set_value("safety plan in place")
    next(t for t in at.text_area if t.key == f"md_safety_{follow_up}_complete_note").input(
        "Plan given; check-in call Monday"
    )
    _button(at, "Complete the follow-up").click().run()
    assert not at.exception, at.exception
    assert "Safety follow-up completed." in texts(at)
    assert "No urgent safety follow-up is open." in texts(at)
    with session_scope() as s:
        done = s.get(SafetyFollowUp, follow_up)
        assert done.status == "completed" and done.supervisor_comm_id is not None
        assert done.patient_id == pid


def test_it_is_not_a_routine_task_nor_on_the_family_printout(app_env):
    pid, _ = _screened_patient()
    nurse = _actor("nurse")
    with session_scope() as s:  # the intake completed with every suggestion accepted
        draft = drafts.open_draft(s, pid)
        intakes.complete_intake(s, nurse, draft.id, {}, draft.version)
    _, taken = plan_actions.start_plan_from_intake(nurse, pid, None)
    assert taken >= 1  # the urgent referral went over, as a draft referral in Contacts
    with session_scope() as s:
        titles = s.scalars(select(Task.title).where(Task.patient_id == pid)).all()
        drafted = s.scalars(select(Referral.service).where(Referral.patient_id == pid)).all()
    follow_up = ("Same-day", "Assess safety", "safety plan", "afety follow-up")
    assert drafted and not [x for x in titles for w in follow_up if w in x]
    at = signed_in("nurse")
    at.session_state["cp_patient"] = pid
    at.switch_page("pages/care_plan.py").run()
    assert not at.exception, at.exception
    listed = [str(v) for f in at.dataframe for v in f.value.to_numpy().ravel()]
    assert not [v for v in listed for w in follow_up if w in v]  # not among the plan's lists
    assert "URGENT SAFETY FOLLOW-UP" in texts(at)  # it is in the patient header instead
    data = plan_actions.print_plan(nurse, pid, version="patient")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "988" in text and not [w for w in follow_up if w in text]


@pytest.fixture
def world(app_env):
    with session_scope() as s:
        nurse = s.scalar(select(User).where(User.username == "nurse"))
        return my_day_world.build(s, nurse.id)


def _pick(at, section: str, row: int = 0) -> None:
    at.session_state[f"md_rows_{section}_0"] = {
        "selection": {"rows": [row], "columns": [], "cells": []}
    }
    at.run()


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_row_kind_opens_its_page_at_its_record(world, section):
    at = signed_in("nurse")
    _pick(at, section)
    assert not at.exception, at.exception
    shown = texts(at)
    assert _page(at) == SECTIONS[section]
    name = "Stillwater, Quinn" if section == "not_contacted" else "Reyes, Ana"
    assert name in shown, section
    if section in ("visits", "reminders", "rides"):  # the appointment itself is open
        assert at.session_state["cal_dialog"]["kind"] == "edit"


def _audits(task_id: int) -> list[AuditEvent]:
    with session_scope() as s:
        return s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "task", AuditEvent.entity_id == str(task_id)
            )
        ).all()


def test_a_task_is_completed_snoozed_or_reassigned_once_and_audited(world):
    at = signed_in("nurse")
    _pick(at, "overdue")  # a care-plan task: its dialog offers the care plan
    assert "Open the care plan" in [p.label for p in at.get("page_link")]
    _button(at, "Mark as done").click().run()
    assert "Task done." in texts(at)
    _pick(at, "today")  # a call's follow-up asks for its outcome
    _button(at, "Mark as done").click().run()
    assert "this task needs an outcome" in " ".join(e.value for e in at.error)
    _button(at, "Snooze").click()
    next(d for d in at.date_input if d.label == "Snooze until").set_value(
        world.today + timedelta(days=3)
    )
    next(t for t in at.text_input if t.label == "Why it waits").input("Patient away")
    _button(at, "Snooze").click().run()
    _pick(at, "tomorrow")
    colleague = _actor("socialworker").id
    next(x for x in at.selectbox if x.label == "Hand to").set_value(colleague)
    _button(at, "Reassign").click().run()
    assert not at.exception, at.exception
    with session_scope() as s:
        done, later, handed = (
            s.get(Task, world.tasks[k]) for k in ("overdue", "today", "tomorrow")
        )
        assert done.status == TaskStatus.COMPLETED
        assert later.due_on > world.today and later.status_reason == "Patient away"
        assert handed.owner_user_id == colleague
    for key in ("overdue", "today", "tomorrow"):
        assert [e.action for e in _audits(world.tasks[key])] == ["update"], key


def test_each_role_sees_its_own_sections(world):
    scheduler = signed_in("scheduler")
    labels = [e.label for e in scheduler.expander]
    assert labels == [
        "Today's appointments (1)",
        "Reminder calls to make (1)",
        ":red[Rides to confirm with the vendor (next two days) (1)]",
    ]
    assert "URGENT SAFETY" not in texts(scheduler)
    viewer = signed_in("viewer")
    assert "Read only" in texts(viewer) and not [
        s for s in viewer.selectbox if s.label == "Whose day"
    ]
    viewer.session_state["md_team_overdue"] = True  # the team's sections open on demand
    viewer.run()
    _pick(viewer, "overdue")  # no actions: the row opens its page
    assert _page(viewer) == "Care plan"
    nurse = signed_in("nurse")
    whose = next(s for s in nurse.selectbox if s.label == "Whose day")
    assert whose.value == _actor("nurse").id
    whose.set_value(-1).run()  # the whole team: every section closed, its count in its title
    assert ":red[Overdue tasks (1)]" in [e.label for e in nurse.expander]
    assert not nurse.dataframe
    nurse.session_state["md_team_overdue"] = True
    nurse.run()
    assert "Owner" in nurse.dataframe[0].value.columns
    social = signed_in("socialworker")
    assert not [s for s in social.selectbox if s.label == "Whose day"]
    admin = signed_in("admin")
    assert next(s for s in admin.selectbox if s.label == "Whose day").value == -1


def test_a_link_to_no_such_appointment_says_so(app_env):
    at = signed_in("nurse")
    at.query_params["appointment"] = "999999"
    at.switch_page("pages/calendar.py").run()
    assert not at.exception, at.exception
    assert "No such appointment." in [e.value for e in at.error]
    assert "cal_dialog" not in at.session_state or not at.session_state["cal_dialog"]


def test_the_teams_day_lists_urgent_follow_ups_beyond_the_first_cards(app_env):
    made = [_screened_patient(name)[1] for name in ("Ada", "Bea", "Cy", "Di", "Ed")]
    at = signed_in("nurse")
    next(s for s in at.selectbox if s.label == "Whose day").set_value(-1).run()
    assert not at.exception, at.exception
    assert "5 urgent safety follow-ups" in " ".join(h.value for h in at.header)
    picker = next(x for x in at.selectbox if x.label.startswith("Work on one of these"))
    assert picker.label.endswith("2 more urgent follow-ups") and not at.dataframe
    listed = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert len(listed) == 1 and listed[0].count("suicide risk") == 2  # one line each
    cards = [k for k in at.session_state if str(k).endswith("_work")]
    assert len(cards) == 3
    picker.set_value(made[-1]).run()  # the last one raised: a line, not a card
    assert not at.exception, at.exception
    assert at.session_state[f"md_safety_{made[-1]}_work"]  # its card, at work
    assert f"md_safety_{made[-1]}_work" not in cards
