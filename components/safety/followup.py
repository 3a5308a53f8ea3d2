"""The urgent safety follow-up as a card: the alert with the crisis lines, what completing
still needs, and (for those who may) the four steps: the safety assessment, the safety
plan and its printout, who was told, and the outcome. The same card on My day and on the
patient's page; its work area opens only when asked for (a keyed expander)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.safety.plan import plan_form, print_plan
from components.shared.flash import flash
from components.shared.forms import field_errors, show_field_error
from components.shared.text import esc, isolate, show_table
from db.models import Channel, SafetyConcern
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor
from services.safety import actions as safety
from services.safety.assessment import QUESTIONS, RISK_LEVELS, AssessmentInput
from services.safety.followups import (
    NOTE_MAX,
    OUTCOMES,
    PRIMARY_CARE,
    SUPERVISOR,
    NotificationInput,
)
from services.safety.views import FollowUpView

state = st.session_state
CHANNELS = [Channel.PHONE.value, Channel.IN_PERSON.value, Channel.EMAIL.value, Channel.FAX.value]


def still_needed(f: FollowUpView) -> str:
    if not f.missing:
        return "Everything is done: complete it with its outcome."
    items = f.missing
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f"Still needed: {listed}."


def alert(f: FollowUpView, *, with_patient: bool) -> None:
    who = f" for {esc(f.patient_name)} (MRN {esc(f.mrn)})" if with_patient else ""
    st.error(
        f"**URGENT SAFETY FOLLOW-UP: {f.concern.upper()}**{who}. {esc(f.reason)} "
        f"Raised {esc(f.raised)}. {esc(f.crisis_lines)}",
        icon=":material/emergency:",
    )


def follow_up_card(
    actor: Actor, f: FollowUpView, *, key: str, on_my_day: bool, expanded: bool = False
) -> None:
    with st.container(border=True, key=f"{key}_card"):
        if on_my_day:
            alert(f, with_patient=True)
        else:  # the patient header right above shows the alert with the crisis lines
            st.markdown(f"**:red[Urgent safety follow-up: {f.concern}]**, raised {esc(f.raised)}")
        st.text(f"Owner: {isolate(f.owner) or 'not assigned'}. {still_needed(f)}")
        if on_my_day:
            st.page_link(
                "pages/patients.py",
                label="Open the patient",
                icon=":material/person:",
                query_params={"patient": str(f.patient_id)},
            )
        if not actor.can("clinical.edit"):
            st.caption("Your role reads this follow-up; a nurse or social worker completes it.")
            return
        work = st.expander(
            "Work on this follow-up", expanded=expanded, key=f"{key}_work", on_change="rerun"
        )
        with work:
            if work.open:
                _work(actor, f, key)


def _done(key: str) -> Callable[[str], None]:
    def said(message: str) -> None:
        state[f"{key}_said"] = message

    return said


def _save(
    key: str, form: str, fn: Callable[[], int | None], message: str, *, last: bool = False
) -> None:
    """One action; its new version is remembered, errors go next to the fields. The last
    step's confirmation goes to the page: the card is gone once the follow-up is done."""
    try:
        version = fn()
    except InvalidInput as exc:
        field_errors(form, exc.errors)
    except Conflict as exc:
        state[f"{key}_conflict"] = str(exc)
        state.pop(f"{key}_version", None)
    else:
        if version is not None:
            state[f"{key}_version"] = version
        if last:
            flash(message)
        else:
            state[f"{key}_said"] = message
    st.rerun()


def _work(actor: Actor, f: FollowUpView, key: str) -> None:
    said = st.empty()  # the confirmation slot, always drawn
    if message := state.pop(f"{key}_said", None):
        said.success(message, icon="✅")
    if conflict := state.pop(f"{key}_conflict", None):
        st.error(esc(conflict), icon=":material/sync_problem:")
    version = state.setdefault(f"{key}_version", f.version)
    panel = safety.safety_panel(actor, f.patient_id)
    first, second = st.columns(2)
    with first, st.container(border=True):
        st.markdown("**1 · Safety assessment**" + (" · done" if f.assessment else ""))
        _assessment(actor, f, key, version)
    with second, st.container(border=True):
        st.markdown("**2 · Safety plan**" + (" · done" if f.plan_current else ""))
        plan_form(actor, panel, key, _done(key))
        print_plan(actor, panel, key)
    third, fourth = st.columns(2)
    with third, st.container(border=True):
        told = bool(f.supervisor_told)
        st.markdown("**3 · Who was told**" + (" · done" if told else ""))
        _notify(actor, f, key, version)
    with fourth, st.container(border=True):
        st.markdown("**4 · Complete with the outcome**")
        _complete(actor, f, key, version)


