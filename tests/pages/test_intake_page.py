"""AppTest of the Intake page: a nurse walks the whole intake; scheduler and viewer cannot edit."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.base import today as clinic_today
from db.models import Intake, IntakeStatus, IntakeSuggestion, SafetyFollowUp
from db.session import session_scope
from services.core.identity import SYSTEM
from services.intake import draft as drafts
from services.intake import instrument_store
from services.patients import registry as patients
from tests.apptest import signed_in, texts


def _seed() -> int:
    with session_scope() as s:
        return patients.register_patient(
            s,
            SYSTEM,
            patients.PatientInput(
                given_name="Rosa", family_name="Diaz", birth_date=date(1948, 3, 2)
            ),
        ).id


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _radio(at, label):
    return next(r for r in at.radio if r.label == label)


def _pick_patient(at, pid):
    next(t for t in at.text_input if t.label == "Find a patient").input("diaz").run()
    next(s for s in at.selectbox if s.label == "Patient").set_value(pid).run()
    assert not at.exception, at.exception


def _continue(at, label="Save and continue"):
    _button(at, label).click().run()
    assert not at.exception, at.exception


def test_nurse_completes_a_full_intake_with_suicide_alert(app_env):
    pid = _seed()
    at = signed_in("nurse", "pages/intake.py")
    _pick_patient(at, pid)
    assert "Diaz, Rosa" in texts(at)
    _button(at, "Start a new intake").click().run()
    assert "Step 1 of 8" in texts(at)
    _continue(at)  # 1 identity: confirmed as on record
    assert "Step 2 of 8" in texts(at)
    _continue(at)  # 2 living: nothing chosen -> errors next to the fields, nothing saved
    assert "Choose where the patient lives." in [e.value for e in at.error]
    _radio(at, "Where does the patient live?").set_value("home")
    _radio(at, "Getting to appointments").set_value("needs transport")
    _continue(at)
    assert "Step 3 of 8" in texts(at)
    next(c for c in at.checkbox if c.label == "No insurance").check()
    _continue(at)
    _continue(at)  # 4 supports: none given
    next(t for t in at.text_area if t.label.startswith("What matters most")).input(
        "Stay in my own home"
    )
    _radio(at, "How confident are you filling out medical forms by yourself?").set_value(3)
    _continue(at)
    assert "Step 6 of 8" in texts(at)
    # 6 screening: default PHQ-9, GAD-7, AHC HRSN and LACE; answer item by item
    answers = {
        "phq9": [1, 1, 1, 1, 1, 1, 1, 1, 2],  # 10, item 9 = 2
        "gad7": [0, 0, 0, 0, 0, 0, 0],
        "ahc_hrsn": [0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 1, 1, 1, 1],
        "lace": [5, 1, 2, 1],
    }
    with session_scope() as s:
        defs = {c: a.definition for c, a in instrument_store.active_instruments(s).items()}
    for n, (code, values) in enumerate(answers.items(), start=1):
        # one instrument at a time, with where the nurse is
        bars = [b.text for b in at.get("progress")]
        assert any(b.startswith(f"Instrument {n} of 4: {defs[code].title} · 0 of") for b in bars)
        others = [c for c in answers if c != code]
        assert not [k for k in _keys(at) if any(f"_{c}_" in k for c in others)]
        for item, value in zip(defs[code].items, values, strict=True):
            key = next(k for k in _keys(at) if k.endswith(f"_{code}_{item.id}"))
            widget = next(w for w in [*at.radio, *at.number_input] if w.key == key)
            if item.number:
                widget.set_value(value)
            else:
                widget.set_value([v for _, v in item.options].index(value))
        _continue(at, "Save and next instrument" if n < 4 else "Save and continue")
        if n < 4:
            assert "Step 6 of 8" in texts(at)
    assert "Step 7 of 8" in texts(at)
    next(m for m in at.multiselect if m.label == "Services needed").select("meals")
    _continue(at, "Save and see summary")
    shown = texts(at)
    assert "Step 8 of 8" in shown
    assert "SUICIDE RISK" in shown and "URGENT" in shown
    assert "Risk tier: **URGENT**" in shown
    with session_scope() as s:
        follow_up = s.scalars(select(SafetyFollowUp)).one()  # the urgent safety follow-up
        assert follow_up.status == "open" and follow_up.patient_id == pid
    # merged: meals (services) and the food need (AHC) are one referral, drafted in Contacts
    referrals = next(e for e in at.data_editor if "Send to" in e.value.columns)
    services = referrals.value["Service"].tolist()
    assert services.count("meals and food assistance") == 1
    assert "A draft referral for meals and food assistance" in texts(at)
    _button(at, "Start care plan from this intake").click().run()
    assert not at.exception, at.exception
    with session_scope() as s:
        intake = s.scalars(select(Intake)).one()
        assert intake.status == IntakeStatus.COMPLETED and intake.risk_tier == "urgent"
        accepted = s.scalars(select(IntakeSuggestion.text)).all()
        words = [r.details.get("patients_words") for r in s.scalars(select(IntakeSuggestion))]
    assert "Stay in my own home" in words and "Food insecurity." in accepted
    # The care-plan builder took them: proposed goals and needs, linked to their source.
    from db.models import Goal, Referral

    shown = texts(at)
    assert "Intake completed." in shown and "draft referrals wait in Contacts" in shown
    assert "from the intake (goals, needs and tasks) were added to the plan" in shown
    with session_scope() as s:
        goals = s.scalars(select(Goal)).all()
        assert any(g.source_kind == "intake_suggestion" for g in goals)
        assert any(g.patients_words == "Stay in my own home" for g in goals)
        assert s.scalars(select(Referral)).all()
        assert all(
            r.handed_off_at
            for r in s.scalars(select(IntakeSuggestion)).all()
            if r.status == "accepted"
        )
    assert "care_plan_from_intake" not in at.session_state


def _keys(at):
    return [w.key for w in [*at.radio, *at.number_input] if w.key]


def test_a_draft_is_resumed_in_a_new_session_by_another_nurse(app_env):
    pid = _seed()
    at = signed_in("nurse", "pages/intake.py")
    _pick_patient(at, pid)
    _button(at, "Start a new intake").click().run()
    _continue(at)
    _radio(at, "Where does the patient live?").set_value("homeless")
    _radio(at, "Getting to appointments").set_value("public transport")
    _continue(at)
    other = signed_in("admin", "pages/intake.py")  # a new session: like a reload
    assert "Intakes in progress" in texts(other)
    next(s for s in other.selectbox if s.label == "Resume the intake for").set_value(pid).run()
    assert "Step 3 of 8" in texts(other)
    _button(other, "Save and go back").click().run()
    assert _radio(other, "Where does the patient live?").value == "homeless"


@pytest.mark.parametrize("username", ["scheduler", "viewer"])
def test_scheduler_and_viewer_cannot_edit(app_env, username):
    pid = _seed()
    with session_scope() as s:
        nurse_intake = drafts.start_intake(s, SYSTEM, pid)
        drafts.save_step(
            s,
            SYSTEM,
            nurse_intake.id,
            "living",
            {"setting": "home", "transport": "public transport"},
            nurse_intake.version,
        )
    at = signed_in(username, "pages/intake.py")
    assert not at.exception
    _pick_patient(at, pid)
    assert "cannot start or edit an intake" in texts(at)
    labels = {b.label for b in at.button}
    assert not labels & {"Start a new intake", "Save and continue", "Complete intake"}
    assert not at.radio and not at.text_area


def test_two_people_saving_the_same_step_second_is_refused_with_both_shown(app_env):
    pid = _seed()
    first = signed_in("nurse", "pages/intake.py")
    _pick_patient(first, pid)
    _button(first, "Start a new intake").click().run()
    _continue(first)
    second = signed_in("socialworker", "pages/intake.py")
    next(s for s in second.selectbox if s.label == "Resume the intake for").set_value(pid).run()
    assert "Step 2 of 8" in texts(second)
    _radio(first, "Where does the patient live?").set_value("home")
    _radio(first, "Getting to appointments").set_value("public transport")
    _continue(first)
    _radio(second, "Where does the patient live?").set_value("assisted living")
    _radio(second, "Getting to appointments").set_value("needs transport")
    _continue(second)
    shown = texts(second)
    assert "saved this intake while you were working on it" in shown
    table = next(d.value for d in second.dataframe if "Saved by them" in d.value.columns)
    assert "home" in table["Saved by them"].tolist()
    assert "assisted living" in table["Yours (not saved)"].tolist()
    with session_scope() as s:
        assert s.scalars(select(Intake)).one().data["living"]["setting"] == "home"


def test_a_new_patient_is_registered_on_the_intake_page_and_the_intake_opens(app_env):
    from db.models import Patient

    at = signed_in("nurse", "pages/intake.py")
    next(t for t in at.text_input if t.label == "Find a patient").input("Okafor").run()
    assert "Register them below" in texts(at)
    form = "intake_register_form"
    given = next(t for t in at.text_input if t.label.startswith("Given name") and t.form_id == form)
    given.input("Chidi")
    next(t for t in at.text_input if t.label.startswith("Family name")).input("Okafor")
    _button(at, "Register patient").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("date of birth" in e.lower() for e in errors)  # at the field; nothing saved
    with session_scope() as s:
        assert s.scalar(select(Patient).where(Patient.family_name == "Okafor")) is None
    next(d for d in at.date_input if "birth" in d.label.lower()).set_value(date(1951, 5, 6))
    _button(at, "Register patient").click().run()
    assert not at.exception, at.exception
    assert "Patient registered (MRN" in texts(at)
    assert "Okafor, Chidi" in texts(at)
    assert any(b.label == "Start a new intake" for b in at.button)


def test_a_scheduler_is_not_offered_registration_on_the_intake_page(app_env):
    at = signed_in("scheduler", "pages/intake.py")
    next(t for t in at.text_input if t.label == "Find a patient").input("Nobody").run()
    assert "Register them below" not in texts(at)
    assert not [e for e in at.expander if e.label.startswith("Register a new patient")]


def test_register_anyway_confirms_only_the_name_that_was_warned_about(app_env):
    from db.models import Patient

    _seed()  # Rosa Diaz, born 1948-03-02
    with session_scope() as s:
        patients.register_patient(
            s, SYSTEM,
            patients.PatientInput(given_name="Juan", family_name="Perez",
                                  birth_date=date(1950, 1, 1)),
        )  # fmt: skip
    at = signed_in("nurse", "pages/intake.py")

    def submit(given, family, born, label):
        next(t for t in at.text_input if t.label.startswith("Given name")).input(given)
        next(t for t in at.text_input if t.label.startswith("Family name")).input(family)
        next(d for d in at.date_input if "birth" in d.label.lower()).set_value(born)
        _button(at, label).click().run()
        assert not at.exception, at.exception

    submit("Rosa", "Diaz", date(1948, 3, 2), "Register patient")
    assert "already registered" in texts(at)
    submit("Juan", "Perez", date(1950, 1, 1), "Register anyway")  # another duplicate
    assert "already registered" in texts(at)
    with session_scope() as s:
        assert s.query(Patient).filter_by(family_name="Perez").count() == 1


def test_the_summary_proposes_words_dates_and_says_what_changes_in_contacts(app_env):
    from db.models import Coverage, Referral, RelatedPerson
    from services.contacts.directory import OrgInput, create_organization

    pid = _seed()
    with session_scope() as s:
        insurer = create_organization(
            s, SYSTEM, OrgInput(name="Bay State Health Plan", org_type="insurer"), region="US"
        )
        intake = drafts.start_intake(s, SYSTEM, pid)
        steps = {
            "living": {"setting": "home", "transport": "needs transport"},
            "insurance": {"payer_id": insurer.id, "payer": insurer.name, "member_id": "BS-100"},
            "supports": {"caregiver_name": "Ana Ruiz", "caregiver_relationship": "daughter",
                         "caregiver_phone": "(617) 555-0123", "involvement": "daily",
                         "caregiver_roles": ["primary caregiver", "emergency contact"]},
            "matters": {"what_matters": "Seguir en mi casa", "literacy": 0},
            "screening": {"instruments": ["lace"], "answers": {"lace": [5, 1, 2, 1]}},
            "services": {"needed": ["transportation"]},
        }  # fmt: skip
        drafts.save_step(s, SYSTEM, intake.id, "identity", {}, intake.version)
        for step, values in steps.items():
            drafts.save_step(s, SYSTEM, intake.id, step, values, intake.version)
    at = signed_in("nurse", "pages/intake.py")
    _pick_patient(at, pid)
    assert "Step 8 of 8" in texts(at)
    goals = next(e.value for e in at.data_editor if "In their words" in e.value.columns)
    words = goals[goals["In their words"] == "Seguir en mi casa"].iloc[0]
    assert words["Priority"] == 1 and words["Measurable goal"] == ""
    assert words["Target date"] == clinic_today() + timedelta(weeks=12)
    tasks = next(e.value for e in at.data_editor if "Due" in e.value.columns)
    due = dict(zip(tasks["Task"], tasks["Due"], strict=True))
    assert due["Post-discharge call within 2 business days."] == "within 2 business days"
    shown = texts(at)
    assert "Ana Ruiz (daughter) joins the family list in Contacts as primary caregiver" in shown
    assert "Bay State Health Plan (member ID BS-100) becomes the patient's primary" in shown
    _button(at, "Complete intake").click().run()
    assert not at.exception, at.exception
    assert "2 draft referrals wait in Contacts" in texts(at)  # transport, home health
    with session_scope() as s:
        ana = s.scalars(select(RelatedPerson)).one()
        assert ana.primary_caregiver and ana.emergency_contact
        cov = s.scalars(select(Coverage)).one()
        assert (cov.payer_id, cov.member_id) == (insurer.id, "BS-100")
        assert [r.status for r in s.scalars(select(Referral))] == ["draft", "draft"]
