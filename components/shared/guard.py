"""The guard every page calls first (DESIGN.md §3.1): setup, sign-in, idle timeout, role, nav.

A deep link runs a page file on its own, so each page must start with
`actor = page_setup("Title", "permission")`; nothing below it runs for a visitor
who is not signed in or whose role lacks the permission.
"""

from __future__ import annotations

import gc
from datetime import timedelta

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from components.shared.firstrun import first_run_setup
from components.shared.flash import show_flash
from components.shared.nav import draw_nav
from components.shared.signin import sign_in_form
from components.shared.text import esc
from components.training.sidebar import training_sidebar
from db import config
from db.base import utcnow
from db.migrate import DatabaseMissing
from services.core import actions
from services.core.errors import DatabaseTrouble
from services.core.identity import ROLE_LABELS, Actor

AUTH_KEY = "_auth"
HOME, HOME_TITLE = "app.py", "My day"
ENTRY = "_entry_page"  # the page this browser session first asked for (a deep link)
RESUME = "_resume_page"  # the page an idle timeout interrupted
TRAINING_BANNER = (
    "TRAINING — synthetic patients. Nothing here is a real person; do not enter real patient data."
)


def current_actor() -> Actor | None:
    state = st.session_state.get(AUTH_KEY)
    return state["actor"] if state else None


def sign_in_as(actor: Actor) -> None:
    previous = st.session_state.get("_last_user")
    if previous is not None and previous != actor.username:
        # Another person at this browser: drop the previous user's drafts and choices
        # (and the page the previous one was on: they land on My day).
        for key in list(st.session_state.keys()):
            del st.session_state[key]
    st.session_state[AUTH_KEY] = {"actor": actor, "last": utcnow()}
    st.session_state["_last_user"] = actor.username
    st.session_state["_land"] = True


def _landing(title: str, actor: Actor, permission: str) -> None:
    """Just signed in: stay on the page asked for by a link (or the one an idle timeout
    interrupted, for the same person) when the role may use it; otherwise My day."""
    if not st.session_state.pop("_land", False):
        return
    wanted = {st.session_state.pop(ENTRY, None), st.session_state.pop(RESUME, None)}
    if title != HOME_TITLE and not (title in wanted and actor.can(permission)):
        st.switch_page(HOME)


def sign_out(reason: str = "signed out", resume: str | None = None) -> None:
    """Sign out; `resume` is the page to come back to after signing in again as the same
    person (an idle timeout), otherwise the next sign-in starts on My day."""
    actor = current_actor()
    if actor is not None:
        actions.sign_out(actor, reason)
    st.session_state.pop(AUTH_KEY, None)
    st.session_state.pop(ENTRY, None)
    st.session_state[RESUME] = resume


def _check_idle(settings: config.Settings, title: str) -> None:
    state = st.session_state.get(AUTH_KEY)
    if not state:
        return
    now = utcnow()
    if now - state["last"] > timedelta(minutes=settings.idle_minutes):
        sign_out(reason="idle timeout", resume=title)
        st.session_state["_idle_notice"] = (
            f"You were signed out after {settings.idle_minutes} minutes without activity. "
            "Sign in to carry on where you left off."
        )
    else:
        state["last"] = now


def _recheck(actor: Actor) -> Actor | None:
    """Apply what an administrator changed since sign-in, on this very click."""
    check = actions.recheck_access(actor)
    if check.actor is None:
        actions.sign_out(actor, "account changed by an administrator")
        st.session_state.pop(AUTH_KEY, None)
        st.session_state["_idle_notice"] = check.message
        return None
    if check.actor != actor:
        st.session_state[AUTH_KEY]["actor"] = check.actor
        if check.message:
            st.warning(check.message, icon=":material/manage_accounts:")
    return check.actor


def _show_database_trouble(exc: Exception) -> bool | None:
    """A busy, full or unreachable database stops the run where it happened: say so right
    there (under the button or form that was used), in plain words and without a
    traceback. The run stops before the rest of the page, so Streamlit keeps every widget's
    value (what was typed survives) and the sidebar navigation stays."""
    if isinstance(exc, DatabaseTrouble):
        st.error(str(exc), icon=":material/hourglass_top:")
        return True  # handled: no error box
    return None


def _handle_database_trouble() -> None:
    # Streamlit calls the run context's on_script_error for an exception the page did not
    # catch; setting it here covers every user action on every page in one place.
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.on_script_error = _show_database_trouble


def _freeze_startup_objects() -> None:
    """Once per process, after the first page has loaded the app's code: set what is
    loaded so far aside from Python's garbage collector (gc.freeze). Those objects (the
    modules, the models, Streamlit's own, some 170 MB) live as long as the process, yet a
    full collection went through all of them, every few seconds under load, holding up
    every session's run. With Streamlit's collection after each run off (bench/gc_soak.py)
    this is what the remaining collections cost."""
    if not gc.get_freeze_count():
        gc.freeze()


def _has_users(url: str) -> bool:
    """Whether the database has its first account (else first-run setup shows). Once it
    has, it keeps them (accounts are deactivated, never deleted), so a session asks once
    per database rather than on every click."""
    if st.session_state.get("_has_users") == url:
        return True
    found = actions.has_users()
    if found:
        st.session_state["_has_users"] = url
    return found


def page_setup(title: str, permission: str = "patients.read") -> Actor:
    """Set up the page and return the signed-in actor, or stop the script."""
    _handle_database_trouble()
    _freeze_startup_objects()
    settings = config.load()
    tab = f"{title} · TRAINING" if settings.demo_mode else title  # the browser tab says so too
    st.set_page_config(page_title=f"{tab} · CareDesk", page_icon="🩺", layout="wide")
    try:
        actions.prepare_database(settings.database_url)
    except DatabaseMissing as exc:
        st.title("CareDesk cannot start")
        st.error(str(exc), icon=":material/database_off:")
        st.stop()
    if settings.demo_mode:
        st.warning(TRAINING_BANNER, icon=":material/school:")
    if not _has_users(settings.database_url):
        st.session_state.pop(AUTH_KEY, None)
        first_run_setup(settings, on_signed_in=sign_in_as)
        st.stop()
    _check_idle(settings, title)
    actor = current_actor()
    if actor is not None:
        actor = _recheck(actor)
    if actor is None:
        if "_page" not in st.session_state and "_last_user" not in st.session_state:
            st.session_state.setdefault(ENTRY, title)  # a fresh visit: the page asked for
        sign_in_form(settings, on_signed_in=sign_in_as)
        st.stop()
    _landing(title, actor, permission)
    # Pages may start fresh when a user arrives from another page (e.g. via the nav).
    st.session_state["_arrived"] = st.session_state.get("_page") != title
    st.session_state["_page"] = title
    draw_nav(actor, training=settings.demo_mode)
    if settings.demo_mode:
        training_sidebar(actor, title)  # the trainee's checklist, ticking as they work
    with st.sidebar:
        st.divider()
        st.caption(f"Signed in as {esc(actor.display_name)} · {ROLE_LABELS[actor.role]}")
        if st.button("Sign out", key="_sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
    if not actor.can(permission):
        st.title(title)
        st.info("This page is not available for your role.")
        st.stop()
    show_flash()
    return actor