def _assessment(actor: Actor, f: FollowUpView, key: str, version: int) -> None:
    form = f"{key}_assess"
    if f.assessment:
        show_table(f.assessment, alt="The safety assessment")
        st.caption(f"Recorded {f.assessed}.")
        if not st.toggle("Record it again", key=f"{form}_again"):
            return
    errors = field_errors(form)
    with st.form(form):
        answers = {}
        for q in QUESTIONS[SafetyConcern(f.concern)]:
            answers[q.key] = st.radio(
                q.label, q.options, index=None, horizontal=True, key=f"{form}_{q.key}"
            )
            show_field_error(errors, q.key)
        protective = st.text_area(
            "Protective factors (reasons for living, people, plans, faith)",
            max_chars=NOTE_MAX,
            height=70,
            key=f"{form}_protective",
        )
        show_field_error(errors, "protective_factors")
        risk = st.radio(
            "Risk level (your judgment)",
            RISK_LEVELS,
            index=None,
            horizontal=True,
            key=f"{form}_risk",
        )
        show_field_error(errors, "risk_level")
        note = st.text_area(
            "Note",
            max_chars=NOTE_MAX,
            height=90,
            placeholder="What the patient said, what you did, who you called",
            key=f"{form}_note",
        )
        show_field_error(errors, "note")
        st.caption("Imminent risk: stay with the patient and call 911.")
        if st.form_submit_button("Save the assessment", type="primary"):
            data = AssessmentInput(answers, protective, risk or "", note)
            _save(
                key,
                form,
                lambda: safety.record_assessment(actor, f.id, data, version),
                "Safety assessment recorded.",
            )


def _notify(actor: Actor, f: FollowUpView, key: str, version: int) -> None:
    if f.supervisor_told:
        st.text(f"Supervisor: {isolate(f.supervisor_told)}")
    if f.primary_care_told:
        st.text(f"Primary care: {isolate(f.primary_care_told)}")
    choices = safety.notify_choices(actor)
    form = f"{key}_notify"
    errors = field_errors(form)
    whom = st.radio(
        "Who did you tell?",
        [SUPERVISOR, PRIMARY_CARE],
        format_func=lambda w: "The supervisor" if w == SUPERVISOR else "Primary care",
        horizontal=True,
        key=f"{form}_whom",
    )
    with st.form(form):
        staff_id = org_id = None
        if whom == SUPERVISOR:
            ids = list(choices.staff)
            staff_id = st.selectbox(
                "Supervisor",
                ids,
                index=ids.index(choices.supervisor) if choices.supervisor in ids else None,
                format_func=lambda i: choices.staff[i],
                placeholder="Choose the colleague",
                key=f"{form}_staff",
            )
            show_field_error(errors, "staff_user_id")
        else:
            ids = list(choices.primary_care)
            org_id = st.selectbox(
                "Primary care practice",
                ids,
                index=None,
                format_func=lambda i: choices.primary_care[i],
                placeholder="Choose from the directory",
                key=f"{form}_org",
            )
            show_field_error(errors, "organization_id")
        channel = st.selectbox("How", CHANNELS, key=f"{form}_channel")
        summary = st.text_area(
            "What you said (optional)",
            max_chars=NOTE_MAX,
            height=70,
            key=f"{form}_summary",
        )
        show_field_error(errors, "summary")
        if st.form_submit_button("Log it in the communication log"):
            data = NotificationInput(whom, staff_id, org_id, channel, summary)
            _save(
                key,
                form,
                lambda: safety.notify(actor, f.id, data, version),
                "Logged in the communication log.",
            )


def _complete(actor: Actor, f: FollowUpView, key: str, version: int) -> None:
    form = f"{key}_complete"
    errors = field_errors(form)
    for field in ("assessment", "plan", "notified"):
        show_field_error(errors, field)
    with st.form(form):
        outcome = st.selectbox(
            "Outcome",
            OUTCOMES,
            index=None,
            placeholder="Choose what was decided",
            key=f"{form}_outcome",
        )
        show_field_error(errors, "outcome")
        note = st.text_area(
            "What happens next",
            max_chars=NOTE_MAX,
            height=70,
            placeholder="e.g. safety plan given; behavioral health visit tomorrow 10:00",
            key=f"{form}_note",
        )
        show_field_error(errors, "note")
        if st.form_submit_button("Complete the follow-up", type="primary"):
            _save(
                key,
                form,
                lambda: safety.complete_follow_up(actor, f.id, outcome, note, version),
                "Safety follow-up completed.",
                last=True,
            )
