"""Lists as spreadsheets: choose a list (and whose), see how many rows, download it as CSV or
Excel in one click (the download is recorded in the audit trail)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from components.shared.forms import DATE_INPUT
from components.shared.text import esc, show_table
from db.base import today
from services.core.errors import InvalidInput
from services.core.identity import Actor
from services.core.spreadsheet import XLSX_MIME
from services.interop import actions
from services.interop.spreadsheets import LISTS, ListRequest, file_name

MIMES = {"csv": "text/csv", "xlsx": XLSX_MIME}
PREVIEW_ROWS = 15


def spreadsheets_view(actor: Actor) -> None:
    st.title("Spreadsheets")
    st.caption(
        "Take a list to a meeting or into another program. A spreadsheet leaves CareDesk: keep "
        "it on the clinic's computers, and delete it when you are done. Every download is "
        "recorded in the audit trail."
    )
    which = (
        st.segmented_control(
            "List",
            list(LISTS),
            format_func=LISTS.get,
            default="caseload",
            key="sheet_list",
        )
        or "caseload"
    )
    mine_label = {
        "caseload": "Only my patients",
        "tasks": "Only my tasks",
        "appointments": "Only my appointments",
        "referrals": "Only referrals I sent",
    }
    c1, c2, c3 = st.columns([1.4, 1, 1], vertical_alignment="bottom")
    mine = False
    if which in mine_label:
        mine = c1.toggle(
            mine_label[which],
            value=actor.role in ("nurse", "social_worker"),
            key=f"sheet_mine_{which}",
        )
    first = last = None
    if which == "appointments":
        first = c2.date_input("From", today(), format=DATE_INPUT, key="sheet_from")
        last = c3.date_input("To", today() + timedelta(days=30), format=DATE_INPUT, key="sheet_to")
    req = ListRequest(which, mine, first, last)
    try:
        rows = actions.list_preview(actor, req)
    except InvalidInput as exc:
        st.error(esc("; ".join(exc.errors.values())))
        return
    n = len(rows)
    st.caption(
        f"{n:,} row"
        + ("" if n == 1 else "s")
        + (f"; the first {PREVIEW_ROWS} below" if n > PREVIEW_ROWS else "")
    )
    if rows:
        show_table(pd.DataFrame(rows[:PREVIEW_ROWS]), alt="The first rows of the spreadsheet")
    on = today()
    b1, b2, _ = st.columns([1, 1, 3])
    for host, fmt, label in ((b1, "csv", "Download CSV"), (b2, "xlsx", "Download Excel")):
        host.download_button(
            label,
            data=lambda fmt=fmt: actions.download_list(actor, req, fmt),
            file_name=file_name(req, fmt, on),
            mime=MIMES[fmt],
            icon=":material/download:",
            key=f"sheet_{fmt}",
            on_click="ignore",
            disabled=n == 0,
        )
