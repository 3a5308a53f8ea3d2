"""How the Intake page moves: one save per step (errors at the fields, conflicts above,
the next step after), the screening step (one instrument at a time) and the summary."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.intake import page
from components.intake import screening as screen_ui
from components.intake import summary as summary_ui
from components.shared.flash import flash
from components.shared.forms import field_errors
from components.shared.text import esc
from db.base import today
from services.core.errors import Conflict, InvalidInput
from services.intake import actions

Save = Callable[..., None]


def completed_message(drafts: int) -> str:
    if not drafts:
        return "Intake completed."
    waiting = f"{drafts} draft referral{'s' if drafts != 1 else ''}"
    verb = "waits" if drafts == 1 else "wait"
    return f"Intake completed. {waiting} {verb} in Contacts → Referrals, ready to send."


def saver(actor, intake_id: int | None) -> Save:
    """The page's one way to save: `save(form, action, *args, step=next step)`.

    Saves name the version the form was first shown with (kept in session state), so a
    colleague's save in between is refused with both versions shown (DESIGN.md §3.5).
    """
    step_key, seen_key = f"intake_step_{intake_id}", f"intake_seen_{intake_id}"

    def save(form: str, fn, *args, step: int, then_care_plan: bool = False, then=None) -> None:
        try:
            result = fn(actor, *args)
        except InvalidInput as exc:
            if step < st.session_state.get(step_key, step):  # going back
                st.session_state[step_key] = step
                st.session_state.pop(seen_key, None)
                flash("That step was not saved: some answers need fixing.", icon="⚠️")
            else:
                field_errors(form, exc.errors)
        except Conflict as exc:
            st.session_state[page.CONFLICT_KEY] = (str(exc), exc.theirs, exc.mine)
            st.session_state.pop(seen_key, None)
        else:
            st.session_state[step_key] = step
            st.session_state.pop(seen_key, None)
            if then is not None:
                then()
            message = completed_message(result) if step == 9 else "Saved."
            if then_care_plan:  # the care plan confirms both at once
                st.session_state["care_plan_from_intake"]["done"] = message
                st.session_state["_intake_go_care_plan"] = True
            else:
                flash(message)
        st.rerun()

    return save


def screening_step(save: Save, intake_id, version, step, saved, active, errors, form) -> None:
    """Choose the instruments, then ask them one at a time (PHQ-9 first)."""
    chosen = [c for c in saved.get("instruments", []) if c in active]
    names = {c: a.definition.title for c, a in active.items() if c != "literacy"}
    picked = screen_ui.choose_instruments(names, chosen, f"{form}_pick")
    answers = saved.get("answers", {})
    at_key = f"intake_screen_{intake_id}"
    if picked is not None:
        values = {"instruments": picked, "answers": answers}
        save(form, actions.save_step, intake_id, "screening", values, version, step=step)
    if not chosen:
        if move := screen_ui.no_instruments(f"{form}_none"):
            values = {"instruments": [], "answers": {}}
            save(form, actions.save_step, intake_id, "screening", values, version, step=step + move)
        return
    n = min(st.session_state.get(at_key, 0), len(chosen) - 1)
    code = chosen[n]
    got = screen_ui.instrument_form(
        active[code].definition, answers.get(code), errors, f"{form}_{code}", n + 1, len(chosen)
    )
    if got:
        values = {"instruments": chosen, "answers": {**answers, code: got.values}}
        inside = 0 <= n + got.move < len(chosen)  # another instrument of this step
        save(
            form, actions.save_step, intake_id, "screening", values, version,
            step=step if inside else step + got.move,
            then=lambda: st.session_state.update({at_key: n + got.move if inside else 0}),
        )  # fmt: skip


def summary_step(save: Save, view, patient_id, intake_id, version, errors, form) -> None:
    """The summary: what the intake found, the decisions, then complete (or go to the plan)."""
    summary = view.summary
    summary_ui.summary_view(summary)
    decided = summary_ui.decisions(summary, f"{form}_decisions", view.referral_orgs, today())
    summary_ui.contacts_changes(view.contacts_changes, decided, summary)
    for message in errors.values():
        st.error(esc(message))
    back, done, plan = st.columns(3)
    if back.button("Back to services"):
        st.session_state[f"intake_step_{intake_id}"] = 7
        st.rerun()
    ready = not summary.incomplete
    if done.button("Complete intake", disabled=not ready):
        save(form, actions.complete_intake, intake_id, decided, version, step=9)
    if plan.button("Start care plan from this intake", type="primary", disabled=not ready):
        st.session_state["care_plan_from_intake"] = {
            "patient_id": patient_id,
            "intake_id": intake_id,
        }
        save(
            form, actions.complete_intake, intake_id, decided, version, step=9,
            then_care_plan=True,
        )  # fmt: skip
