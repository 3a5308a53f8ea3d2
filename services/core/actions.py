"""The core's user actions (sign-in, staff, audit, backups, settings), each in its own
transaction.

See docs/architecture.md: pages and components call these and get plain values back.
Sign-in and first-run setup come before there is an actor, so they take none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import make_url

from db import config, migrate
from db.models import Role
from db.session import dispose_all, read_scope, session_scope
from services.core import audit, auth, backup, setup_code
from services.core.audit import Action, ChainReport
from services.core.auth import AccessCheck, SignInOutcome
from services.core.identity import Actor, require, user_action

# ---------------------------------------------------------------- opening the app


@user_action(None)
def prepare_database(url: str) -> None:
    """Bring the database in use to the newest schema (checked once per process)."""
    migrate.ensure_current(url)


@user_action(None)
def has_users() -> bool:
    """False only before the first account exists: the app then offers first-run setup."""
    with read_scope() as s:
        found = auth.has_users(s)
    if not found:
        setup_code.current_code()  # made (and printed in the terminal) on first need
    return found


@user_action(None)
def check_setup_code(typed: str) -> None:
    """First-run setup goes on only with the code printed where CareDesk was started."""
    setup_code.check(typed)


@user_action(None)
def recheck_access(actor: Actor) -> AccessCheck:
    """The signed-in account as it is now: re-read on every click (one indexed read)."""
    with read_scope() as s:
        return auth.recheck(s, actor)


@user_action(None)
def sign_in(username: str, password: str) -> SignInOutcome:
    """Check a password. A failure is returned, not raised, so the failed-attempt counter
    and its audit event commit."""
    with session_scope() as s:
        return auth.sign_in(s, username, password)


@user_action(None)
def sign_out(actor: Actor, reason: str = "signed out") -> None:
    with session_scope() as s:
        auth.sign_out(s, actor, reason)


@user_action(None)
def create_first_admin(
    username: str, display_name: str, password: str, again: str, code: str
) -> Actor:
    """First-run setup: the clinic's first administrator, signed in at once."""
    setup_code.check(code)
    with session_scope() as s:
        actor = auth.create_first_admin(s, username, display_name, password, again)
    setup_code.forget()
    return actor


# ---------------------------------------------------------------- staff accounts


@dataclass(frozen=True)
class UserRow:
    """One staff account as the Admin page lists it."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    locked: bool
    last_sign_in_at: datetime | None
    phone: str | None = None  # direct line (E.164)


@user_action("patients.read")
def staff_choices(actor: Actor) -> dict[int, str]:
    """Active staff by id, for owner and case-manager pickers."""
    with read_scope() as s:
        return auth.staff_choices(s)


@user_action("admin")
def list_users(actor: Actor) -> list[UserRow]:
    """Every account, active ones first, by name."""
    require(actor, "admin")
    with read_scope() as s:
        return [
            UserRow(
                id=u.id,
                username=u.username,
                display_name=u.display_name,
                role=Role(u.role),
                active=bool(u.active),
                locked=bool(u.locked_until),
                last_sign_in_at=u.last_sign_in_at,
                phone=u.phone,
            )
            for u in auth.list_users(s)
        ]


@user_action("admin")
def create_user(actor: Actor, username: str, display_name: str, role: str, password: str) -> int:
    """A colleague's account; returns its id."""
    with session_scope() as s:
        return auth.create_user(s, actor, username, display_name, role, password).id


@user_action("admin")
def change_role(actor: Actor, user_id: int, role: str) -> None:
    with session_scope() as s:
        auth.change_role(s, actor, user_id, role)


@user_action("admin")
def set_phone(actor: Actor, user_id: int, phone: str) -> None:
    """A colleague's direct line, printed on their patients' plans."""
    with session_scope() as s:
        auth.set_phone(s, actor, user_id, phone, config.load().region)


@user_action("admin")
def set_active(actor: Actor, user_id: int, active: bool) -> None:
    """Deactivate or reactivate an account."""
    with session_scope() as s:
        auth.set_active(s, actor, user_id, active)


@user_action("admin")
def reset_password(actor: Actor, user_id: int, password: str) -> None:
    """A new password, which also unlocks the account."""
    with session_scope() as s:
        auth.reset_password(s, actor, user_id, password)


# ---------------------------------------------------------------- audit, backups, settings


@dataclass(frozen=True)
class AuditReport:
    rows: list[dict]  # plain values, newest first, as the table and its CSV show them
    chain: ChainReport  # whether the whole trail is intact


@user_action("admin")
def audit_report(
    actor: Actor,
    *,
    start: date | None = None,
    end: date | None = None,
    username: str | None = None,
    patient_mrn: str | None = None,
    action: str | None = None,
) -> AuditReport:
    """The events that match, and a check of the whole chain. An unknown MRN raises
    InvalidInput (field `patient_mrn`)."""
    with read_scope() as s:
        rows = audit.report(
            s,
            actor,
            start=start,
            end=end,
            username=username,
            patient_mrn=patient_mrn,
            action=action,
        )
        return AuditReport(rows, audit.verify(s))


@user_action("admin")
def record_export(actor: Actor, what: str, rows: int = 0) -> None:
    """Something left CareDesk (a CSV, a backup): the audit trail says who took it."""
    with session_scope() as s:
        audit.record(s, actor, Action.EXPORT, entity=what, category="admin", detail={"rows": rows})


@user_action("admin")
def back_up_now(actor: Actor) -> str:
    """A consistent copy of the database in use; returns where it was written.

    Raises backup.BackupError when the copy could not be made or fails its checks;
    only a backup that was written is recorded as an export.
    """
    require(actor, "admin")
    settings = config.load()
    target = backup.default_backup_path(settings.data_dir, settings.database_url)
    backup.backup(settings.database_url, target)
    record_export(actor, "backup")
    return str(target)


@user_action("admin")
def database_in_use(actor: Actor) -> str:
    """The database URL for the settings overview, with any password hidden."""
    require(actor, "admin")
    return make_url(config.load().database_url).render_as_string(hide_password=True)


@user_action("admin")
def leave_training_mode(actor: Actor) -> None:
    """Switch to the clinic's own database; the training database is kept."""
    require(actor, "admin")
    config.load().set_demo_mode(False)
    dispose_all()  # no connection to the training database outlives the switch
