"""The patient header: the same compact box at the top of every page that shows one
patient. Who the patient is, the safety alert (with the 988 Lifeline) that nobody can
miss, the other alerts as links to where each is handled, and the patient's pages."""

from __future__ import annotations

import streamlit as st

from components.shared.text import esc, isolate
from services.core.clock import us_date
from services.core.identity import Actor
from services.overview import actions as overview
from services.overview.header import PatientHeader

CHIP_ICONS = {
    "prior_auth": ":material/verified_user:",
    "consent": ":material/handshake:",
    "review": ":material/event_repeat:",
}
# (page, label, icon, permission, extra query parameters)
PATIENT_PAGES = [
    ("pages/patients.py", "Record", ":material/person:", "patients.read", {}),
    ("pages/intake.py", "Intake", ":material/fact_check:", "clinical.read", {}),
    ("pages/care_plan.py", "Care plan", ":material/assignment:", "clinical.read", {}),
    (
        "pages/calendar.py",
        "Calendar",
        ":material/calendar_month:",
        "patients.read",
        {"browse": "1"},
    ),
    ("pages/calendar.py", "Book an appointment", ":material/event_available:", "schedule.edit", {}),
    ("pages/contacts.py", "Contacts", ":material/contacts:", "patients.read", {}),
]


def identity_line(h: PatientHeader) -> str:
    """Plain text (drawn with st.text): the name is shown exactly as typed (and isolated, so
    no direction override in it can turn the MRN and the birth date around)."""
    language = h.language + (" · needs an interpreter" if h.interpreter_needed else "")
    return f"{isolate(h.name)} · MRN {h.mrn} · born {us_date(h.birth_date)} ({h.age} years) · {language}"


def patient_header(
    actor: Actor, patient_id: int, *, here: str, header: PatientHeader | None = None
) -> PatientHeader:
    """Draw the header for the patient; `here` is this page's path (not linked again).
    `header` is one the page already read (the record reads it with the rest of the
    patient): it is not read a second time."""
    h = header if header is not None else overview.patient_header(actor, patient_id)
    with st.container(border=True, key=f"patient_header_{here.split('/')[-1][:-3]}"):
        st.text(identity_line(h))
        details = [f"Case manager: {esc(h.case_manager)}"]
        if h.risk_tier:
            details.insert(0, f"Risk tier: **{esc(h.risk_tier)}**")
        if h.archived:
            details.append("**archived**")
        st.caption(" · ".join(details))
        for alert in h.safety:
            st.error(
                f"**URGENT SAFETY FOLLOW-UP: {alert.concern.upper()}.** {esc(alert.reason)} "
                f"Raised {us_date(alert.raised_on)}. {esc(alert.crisis_lines)}",
                icon=":material/emergency:",
            )
            if here != alert.link.page:
                st.page_link(
                    alert.link.page,
                    label=alert.link.label,
                    icon=":material/arrow_forward:",
                    query_params=alert.link.params,
                )
        if h.chips:
            with st.container(horizontal=True, gap="medium"):
                for chip in h.chips:
                    st.page_link(
                        chip.link.page,
                        label=f":orange[{esc(chip.text)}]",
                        icon=CHIP_ICONS.get(chip.kind, ":material/warning:"),
                        query_params=chip.link.params,
                        help=chip.link.label,
                    )
        with st.container(horizontal=True, gap="small"):
            for page, label, icon, permission, extra in PATIENT_PAGES:
                if page != here and actor.can(permission):
                    st.page_link(
                        page,
                        label=label,
                        icon=icon,
                        query_params={"patient": str(h.id)} | extra,
                    )
    return h
