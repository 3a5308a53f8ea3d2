"""The intake's step forms. Each takes plain data and returns what was submitted (or None).

Components never touch the database: the page saves what these return. User text is shown
with st.text / show_table (a dataframe) or through esc() in labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.shared.forms import show_field_error
from components.shared.text import esc, show_table
from services.contacts.family import RELATIONSHIPS
from services.intake.instruments import Definition, Item
from services.intake.steps import (
    INVOLVEMENT,
    LITERACY_OPTIONS,
    SERVICES,
    SETTINGS,
    STEPS,
    TRANSPORT,
)
from services.intake.summary import IntakeSummary

TIER_STYLE = {"urgent": st.error, "high": st.warning, "moderate": st.info, "low": st.success}


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
        ).set_index("Detail")
    )
    with st.form(key):
        a, b = st.columns(2)
        values = {
            "phone": a.text_input("Phone", value=patient["phone"] or ""),
            "email": b.text_input("Email", value=patient["email"] or ""),
            "address_line": st.text_input("Street address", value=patient["address_line"] or ""),
        }
        c, d, e = st.columns([2, 1, 1])
        values["city"] = c.text_input("City", value=patient["city"] or "")
        values["state"] = d.text_input("State", value=patient["state"] or "")
        values["postal_code"] = e.text_input("ZIP code", value=patient["postal_code"] or "")
        for name in ("phone", "email", "postal_code"):
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
        other = st.text_input("If other, where?", value=saved.get("setting_other", ""))
        show_field_error(errors, "setting_other")
        a, b = st.columns(2)
        lives_alone = a.checkbox("Lives alone", value=saved.get("lives_alone", False))
        stairs = b.checkbox("Stairs at or inside the home", value=saved.get("stairs", False))
        household = st.text_input("Who else is at home?", value=saved.get("household", ""))
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


def insurance(saved: dict, errors: dict, key: str) -> Submitted | None:
    with st.form(key):
        uninsured = st.checkbox("No insurance", value=saved.get("uninsured", False))
        payer = st.text_input("Payer (insurer)", value=saved.get("payer", ""))
        show_field_error(errors, "payer")
        a, b = st.columns(2)
        member_id = a.text_input("Member ID", value=saved.get("member_id", ""))
        group = b.text_input("Group number (optional)", value=saved.get("group", ""))
        show_field_error(errors, "member_id")
        move = _buttons(3)
    values = {"uninsured": uninsured, "payer": payer, "member_id": member_id, "group": group}
    return Submitted(values, move) if move else None


def supports(saved: dict, errors: dict, key: str) -> Submitted | None:
    with st.form(key):
        st.caption("Main family member or caregiver")
        a, b, c = st.columns(3)
        name = a.text_input("Caregiver name", value=saved.get("caregiver_name", ""))
        relationship = b.selectbox(
            "Relationship",
            RELATIONSHIPS,
            index=_index(RELATIONSHIPS, saved.get("caregiver_relationship")),
            placeholder="Choose",
        )
        phone = c.text_input("Caregiver phone", value=saved.get("caregiver_phone", "") or "")
        for field in ("caregiver_name", "caregiver_relationship", "caregiver_phone"):
            show_field_error(errors, field)
        involvement = st.radio(
            "How involved is the caregiver?",
            INVOLVEMENT,
            index=_index(INVOLVEMENT, saved.get("involvement")),
            horizontal=True,
        )
        show_field_error(errors, "involvement")
        other = st.text_area(
            "Other supports (neighbours, church, friends)", value=saved.get("other_supports", "")
        )
        st.caption("On completing the intake the caregiver joins the family list in Contacts.")
        move = _buttons(4)
    values = {
        "caregiver_name": name,
        "caregiver_relationship": relationship,
        "caregiver_phone": phone,
        "involvement": involvement,
        "other_supports": other,
    }
    return Submitted(values, move) if move else None


def matters(saved: dict, patient: dict, errors: dict, key: str) -> Submitted | None:
    with st.form(key):
        what = st.text_area(
            "What matters most to you right now? (the patient's own words)",
            value=saved.get("what_matters", ""),
        )
        show_field_error(errors, "what_matters")
        prefs = st.text_area(
            "Preferences for treatment and care", value=saved.get("preferences", "")
        )
        culture = st.text_input(
            "Cultural or religious needs", value=saved.get("cultural_needs", "")
        )
        a, b = st.columns(2)
        language = a.text_input(
            "Preferred language", value=saved.get("language") or patient["preferred_language"]
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
        "preferences": prefs,
        "cultural_needs": culture,
        "language": language,
        "interpreter": interpreter,
        "literacy": literacy,
    }
    return Submitted(values, move) if move else None


def choose_instruments(available: dict[str, str], chosen: list[str], key: str) -> list[str] | None:
    with st.form(key):
        picked = st.multiselect(
            "Instruments for this patient",
            list(available),
            default=chosen,
            format_func=lambda c: available[c],
        )
        use = st.form_submit_button("Use these instruments")
    return picked if use else None


def _item_widget(item: Item, value, key: str):
    label = esc(item.text)
    if item.number:
        low, high, unit = item.number
        return st.number_input(
            f"{label} ({esc(unit)})" if unit and unit not in item.text else label,
            min_value=low,
            max_value=high,
            step=1,
            value=value,
            key=key,
        )
    values = [v for _, v in item.options]
    labels = dict(enumerate(lab for lab, _ in item.options))
    if value is None:
        value = item.default
    idx = next((n for n, v in enumerate(values) if v == value), None)
    picked = st.radio(
        label, list(labels), index=idx, format_func=lambda n: labels[n], horizontal=True, key=key
    )
    return None if picked is None else values[picked]


def screening(defs: dict[str, Definition], answers: dict, errors: dict, key: str):
    with st.form(key):
        collected = {}
        for code, definition in defs.items():
            st.subheader(definition.title)
            if definition.data.get("instructions"):
                st.caption(esc(definition.data["instructions"]))
            show_field_error(errors, code)
            saved = answers.get(code) or []
            group = None
            values = []
            for n, item in enumerate(definition.items):
                if item.group and item.group != group:
                    st.markdown(f"**{esc(item.group)}**")
                group = item.group
                value = saved[n] if n < len(saved) else None
                values.append(_item_widget(item, value, f"{key}_{code}_{item.id}"))
            collected[code] = values
        move = _buttons(6)
    return Submitted({"answers": collected}, move) if move else None


def services(saved: dict, errors: dict, key: str) -> Submitted | None:
    with st.form(key):
        needed = st.multiselect("Services needed", SERVICES, default=saved.get("needed", []))
        show_field_error(errors, "needed")
        other = st.text_input("Other service", value=saved.get("other", ""))
        show_field_error(errors, "other")
        move = _buttons(7)
    return Submitted({"needed": needed, "other": other}, move) if move else None


def summary_view(summary: IntakeSummary) -> None:
    """Alerts, risk tier and scores (no decisions)."""
    for alert in summary.alerts:
        st.error(
            f"URGENT: {esc(alert)} It stays on My day until someone completes it.",
            icon=":material/emergency:",
        )
    TIER_STYLE[summary.tier.tier](
        f"Risk tier: **{summary.tier.tier.upper()}** — " + esc("; ".join(summary.tier.reasons)),
        icon=":material/monitor_heart:",
    )
    for code, missing in summary.incomplete.items():
        st.warning(f"{esc(summary.titles[code])}: {len(missing)} item(s) not answered yet.")
    if summary.results:
        st.table(
            pd.DataFrame(
                [
                    {
                        "Instrument": summary.titles[c],
                        "Score": r.total,
                        "Result": r.band,
                        "Screen": "positive" if r.positive else "negative",
                        "Flags": ", ".join(r.flags),
                    }
                    for c, r in summary.results.items()
                ]
            ).set_index("Instrument")
        )


def decisions(summary: IntakeSummary, key: str) -> dict[str, dict]:
    """Accept (tick), edit (change the text) or dismiss (untick) each suggestion."""
    if not summary.suggestions:
        st.caption("No suggestions from this intake.")
        return {}
    st.subheader("Suggested needs, goals, referrals and tasks")
    st.caption("Untick to dismiss; edit the wording in place.")
    frame = pd.DataFrame(
        [
            {
                "Accept": True,
                "Kind": x.kind,
                "Suggestion": x.text,
                "Why": x.source_finding,
                "key": x.key,
            }
            for x in summary.suggestions
        ]
    )
    edited = st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["Kind", "Why"],
        column_config={"key": None, "Accept": st.column_config.CheckboxColumn(width="small")},
    )
    return {
        r["key"]: {"accepted": bool(r["Accept"]), "text": r["Suggestion"]}
        for r in edited.to_dict("records")
    }
