"""Importing patients from FHIR R4 files (a hospital's or EHR's export, a Synthea patient):
upload, see what would be added, matched or left out and why, then import all at once."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.shared.flash import flash
from components.shared.text import esc, show_table
from services.core.errors import DomainError, InvalidInput
from services.core.identity import Actor
from services.interop import actions

MERGE = "Merge: fill in blank details, add family and insurance CareDesk does not have"
KEEP = "Leave the existing record as it is"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def fhir_import_view(actor: Actor, region: str, on_done: Callable[[int | None], None]) -> None:
    """`on_done(patient_id)` opens the imported patient (or the search, with None)."""
    st.title("Import patients from FHIR")
    st.button("← Back to search", on_click=on_done, args=(None,))
    st.caption(
        "FHIR R4 files (JSON) from a hospital, an EHR or another clinic: a Bundle or a single "
        "Patient. CareDesk takes each patient's details, family and caregivers, and "
        "insurance; it says what else the file holds and why it stays out. A patient already "
        "in CareDesk (same MRN, or same name and date of birth) is matched, never doubled."
    )
    uploads = st.file_uploader(
        "FHIR files", type=["json"], accept_multiple_files=True, key="fhir_import_files"
    )
    choice = st.radio(
        "When a patient is already in CareDesk", [MERGE, KEEP], key="fhir_import_duplicates"
    )
    if not uploads:
        return
    files = [(u.name, u.getvalue()) for u in uploads]
    try:
        preview = actions.preview_fhir_import(actor, files)
    except InvalidInput as exc:
        st.error(esc(exc.errors.get("file", str(exc))))
        return
    counts = preview.counts()
    c = st.columns(4)
    c[0].metric("Patients to add", counts["created"])
    c[1].metric("Already in CareDesk", counts["matched"])
    c[2].metric("Records left out", counts["ignored"])
    c[3].metric("Refused", counts["refused"])
    refused = [f.name for f in preview.files if f.refused]
    if refused:
        st.error(
            "Refused, nothing is taken from it: " + esc(", ".join(refused)) + " (see the notes)",
            icon=":material/block:",
        )
    rows = preview.rows()
    if rows:
        st.header("Patients")
        show_table(pd.DataFrame(rows).drop(columns=["Notes"]), alt="Patients in the files")
        notes = [f"{r['Patient'] or r['File']}: {r['Notes']}" for r in rows if r["Notes"]]
        if notes:
            st.caption("Notes")
            st.text("\n".join(notes))
    ignored = [
        {"File": f.name, "Record type": kind, "How many": n, "Why it stays out": why}
        for f in preview.files
        for kind, n, why in f.ignored
    ]
    if ignored:
        with st.expander("What the files hold that CareDesk leaves out", key="fhir_ignored"):
            show_table(pd.DataFrame(ignored), alt="What the files hold that is left out")
    todo = counts["created"] + counts["matched"]
    label = f"Import {todo} patient" + ("" if todo == 1 else "s")
    if st.button(label, type="primary", disabled=todo == 0, key="fhir_import_go"):
        try:
            result = actions.run_fhir_import(
                actor, files, "merge" if choice == MERGE else "skip", region
            )
        except DomainError as exc:
            st.error(esc(str(exc)))
            return
        flash(
            f"Imported: {result.created} added, {result.matched} matched; "
            f"{_count(result.family_added, 'family member', 'family members')} and "
            f"{_count(result.coverage_added, 'coverage', 'coverages')} added."
        )
        on_done(result.patient_ids[0] if len(result.patient_ids) == 1 else None)
        st.rerun()
