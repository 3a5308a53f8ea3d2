"""Directory view: search, organization detail, add/edit, people, log, export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.contacts.common import attempt, pager, pending_prompts, pick, table
from components.contacts.directory_import import export_popover
from components.contacts.forms import ORG_LABELS, communication_form, org_form, person_form
from components.shared.conflict import both_versions, seen_version
from components.shared.flash import flash
from components.shared.forms import field_errors, form_key, section, show_field_error
from components.shared.text import esc, isolate, show_table
from services.contacts.actions import communications as calls
from services.contacts.actions import directory as directory_actions
from services.contacts.communications import CommunicationInput
from services.contacts.directory import ORG_TYPES, OrgInput
from services.core.clock import clinic_tz
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor
from services.core.text import us_spelling

state = st.session_state


def open_org(org_id, mode: str = "detail") -> None:
    state["org_id"], state["org_mode"] = org_id, mode
    state.pop("org_conflict", None)


def directory_view(actor: Actor, region: str) -> None:
    mode = state.get("org_mode", "search")
    if mode == "new" and actor.can("contacts.edit"):
        _edit(actor, region, None)
    elif mode in ("detail", "edit") and state.get("org_id"):
        if mode == "edit" and actor.can("contacts.edit"):
            _edit(actor, region, state["org_id"])
        else:
            _detail(actor, region, state["org_id"])
    else:
        _search(actor)


def _search(actor: Actor) -> None:
    c1, c2, c3 = st.columns([3, 1.6, 2.2], vertical_alignment="bottom")
    query = c1.text_input(
        "Search the directory", placeholder="Name, service or type, e.g. meals", max_chars=100
    )
    org_type = c2.selectbox("Type", ["any type", *ORG_TYPES], format_func=us_spelling)
    # The toggles take the width their labels need (never cut off), side by side.
    with c3, st.container(horizontal=True, gap="medium"):
        stale = st.toggle("Needs re-verifying")
        archived = st.toggle("Include archived")
    signature = (query, org_type, stale, archived)
    if state.get("dir_query") != signature:
        state["dir_query"], state["dir_page"] = signature, 1
    found = directory_actions.search_directory(
        actor,
        query,
        org_type=None if org_type == "any type" else org_type,
        stale_only=stale,
        include_archived=archived,
        page=state["dir_page"],
    )
    st.caption(f"{found.total:,} organization(s) · page {found.page} of {found.pages}")
    rows = found.rows
    if rows:
        table(rows, alt="Organizations found")
        choice = pick(
            "Open organization",
            {r["id"]: f"{r['Name']} · {r['Type']}" for r in rows},
            index=None,
            placeholder="Choose from this page",
        )
        if choice is not None:
            open_org(choice)
            st.rerun()
    pager("dir", found.page, found.pages)
    c1, c2 = st.columns([1, 3])
    if actor.can("contacts.edit"):
        c1.button(
            "Add an organization",
            icon=":material/add_business:",
            on_click=open_org,
            args=(None, "new"),
        )
    export_popover(actor, c2)


def _edit(actor: Actor, region: str, org_id: int | None) -> None:
    st.button("← Back", on_click=open_org, args=(org_id, "detail" if org_id else "search"))
    values, version = OrgInput(), None
    if org_id:
        detail = directory_actions.org_detail(actor, org_id, region)
        values = detail.values
        version = state.setdefault(f"org_version_{org_id}", detail.version)
        conflict = state.get("org_conflict")
        if conflict:
            st.error(esc(conflict["message"]))
            show_table(
                pd.DataFrame(
                    {
                        "Field": [ORG_LABELS.get(k, k) for k in conflict["mine"]],
                        "Saved by someone else": [
                            str(conflict["theirs"].get(k, "")) for k in conflict["mine"]
                        ],
                        "Yours": [str(v) for v in conflict["mine"].values()],
                    }
                ),
                alt="The organization as saved by someone else and as you changed it",
            )
            if st.button("Start again from the saved version"):
                state[f"org_version_{org_id}"] = detail.version
                state.pop("org_conflict")
                st.rerun()
    st.header("Edit organization" if org_id else "Add an organization")
    errors = field_errors("org")
    data = org_form(f"org_form_{org_id}", values, errors, "Save")
    if data is None:
        return
    try:
        new_id = directory_actions.save_org(actor, data, region, org_id, version)
    except InvalidInput as exc:
        field_errors("org", exc.errors)
    except Conflict as exc:
        state["org_conflict"] = {"message": str(exc), "theirs": exc.theirs, "mine": exc.mine}
    else:
        state.pop(f"org_version_{org_id}", None)
        flash("Organization saved.")
        open_org(new_id)
    st.rerun()


def _one_click(act, success: str) -> None:
    """Verify or restore the entry the screen showed; a change made meanwhile is shown."""
    try:
        act()
    except Conflict as exc:
        state["_org_stale"] = (str(exc), exc.theirs, exc.mine)
    else:
        flash(success)
    st.rerun()


def _detail(actor: Actor, region: str, org_id: int) -> None:
    d = directory_actions.org_detail(actor, org_id, region)
    st.button("← Back to search", on_click=open_org, args=(None, "search"))
    st.header("Organization")
    st.text(d.name)
    if d.status == "archived":
        st.warning(
            "Archived: kept because referrals, calls, insurance or appointments point at it."
        )
        st.text(f"Reason: {isolate(d.status_reason)}")
    if d.stale:
        st.warning(
            "Not verified in the last 12 months: check the details before relying on them.",
            icon=":material/update:",
        )
    if not d.reachable:
        st.error("No phone, fax or e-mail: referrals to this organization are refused.")
    show_table(
        pd.DataFrame(
            {
                "Detail": [ORG_LABELS[k] for k in d.shown],
                "Value": ["" if v in (None, "") else str(v) for v in d.shown.values()],
            }
        ),
        alt="The organization's details",
    )
    if d.dial:  # a phone or softphone dials the extension too
        st.link_button(f"Call {esc(d.shown['phone'])}", d.dial, icon=":material/call:")
    editor = actor.can("contacts.edit")
    if editor:
        shown = seen_version(f"org_{org_id}", d.version)  # what this screen showed
        if problem := state.pop("_org_stale", None):
            both_versions(*problem)
        c1, c2, c3 = st.columns([1, 1, 3])
        c1.button("Edit", type="primary", on_click=open_org, args=(org_id, "edit"))
        if c2.button("Verified today", help="The details were checked with the organization"):
            _one_click(lambda: directory_actions.mark_verified(actor, org_id, shown),
                       "Marked as verified today.")  # fmt: skip
        with c3.popover("Restore" if d.status == "archived" else "Remove"):
            if d.status == "archived":
                if st.button("Restore this organization"):
                    _one_click(lambda: directory_actions.restore_org(actor, org_id, shown),
                               "Organization restored.")  # fmt: skip
            else:
                errors = field_errors("remove_org")
                st.caption(
                    "Entries that referrals, calls, insurance or appointments point at are "
                    "archived, never deleted."
                )
                why = st.text_input("Reason for removing", max_chars=1000)
                show_field_error(errors, "reason")
                if st.button("Remove"):
                    try:
                        outcome = directory_actions.remove_org(actor, org_id, why, shown)
                    except InvalidInput as exc:
                        field_errors("remove_org", exc.errors)
                    except Conflict as exc:
                        state["_org_stale"] = (str(exc), exc.theirs, exc.mine)
                    else:
                        flash(f"Organization {outcome}.")
                        open_org(None, "search")
                    st.rerun()
    st.header("People")
    table(d.people, alt="People at the organization") if d.people else st.caption(
        "No contact people recorded."
    )
    if editor:
        with section("Add a person", "org_person_open"):
            errors = field_errors("person")
            person = person_form(form_key(f"person_form_{org_id}"), errors)
            if person is not None:
                attempt(
                    "person",
                    lambda _ack: directory_actions.add_person(actor, org_id, person, region),
                    "Person added.",
                    clear=f"person_form_{org_id}",
                )
    st.header("Coming up with them")
    if d.coming_up:
        table(d.coming_up, alt="Appointments and rides with them")
    else:
        st.caption("No appointments or rides booked with them in the next 60 days.")
    st.header("Communication log")
    table(d.communications, alt="Calls and messages with them") if d.communications else st.caption(
        "Nothing logged yet."
    )
    if editor:
        with section("Log a call, e-mail or visit", "org_comm_open"):
            pending_prompts("org_comm")
            people = {p["id"]: f"{p['Name']} ({p['Role']})" for p in d.people}
            choices = {"organization": {org_id: d.name}}
            if people:
                choices["contact person"] = people
            data = communication_form(
                "org_comm_form",
                field_errors("org_comm"),
                with_choices=choices,
                base=CommunicationInput(organization_id=org_id),
                tz=clinic_tz(),
            )
            if data is not None:
                attempt(
                    "org_comm",
                    lambda ack: calls.log_communication(actor, data, acknowledged_consent=ack),
                    "Communication logged.",
                    clear="org_comm_form",
                )
