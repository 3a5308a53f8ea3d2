"""Read-only pieces of the Patients page: results, demographics, summary sections, conflicts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.shared.text import cell_text, date_columns, esc, table_of
from services.core.contact_data import display_phone
from services.core.sections import SummarySection

FIELD_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "preferred_name": "Preferred name",
    "birth_date": "Date of birth",
    "sex": "Sex",
    "pronouns": "Pronouns",
    "preferred_language": "Preferred language",
    "interpreter_needed": "Needs an interpreter",
    "phone": "Phone",
    "email": "Email",
    "address_line": "Street address",
    "city": "City",
    "state": "State",
    "postal_code": "ZIP code",
    "living_situation": "Living situation",
    "primary_case_manager_id": "Primary case manager",
    "mrn": "MRN",
}


def open_patient(patient_id: int | None, view: str = "summary") -> None:
    """Switch the Patients page to a view ("search", "register", "summary", "edit")."""
    state = st.session_state
    state["patient_id"], state["patient_view"] = patient_id, view
    state.pop("register_dupes", None)
    state.pop("patient_conflict", None)


def results_table(rows: list[dict], key: str) -> int | None:
    """The search results; returns the index of the row the user clicked, if any."""
    event = st.dataframe(
        table_of(rows),
        hide_index=True,
        width="stretch",
        column_config=date_columns(rows),
        key=key,
        height=35 * (len(rows) + 1) + 3,
        on_select="rerun",
        selection_mode="single-row",
        alt="Patients found",
    )
    chosen = event.selection.rows if event is not None else []
    return chosen[0] if chosen else None


def demographics(values: dict, region: str) -> None:
    """A dataframe, not st.table: st.table renders cells as Markdown and links e-mails."""
    shown = dict(values)
    shown["phone"] = display_phone(values.get("phone"), region)
    shown["interpreter_needed"] = "yes" if values.get("interpreter_needed") else "no"
    frame = pd.DataFrame(
        {
            "Detail": [FIELD_LABELS.get(k, k) for k in shown],
            "Value": [cell_text(v) for v in shown.values()],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=35 * (len(frame) + 1) + 3,
        alt="Demographics and contact details",
    )


def summary_sections(sections: list[SummarySection]) -> None:
    """Each section with its count; its alert (if any) above it, in plain text."""
    for section in sections:
        if section.alert:
            st.error(esc(section.alert), icon=":material/emergency:")
        count = f" ({len(section.rows)})" if section.rows else ""
        st.markdown(f"**{esc(section.title)}**{count}")
        if section.rows:
            frame = table_of(section.rows, drop=("id",))
            st.dataframe(
                frame,
                hide_index=True,
                width="stretch",
                height=35 * (min(len(section.rows), 8) + 1) + 3,
                column_config=date_columns(section.rows),
                alt=section.title,
            )
        else:
            st.caption(section.empty_text)


def conflict_table(theirs: dict, mine: dict, staff: dict[int, str]) -> None:
    """Both versions side by side, differences first."""

    def show(key, value):
        if key == "primary_case_manager_id":
            return staff.get(value, "") if value else ""
        return cell_text(value)

    rows = [
        {
            "Field": FIELD_LABELS.get(k, k),
            "Saved by the other person": show(k, theirs.get(k)),
            "Your unsaved edit": show(k, mine.get(k)),
            "Differs": "yes" if theirs.get(k) != mine.get(k) else "",
        }
        for k in FIELD_LABELS
    ]
    rows.sort(key=lambda r: r["Differs"] != "yes")
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", alt="Saved now and your edit"
    )
