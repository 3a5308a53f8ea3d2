"""Directory import: upload (CSV, or Open Referral HSDS files), preview with per-row problems
named by file line, then import. And the directory's export as CSV, Excel or HSDS."""

from __future__ import annotations

import streamlit as st

from components.contacts.common import table
from components.shared.flash import flash
from components.shared.text import esc
from services.contacts.actions import directory as directory_actions
from services.contacts.directory_import import template_csv
from services.core.errors import InvalidInput
from services.core.identity import Actor
from services.core.spreadsheet import XLSX_MIME

MERGE, SKIP = "Merge: fill in the new details", "Skip the row"
EXPORTS = (
    ("csv", "CSV", "text/csv", "directory.csv"),
    ("xlsx", "Excel", XLSX_MIME, "directory.xlsx"),
    ("hsds", "Open Referral (HSDS 3) zip", "application/zip", "directory-hsds.zip"),
)


def import_view(actor: Actor, region: str) -> None:
    st.caption(
        "A CSV with the columns name, type, services, phone, fax, email, address, website, "
        "hours, languages, eligibility_notes, accepted_insurers, last_verified_on; or Open "
        "Referral (HSDS) files: one CSV with HSDS column names (address_1, city, "
        "state_province, postal_code, number, extension ...), or a datapackage of "
        "organizations, locations, addresses, phones and services, as a zip or side by side."
    )
    st.download_button(
        "Download a template", template_csv(), "directory-template.csv", mime="text/csv"
    )
    uploads = st.file_uploader("Files", type=["csv", "zip"], accept_multiple_files=True)
    choice = st.radio(
        "When an organization is already in the directory",
        [MERGE, SKIP],
        horizontal=True,
    )
    duplicates = "merge" if choice == MERGE else "skip"
    if not uploads:
        return
    files = [(u.name, u.getvalue()) for u in uploads]
    try:
        preview = directory_actions.preview(actor, files, duplicates, region)
    except InvalidInput as exc:
        st.error(esc(exc.errors.get("file", str(exc))))
        return
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("New", preview.count("new"))
    c2.metric("Duplicates to merge", preview.count("merge"))
    c3.metric("Duplicates to skip", preview.count("skip"))
    c4.metric("Rows with problems", preview.count("error"))
    if preview.unknown_columns:
        st.info("Ignored columns: " + esc(", ".join(preview.unknown_columns)))
    if preview.count("error"):
        st.warning(
            "Rows with problems are not imported. Fix them in the file and import it "
            "again; the good rows are not doubled."
        )
    problems = [r for r in preview.rows if r.action == "error"]
    if problems:
        st.header("Rows with problems")
        # Plain text, one line per row: the cells are whatever the file held.
        st.text(
            "\n".join(
                f"{r.where}: {r.name} - " + "; ".join(f"{k}: {v}" for k, v in r.errors.items())
                for r in problems[:200]
            )
            + (f"\n... and {len(problems) - 200} more" if len(problems) > 200 else "")
        )
    with st.expander("Preview every row", key="directory_import_rows"):
        table(preview.table(), alt="Every row of the file")
    good = len(preview.rows) - preview.count("error")
    label = f"Import {good} row" + ("" if good == 1 else "s")
    if st.button(label, type="primary", disabled=good == 0):
        bar = st.progress(0.0, "Importing...")
        result = directory_actions.run_import(
            actor, files, duplicates, region, progress=lambda f: bar.progress(f, "Importing...")
        )
        flash(
            f"Imported: {result.added} added, {result.merged} merged, {result.skipped} "
            f"skipped, {result.errors} not imported."
        )
        st.rerun()


def export_popover(actor: Actor, host=st) -> None:
    """ "Export the directory": prepare a file, then download it (each export is audited)."""
    state = st.session_state
    with host.popover("Export the directory"):
        for fmt, label, mime, file_name in EXPORTS:
            if st.button(f"Prepare {label} file", key=f"prep_{fmt}"):
                with st.spinner("Preparing the export..."):
                    state[f"export_{fmt}"] = directory_actions.export(actor, fmt)
            if state.get(f"export_{fmt}"):
                st.download_button(
                    f"Download {label}",
                    state[f"export_{fmt}"],
                    file_name=file_name,
                    mime=mime,
                    key=f"dl_{fmt}",
                )
