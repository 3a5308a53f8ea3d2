"""Patients: find, register, edit, archive and restore; one summary per patient."""

import streamlit as st

from components import patient_views as views
from components.flash import flash
from components.forms import field_errors, show_field_error
from components.guard import page_setup
from components.patient_form import patient_form
from db import config
from db.session import session_scope
from services import auth, patients, summary
from services.errors import Conflict, InvalidInput
from services.patients import PatientInput, PossibleDuplicate

actor = page_setup("Patients", "patients.read")
region = config.load().region
can_edit = actor.can("patients.edit")
state = st.session_state
with session_scope() as s:
    staff = auth.staff_choices(s)


def open_patient(patient_id: int | None, view: str = "summary") -> None:
    state["patient_id"], state["patient_view"] = patient_id, view
    state.pop("patient_dupes", None)
    state.pop("patient_conflict", None)


if state["_arrived"] and not state.pop("patient_open_on_arrival", False):
    state["patient_view"] = "search"  # the nav link to Patients starts at the search
view = state.get("patient_view", "search")

if view == "register" and can_edit:
    st.title("Register a patient")
    st.button("← Back to search", on_click=open_patient, args=(None, "search"))
    errors = field_errors("register")
    dupes = state.get("patient_dupes")
    if dupes:
        st.warning(
            "A patient with the same name and date of birth is already registered. "
            "Open that record, or register anyway if this is a different person."
        )
        for p in dupes:
            st.button(
                f"Open existing record: MRN {p['mrn']}, born {p['birth_date']}",
                key=f"dupe_{p['id']}",
                on_click=open_patient,
                args=(p["id"],),
            )
    data = patient_form(
        "register_form",
        state.get("register_data", PatientInput()),
        staff,
        errors,
        "Register anyway" if dupes else "Register patient",
    )
    if data is not None:
        state["register_data"] = data
        try:
            with session_scope() as s:
                p = patients.register_patient(
                    s, actor, data, region=region, confirmed_not_duplicate=bool(dupes)
                )
                new_id, mrn = p.id, p.mrn
        except PossibleDuplicate as exc:
            state["patient_dupes"] = exc.matches
        except InvalidInput as exc:
            field_errors("register", exc.errors)
        else:
            state.pop("register_data", None)
            flash(f"Patient registered (MRN {mrn}).")
            open_patient(new_id)
        st.rerun()

elif view in ("summary", "edit") and state.get("patient_id"):
    pid = state["patient_id"]
    with session_scope() as s:
        p = patients.get_patient(s, actor, pid, record_view=view == "summary")
        values, version, archived = PatientInput.from_patient(p), p.version, p.status == "archived"
        reason, name = p.status_reason, p.display_name
        sections = summary.patient_summary(s, actor, p) if view == "summary" else []
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
                with session_scope() as s:
                    patients.update_patient(s, actor, pid, data, state[version_key], region=region)
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
                        with session_scope() as s:
                            patients.restore_patient(s, actor, pid)
                        flash("Patient restored.")
                        st.rerun()
                else:
                    errors = field_errors("archive")
                    why = st.text_input(
                        "Reason for archiving", placeholder="e.g. moved away, duplicate record"
                    )
                    show_field_error(errors, "reason")
                    if st.button("Archive this patient"):
                        try:
                            with session_scope() as s:
                                patients.archive_patient(s, actor, pid, why)
                        except InvalidInput as exc:
                            field_errors("archive", exc.errors)
                        else:
                            flash("Patient archived. Nothing was deleted; restore it any time.")
                        st.rerun()
        if not archived:
            views.patient_links(pid, actor.can)
        views.demographics(
            values.__dict__
            | {"primary_case_manager_id": staff.get(values.primary_case_manager_id)},
            region,
        )
        views.summary_sections(sections)

else:
    st.title("Patients")
    c1, c2, c3, c4 = st.columns([4, 1.3, 1.3, 1.5], vertical_alignment="bottom")
    query = c1.text_input("Find a patient", placeholder="Name, date of birth (YYYY-MM-DD) or MRN")
    mine = c2.toggle("Only my patients", value=actor.role in ("nurse", "social_worker"))
    archived = c3.toggle("Include archived")
    if can_edit:
        c4.button(
            "Register a patient",
            icon=":material/person_add:",
            on_click=open_patient,
            args=(None, "register"),
        )
    if state.get("patient_query") != (query, mine, archived):
        state["patient_query"], state["patient_page"] = (query, mine, archived), 1
    with session_scope() as s:
        found = patients.search_patients(
            s,
            actor,
            query,
            include_archived=archived,
            page=state["patient_page"],
            case_manager_id=actor.id if mine else None,
        )
        if mine and query and found.total == 0:  # not in my caseload: look clinic-wide
            found = patients.search_patients(s, actor, query, include_archived=archived)
            st.info("No match in your caseload; showing matches from the whole clinic.")
        rows = [
            {
                "Name": p.display_name,
                "Born": p.birth_date,
                "MRN": p.mrn,
                "Language": p.preferred_language,
                "Case manager": staff.get(p.primary_case_manager_id, ""),
                "Status": p.status,
            }
            for p in found.rows
        ]
        ids = [p.id for p in found.rows]
    st.caption(
        f"{found.total} patient(s) found · page {found.page} of {found.pages} · "
        "click a row, or choose below, to open the patient"
    )
    if rows:
        # Fresh widget keys after each opening, so coming back shows no stale choice.
        generation = state.get("results_generation", 0)
        clicked = views.results_table(rows, key=f"results_{generation}")
        picked = st.selectbox(
            "Open patient",
            range(len(ids)),
            index=None,
            key=f"pick_{generation}",
            placeholder="Choose from this page",
            format_func=lambda i: f"{rows[i]['Name']} · {rows[i]['MRN']}",
        )
        chosen = clicked if clicked is not None else picked
        if chosen is not None:
            state["results_generation"] = generation + 1
            open_patient(ids[chosen])
            st.rerun()
    p1, p2, _ = st.columns([1, 1, 6])
    if p1.button("← Previous", disabled=found.page <= 1):
        state["patient_page"] = found.page - 1
        st.rerun()
    if p2.button("Next →", disabled=found.page >= found.pages):
        state["patient_page"] = found.page + 1
        st.rerun()
