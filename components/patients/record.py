"""Patients page: one patient's record. It leads with the patient header (alerts and links),
the urgent safety follow-up and what needs doing; demographics are a collapsed section.
Edit (with the stale-form check) and archive."""

from __future__ import annotations

import streamlit as st

from components.interop.fhir import patient_exchange
from components.overview.header import patient_header
from components.patients import views
from components.patients.form import patient_form
from components.patients.views import open_patient
from components.safety.panel import safety_panel
from components.shared.conflict import both_versions, seen_version
from components.shared.flash import flash
from components.shared.forms import field_errors, section, show_field_error
from components.shared.text import esc, isolate
from components.shared.viewed import patient_viewed
from services.core.clock import us_date
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor
from services.overview import actions as overview
from services.patients import actions as patients

state = st.session_state


def record_view(actor: Actor, staff: dict[int, str], region: str, view: str) -> None:
    can_edit = actor.can("patients.edit")
    pid = state["patient_id"]
    st.button("← Back to search", on_click=open_patient, args=(None, "search"))
    if view == "edit" and can_edit:
        p = patients.patient_details(actor, pid)
        st.title("Edit patient")
        st.text(
            f"{isolate(p.display_name)} · MRN {p.values.mrn} · born {us_date(p.values.birth_date)}"
        )
        _edit(actor, staff, region, pid, p.values, p.version)
        return
    # Only this view of the record is audited; the edit form reads the details.
    page = overview.open_record(actor, pid)
    patient_viewed(actor, pid, "Patients")
    p = page.record
    st.title("Patient record")  # the page's one top heading; the header names the patient
    patient_header(actor, pid, here="pages/patients.py", header=page.header)
    if p.archived:
        st.warning("This patient is archived.")
        st.text(f"Reason: {isolate(p.status_reason)}")
    if can_edit:
        # the version this screen drew: archive/restore act on what the nurse looked at
        shown = seen_version(f"patient_{pid}", p.version)
        _edit_and_archive(actor, pid, p.archived, page.record.sections, shown)
    safety_panel(actor, pid)
    st.header("What needs doing")
    views.summary_sections(page.needs_doing)
    views.summary_sections(page.more)
    # Closed, it draws nothing: its table is built only when the nurse opens it.
    box = section("Demographics and contact details", f"demographics_{pid}")
    with box:
        if box.open:
            views.demographics(
                p.values.__dict__
                | {"primary_case_manager_id": staff.get(p.values.primary_case_manager_id)},
                region,
            )
    patient_exchange(actor, pid, p.values.mrn)  # the FHIR download; other systems' records


def _edit(actor: Actor, staff, region: str, pid: int, values, version: int) -> None:
    version_key = f"edit_version_{pid}"
    state.setdefault(version_key, version)  # the version this form was opened on (DESIGN §3.5)
    conflict = state.get("patient_conflict")
    if conflict:
        st.error(esc(conflict["message"]))
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


def _edit_and_archive(actor: Actor, pid: int, archived: bool, sections, shown: int) -> None:
    if problem := state.pop("_archive_conflict", None):
        both_versions(*problem)
    c1, c2, _ = st.columns([1, 1, 4])
    c1.button("Edit details", on_click=open_patient, args=(pid, "edit"), icon=":material/edit:")
    with c2.popover("Restore" if archived else "Archive"):
        if archived:
            if st.button("Restore this patient"):
                try:
                    patients.restore_patient(actor, pid, shown)
                except Conflict as exc:
                    state["_archive_conflict"] = (str(exc), exc.theirs, exc.mine)
                else:
                    flash("Patient restored.")
                st.rerun()
            return
        errors = field_errors("archive")
        for section in sections:
            if section.before_archiving:
                st.warning(esc(section.before_archiving))
        why = st.text_input(
            "Reason for archiving",
            placeholder="e.g. moved away, duplicate record",
            max_chars=2000,
        )
        show_field_error(errors, "reason")
        if st.button("Archive this patient"):
            try:
                patients.archive_patient(actor, pid, why, shown)
            except InvalidInput as exc:
                field_errors("archive", exc.errors)
            except Conflict as exc:
                state["_archive_conflict"] = (str(exc), exc.theirs, exc.mine)
            else:
                flash("Patient archived. Nothing was deleted; restore it any time.")
            st.rerun()
