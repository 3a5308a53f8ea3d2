"""Patients page: one patient's record: summary, edit (with the stale-form check), archive."""

from __future__ import annotations

import streamlit as st

from components.interop.fhir import patient_exchange
from components.patients import views
from components.patients.form import patient_form
from components.patients.views import open_patient
from components.shared.flash import flash
from components.shared.forms import field_errors, show_field_error
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor
from services.overview import actions as overview
from services.patients import actions as patients

state = st.session_state


def record_view(actor: Actor, staff: dict[int, str], region: str, view: str) -> None:
    can_edit = actor.can("patients.edit")
    pid = state["patient_id"]
    # Only the summary is a view of the record (audited); the edit form reads the details.
    p = (
        overview.view_patient(actor, pid)
        if view == "summary"
        else patients.patient_details(actor, pid)
    )
    values, version, archived = p.values, p.version, p.archived
    reason, name, sections = p.status_reason, p.display_name, p.sections
    st.title("Patient")
    st.text(f"{name} · MRN {values.mrn} · born {values.birth_date}")
    st.button("← Back to search", on_click=open_patient, args=(None, "search"))
    if archived:
        st.warning("This patient is archived.")
        st.text(f"Reason: {reason}")
    if view == "edit" and can_edit:
        version_key = f"edit_version_{pid}"
        state.setdefault(version_key, version)  # the version this form was opened on (DESIGN §3.5)
        conflict = state.get("patient_conflict")
        if conflict:
            st.error(conflict["message"])
            views.conflict_table(conflict["theirs"], conflict["mine"], staff)
            if st.button("Start again from the saved version"):
                # New widget keys: the browser would otherwise send back the old typed values.
                state[version_key] = version
                state[f"edit_generation_{pid}"] = state.get(f"edit_generation_{pid}", 0) + 1
                state.pop("patient_conflict")
                st.rerun()
        data = patient_form(
            f"edit_form_{pid}_{state.get(f'edit_generation_{pid}', 0)}",
            values,
            staff,
            field_errors("edit"),
            "Save changes",
        )
        if data is not None:
            try:
                patients.update_patient(actor, pid, data, state[version_key], region=region)
            except Conflict as exc:
                state["patient_conflict"] = {
                    "message": str(exc),
                    "theirs": exc.theirs,
                    "mine": exc.mine,
                }
            except InvalidInput as exc:
                field_errors("edit", exc.errors)
            else:
                state.pop(version_key, None)
                flash("Changes saved.")
                open_patient(pid)
            st.rerun()
    else:
        if can_edit:
            c1, c2 = st.columns([1, 4])
            c1.button("Edit details", on_click=open_patient, args=(pid, "edit"), type="primary")
            with c2.popover("Restore" if archived else "Archive"):
                if archived:
                    if st.button("Restore this patient"):
                        patients.restore_patient(actor, pid)
                        flash("Patient restored.")
                        st.rerun()
                else:
                    errors = field_errors("archive")
                    for section in sections:
                        if section.before_archiving:
                            st.warning(section.before_archiving)
                    why = st.text_input(
                        "Reason for archiving", placeholder="e.g. moved away, duplicate record"
                    )
                    show_field_error(errors, "reason")
                    if st.button("Archive this patient"):
                        try:
                            patients.archive_patient(actor, pid, why)
                        except InvalidInput as exc:
                            field_errors("archive", exc.errors)
                        else:
                            flash("Patient archived. Nothing was deleted; restore it any time.")
                        st.rerun()
        if not archived:
            views.patient_links(pid, actor.can)
        patient_exchange(actor, pid, values.mrn)
        views.demographics(
            values.__dict__
            | {"primary_case_manager_id": staff.get(values.primary_case_manager_id)},
            region,
        )
        views.summary_sections(sections)
