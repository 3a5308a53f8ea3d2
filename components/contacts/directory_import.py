"""CSV import of the directory: upload, preview with per-row problems, then import."""

from __future__ import annotations

import streamlit as st

from components.contacts.common import table
from components.shared.flash import flash
from components.shared.text import esc
from services.contacts.actions import directory as directory_actions
from services.contacts.directory_import import template_csv
from services.core.errors import InvalidInput
from services.core.identity import Actor

MERGE, SKIP = "Merge: fill in the new details", "Skip the row"


def import_view(actor: Actor, region: str) -> None:
    st.caption(
        "Columns: name, type, services, phone, fax, email, address, website, hours, "
        "languages, eligibility_notes, accepted_insurers, last_verified_on."
    )
    st.download_button(
        "Download a template", template_csv(), "directory-template.csv", mime="text/csv"
    )
    upload = st.file_uploader("CSV file", type=["csv"])
    choice = st.radio(
        "When an organization is already in the directory",
        [MERGE, SKIP],
        horizontal=True,
    )
    duplicates = "merge" if choice == MERGE else "skip"
    if upload is None:
        return
    content = upload.getvalue()
    try:
        preview = directory_actions.preview(actor, content, duplicates, region)
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
    problems = [r for r in preview.table() if r["Problems"]]
    if problems:
        st.subheader("Rows with problems")
        # Plain text, one line per row: the cells are whatever the file held.
        st.text(
            "\n".join(f"Line {r['Line']}: {r['Name']} - {r['Problems']}" for r in problems[:200])
            + (f"\n... and {len(problems) - 200} more" if len(problems) > 200 else "")
        )
    with st.expander("Preview every row", key="import_preview_open"):
        table(preview.table())
    good = len(preview.rows) - preview.count("error")
    if st.button(f"Import {good} row(s)", type="primary", disabled=good == 0):
        bar = st.progress(0.0, "Importing...")
        result = directory_actions.run_import(
            actor, content, duplicates, region, progress=lambda f: bar.progress(f, "Importing...")
        )
        flash(
            f"Imported: {result.added} added, {result.merged} merged, {result.skipped} "
            f"skipped, {result.errors} not imported."
        )
        st.rerun()
