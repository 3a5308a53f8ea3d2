"""The intake's step forms. Each takes plain data and returns what was submitted (or None).

Components never touch the database: the page saves what these return. User text is shown
with st.text / show_table (a dataframe) or through esc() in labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.shared.forms import fit, show_field_error
from components.shared.text import show_table
from services.contacts.family import RELATIONSHIPS
from services.core.text import us_spelling
from services.intake.steps import (
    CAREGIVER_ROLES,
    INVOLVEMENT,
    LITERACY_OPTIONS,
    SERVICES,
    SETTINGS,
    STEPS,
    TEXT_LIMIT,
    TRANSPORT,
)


@dataclass(frozen=True)
class Submitted:
    values: dict
    move: int  # +1 continue, -1 back, 0 stay


def progress(step: int) -> None:
    """Where the nurse is: a bar plus the eight step names."""
    st.progress(step / len(STEPS))
    st.markdown(f"**Step {step} of {len(STEPS)}: {STEPS[step - 1][1]}**")
    st.caption(
        "Steps: "
        + "  ·  ".join(
            f"**{n}. {label}**" if n == step else f"{n}. {label}"
            for n, (_, label) in enumerate(STEPS, start=1)
        )
    )


def _buttons(step: int) -> int | None:
    back, forward = st.columns(2)
    went_back = back.form_submit_button("Save and go back", disabled=step == 1)
    label = "Save and continue" if step < len(STEPS) - 1 else "Save and see summary"
    went_on = forward.form_submit_button(label, type="primary")
    if went_on:
        return 1
    if went_back:
        return -1
    return None


def _index(options: list, value) -> int | None:
    return options.index(value) if value in options else None


def identity(patient: dict, errors: dict, key: str) -> Submitted | None:
    st.caption("Check the details with the patient. Corrections are saved to the patient record.")
    show_table(
        pd.DataFrame(
            {
                "Detail": ["Name", "Date of birth", "MRN"],
                "On record": [patient["name"], str(patient["birth_date"]), patient["mrn"]],
            }
        ).set_index("Detail"),
        alt="The patient's name, date of birth and MRN on record",
    )
    with st.form(key):
        a, b = st.columns(2)
        values = {
            "phone": a.text_input(
                "Phone", value=patient["phone"] or "", max_chars=fit(32, patient["phone"] or "")
            ),
            "email": b.text_input(
                "Email", value=patient["email"] or "", max_chars=fit(254, patient["email"] or "")
            ),
            "address_line": st.text_input(
                "Street address",
                value=patient["address_line"] or "",
                max_chars=fit(200, patient["address_line"] or ""),
            ),
        }
        c, d, e = st.columns([2, 1, 1])
        values["city"] = c.text_input(
            "City", value=patient["city"] or "", max_chars=fit(100, patient["city"] or "")
        )
        values["state"] = d.text_input(
            "State", value=patient["state"] or "", max_chars=fit(50, patient["state"] or "")
        )
        values["postal_code"] = e.text_input(
            "ZIP code",
            value=patient["postal_code"] or "",
            max_chars=fit(20, patient["postal_code"] or ""),
        )
        for name in ("phone", "email", "state", "postal_code"):
            show_field_error(errors, name)
        move = _buttons(1)
    return Submitted(values, move) if move else None


def living(saved: dict, errors: dict, key: str) -> Submitted | None:
    with st.form(key):
        setting = st.radio(
            "Where does the patient live?",
            SETTINGS,
            index=_index(SETTINGS, saved.get("setting")),
            horizontal=True,
        )
        show_field_error(errors, "setting")
        other = st.text_input(
            "If other, where?",
            value=saved.get("setting_other", ""),
            max_chars=fit(TEXT_LIMIT, saved.get("setting_other", "")),
        )
        show_field_error(errors, "setting_other")
        a, b = st.columns(2)
        lives_alone = a.checkbox("Lives alone", value=saved.get("lives_alone", False))
        stairs = b.checkbox("Stairs at or inside the home", value=saved.get("stairs", False))
        household = st.text_input(
            "Who else is at home?",
            value=saved.get("household", ""),
            max_chars=fit(TEXT_LIMIT, saved.get("household", "")),
        )
        distance = st.number_input(
            "Distance to the clinic (miles)",
            min_value=0.0,
            max_value=500.0,
            step=0.5,
            value=saved.get("distance_miles"),
        )
        transport = st.radio(
            "Getting to appointments",
            TRANSPORT,
            index=_index(TRANSPORT, saved.get("transport")),
            horizontal=True,
        )
        show_field_error(errors, "transport")
        move = _buttons(2)
    if not move:
        return None
    return Submitted(
        {
            "setting": setting,
            "setting_other": other,
            "lives_alone": lives_alone,
            "stairs": stairs,
            "household": household,
            "distance_miles": distance,
            "transport": transport,
        },
        move,
    )


def insurance(saved: dict, errors: dict, key: str, insurers: dict[int, str]) -> Submitted | None:
    """The insurer from the Contacts directory (or typed, when it is not there yet)."""
    with st.form(key):
        uninsured = st.checkbox("No insurance", value=saved.get("uninsured", False))
        names = {i: label.rsplit(" (", 1)[0] for i, label in insurers.items()}
        options: list = list(names)
        current = saved.get("payer_id") if saved.get("payer_id") in names else saved.get("payer")
        if isinstance(current, str) and current:
            options.append(current)
        payer = st.selectbox(
            "Insurer",
            options,
            index=options.index(current) if current in options else None,
            format_func=lambda v: names.get(v, str(v)),
            accept_new_options=True,
            placeholder="Choose from Contacts, or type the name",
        )
        show_field_error(errors, "payer")
        a, b, c = st.columns(3)
        plan = a.text_input(
            "Plan (optional)",
            value=saved.get("plan_name", ""),
            max_chars=fit(200, saved.get("plan_name", "")),
        )
        member_id = b.text_input(
            "Member ID",
            value=saved.get("member_id", ""),
            max_chars=fit(60, saved.get("member_id", "")),
        )
        group = c.text_input(
            "Group number (optional)",
            value=saved.get("group", ""),
            max_chars=fit(60, saved.get("group", "")),
        )
        show_field_error(errors, "member_id")
        st.caption("On completing the intake this becomes the patient's coverage in Contacts.")
        move = _buttons(3)
    values = {
        "uninsured": uninsured,
        "payer_id": payer if isinstance(payer, int) else None,
        "payer": names.get(payer, payer) if payer is not None else "",
        "plan_name": plan,
        "member_id": member_id,
        "group": group,
    }
    return Submitted(values, move) if move else None


def supports(saved: dict, errors: dict, key: str) -> Submitted | None:
    with st.form(key):
        st.caption("Main family member or caregiver")
        a, b, c = st.columns(3)
        name = a.text_input(
            "Caregiver name",
            value=saved.get("caregiver_name", ""),
            max_chars=fit(200, saved.get("caregiver_name", "")),
        )
        relationship = b.selectbox(
            "Relationship",
            RELATIONSHIPS,
            index=_index(RELATIONSHIPS, saved.get("caregiver_relationship")),
            placeholder="Choose",
            format_func=us_spelling,
        )
        phone = c.text_input(
            "Caregiver phone",
            value=saved.get("caregiver_phone", "") or "",
            max_chars=fit(32, saved.get("caregiver_phone", "") or ""),
        )
        for field in ("caregiver_name", "caregiver_relationship", "caregiver_phone"):
            show_field_error(errors, field)
        involvement = st.radio(
            "How involved is the caregiver?",
            INVOLVEMENT,
            index=_index(INVOLVEMENT, saved.get("involvement")),
            horizontal=True,
        )
        show_field_error(errors, "involvement")
        roles = st.multiselect(
            "Their role in the family list in Contacts",
            CAREGIVER_ROLES,
            default=saved.get("caregiver_roles")
            or ([] if saved.get("caregiver_name") else ["primary caregiver"]),
            help="A new primary caregiver takes over from anyone listed as primary before.",
        )
        other = st.text_area(
            "Other supports (neighbors, church, friends)",
            value=saved.get("other_supports", ""),
            max_chars=fit(TEXT_LIMIT, saved.get("other_supports", "")),
        )
        st.caption(
            "On completing the intake the caregiver joins the family list in Contacts with "
            "these roles; the summary says what changes before you complete."
        )
        move = _buttons(4)
    values = {
        "caregiver_name": name,
        "caregiver_relationship": relationship,
        "caregiver_phone": phone,
        "involvement": involvement,
        "caregiver_roles": roles,
        "other_supports": other,
    }
    return Submitted(values, move) if move else None


def matters(saved: dict, patient: dict, errors: dict, key: str) -> Submitted | None:
    with st.form(key):
        what = st.text_area(
            "What matters most to you right now? (their own words)",
            value=saved.get("what_matters", ""),
            max_chars=fit(TEXT_LIMIT, saved.get("what_matters", "")),
        )
        show_field_error(errors, "what_matters")
        a, b = st.columns([1, 2])
        said_by = a.radio(
            "Who said it",
            ["patient", "caregiver"],
            index=["patient", "caregiver"].index(saved.get("said_by") or "patient"),
            horizontal=True,
        )
        said_by_name = b.text_input(
            "Caregiver's name (when the caregiver said it)",
            value=saved.get("said_by_name", ""),
            max_chars=fit(200, saved.get("said_by_name", "")),
        )
        show_field_error(errors, "said_by_name")
        prefs = st.text_area(
            "Preferences for treatment and care",
            value=saved.get("preferences", ""),
            max_chars=fit(TEXT_LIMIT, saved.get("preferences", "")),
        )
        culture = st.text_input(
            "Cultural or religious needs",
            value=saved.get("cultural_needs", ""),
            max_chars=fit(500, saved.get("cultural_needs", "")),
        )
        a, b = st.columns(2)
        language = a.text_input(
            "Preferred language",
            value=saved.get("language") or patient["preferred_language"],
            max_chars=fit(40, saved.get("language") or patient["preferred_language"]),
        )
        interpreter = b.checkbox(
            "Needs an interpreter", value=saved.get("interpreter", patient["interpreter_needed"])
        )
        literacy = st.radio(
            "How confident are you filling out medical forms by yourself?",
            range(len(LITERACY_OPTIONS)),
            format_func=lambda i: LITERACY_OPTIONS[i],
            index=saved.get("literacy"),
            horizontal=True,
        )
        show_field_error(errors, "literacy")
        move = _buttons(5)
    values = {
        "what_matters": what,
        "said_by": said_by,
        "said_by_name": said_by_name,
        "preferences": prefs,
        "cultural_needs": culture,
        "language": language,
        "interpreter": interpreter,
        "literacy": literacy,
    }
    return Submitted(values, move) if move else None


def services(saved: dict, errors: dict, key: str) -> Submitted | None:
    with st.form(key):
        needed = st.multiselect("Services needed", SERVICES, default=saved.get("needed", []))
        show_field_error(errors, "needed")
        other = st.text_input(
            "Other service",
            value=saved.get("other", ""),
            max_chars=fit(200, saved.get("other", "")),
        )
        show_field_error(errors, "other")
        move = _buttons(7)
    return Submitted({"needed": needed, "other": other}, move) if move else None
