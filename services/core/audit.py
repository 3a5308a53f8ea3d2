"""HIPAA audit controls: an append-only, HMAC-chained trail of who did what.

Each row's HMAC-SHA256 covers its own content plus the previous row's HMAC, so an
edited or deleted row breaks the chain at that point. The app never updates or
deletes audit rows, and the database refuses to (db/append_only.py).

The chain's head (newest sequence number and a keyed MAC of it) is kept twice: in the
database, and in a file beside the key in the data folder, written after each commit.
A wiped, truncated or rolled-back trail is shorter than the head outside says, so
`verify` fails; a restore from a backup is itself an event that names what it rolled
back, after which `verify` explains the rollback instead of failing.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac as hmac_mod
import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import event as orm_event
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db import config
from db.base import utcnow
from db.models import AppSetting, AuditEvent, User
from services.core.identity import Actor

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


class Action:
    SIGN_IN = "sign-in"
    SIGN_IN_FAILED = "failed sign-in"
    SIGN_OUT = "sign-out"
    VIEW = "view patient"
    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    RESTORE = "restore"
    EXPORT = "export"
    USER_CHANGE = "user/role change"
    RESTORE_BACKUP = "restore from backup"


def plain_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | tuple):
        return list(value)
    return value


def changes(before: dict, after: dict) -> dict[str, dict]:
    """Changed fields with before/after values, for the detail of an update event."""
    return {
        k: {"before": plain_value(before.get(k)), "after": plain_value(after.get(k))}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def _payload(e: AuditEvent) -> bytes:
    fields = {
        "id": e.id,
        "at": e.at.isoformat(),
        "user_id": e.user_id,
        "username": e.username,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "patient_id": e.patient_id,
        "category": e.category,
        "success": bool(e.success),
        "detail": e.detail,
        "prev_hmac": e.prev_hmac,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _sign(e: AuditEvent, key: bytes) -> str:
    return hmac_mod.new(key, _payload(e), hashlib.sha256).hexdigest()


def record(
    s: Session,
    actor: Actor | None,
    action: str,
    *,
    entity: str | None = None,
    entity_id: object = None,
    patient_id: int | None = None,
    category: str | None = None,
    success: bool = True,
    detail: dict | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction."""
    if s.get_bind().dialect.name == "postgresql":
        # Serialise appends so two writers never chain onto the same previous row.
        s.execute(text("SELECT pg_advisory_xact_lock(727272)"))
    # On SQLite BEGIN IMMEDIATE already serialises writers.
    last = s.execute(
        select(AuditEvent.id, AuditEvent.hmac).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    event = AuditEvent(
        id=(last.id + 1) if last else 1,
        at=utcnow().replace(microsecond=0),
        user_id=actor.id if actor else None,
        username=username or (actor.username if actor else "anonymous"),
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        patient_id=patient_id,
        category=category,
        success=success,
        detail=json.dumps(detail, sort_keys=True, default=plain_value) if detail else None,
        prev_hmac=last.hmac if last else GENESIS,
    )
    key = config.load().secret_key
    event.hmac = _sign(event, key)
    s.add(event)
    _set_head(s, event, key)
    s.flush()
    s.info[_PENDING_HEAD] = (str(s.get_bind().engine.url), event.id, event.hmac, False)
    return event


def append_past(s: Session, events: list[dict]) -> int:
    """Append many events at once, chained and signed exactly as record() does: the demo's
    past (a large clinic's two years of views and changes). `events` hold AuditEvent's
    columns except id and the HMACs, oldest first. Returns how many were appended."""
    if not events:
        return 0
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(727272)"))
    last = s.execute(
        select(AuditEvent.id, AuditEvent.hmac).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    next_id, prev = (last.id + 1, last.hmac) if last else (1, GENESIS)
    key = config.load().secret_key
    fields = ("user_id", "username", "action", "entity", "entity_id", "patient_id", "category")
    rows = []
    for e in events:
        row = {f: e.get(f) for f in fields} | {
            "id": next_id,
            "at": e["at"],
            "success": e.get("success", True),
            "detail": json.dumps(e["detail"], sort_keys=True, default=plain_value)
            if e.get("detail")
            else None,
            "prev_hmac": prev,
        }
        row["hmac"] = prev = _sign(SimpleNamespace(**row), key)  # type: ignore[arg-type]
        rows.append(row)
        next_id += 1
    for start in range(0, len(rows), 5000):
        s.execute(AuditEvent.__table__.insert(), rows[start : start + 5000])
    newest = SimpleNamespace(id=rows[-1]["id"], hmac=rows[-1]["hmac"])
    _set_head(s, newest, key)  # type: ignore[arg-type]
    s.flush()
    s.info[_PENDING_HEAD] = (str(s.get_bind().engine.url), newest.id, newest.hmac, False)
    return len(rows)


def _head_value(event_id: int, event_hmac: str, key: bytes) -> str:
    return hmac_mod.new(key, f"head:{event_id}:{event_hmac}".encode(), hashlib.sha256).hexdigest()


def _set_head(s: Session, event: AuditEvent, key: bytes) -> None:
    """Keep a keyed anchor of the newest row, so deleting the tail is detected too."""
    value = f"{event.id}:{_head_value(event.id, event.hmac, key)}"
    head = s.scalar(select(AppSetting).where(AppSetting.key == HEAD_KEY))
    if head is None:
        s.add(AppSetting(key=HEAD_KEY, value=value))
    else:
        head.value = value


# ---------------------------------------------------------------- the head outside the database

_PENDING_HEAD = "caredesk_audit_head"


def head_file(database_url: str) -> Path:
    return config.load().audit_head_path(database_url)


def forget_trail(database_url: str) -> None:
    """The database was removed on purpose (reset of the training database)."""
    head_file(database_url).unlink(missing_ok=True)


def outside_head(database_url: str) -> dict | None:
    path = head_file(database_url)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"seq": -1, "mac": ""}  # unreadable: verify names it


def write_outside_head(database_url: str, seq: int, row_hmac: str, *, force: bool = False) -> None:
    """Move the file head forward (never back, unless a restore says so), atomically."""
    path = head_file(database_url)
    key = config.load().secret_key
    with open(config.private_file(path.parent / ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two app processes on one data folder
        current = outside_head(database_url)
        if current and not force and current.get("seq", 0) >= seq:
            return
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({"seq": seq, "mac": _head_value(seq, row_hmac, key)}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


@orm_event.listens_for(Session, "after_commit")
def _head_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING_HEAD, None)
    if pending:
        url, seq, row_hmac, force = pending
        write_outside_head(url, seq, row_hmac, force=force)


@orm_event.listens_for(Session, "after_rollback")
def _no_head_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_HEAD, None)


# ---------------------------------------------------------------- verification


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    bad_id: int | None = None
    reason: str = ""
    # Restores from backups that rolled the trail back, in plain words.
    rollbacks: list[str] = field(default_factory=list)
    outside: str = "matches"  # "matches", "missing" (not written yet) or why not


def verify(s: Session, key: bytes | None = None) -> ChainReport:
    """Walk the whole chain in id order; report the first row that does not fit, then
    hold the chain's end against the head kept in the database and outside it."""
    key = key or config.load().secret_key
    prev = GENESIS
    expected_id = 1
    count = 0
    hmacs: dict[int, str] = {}
    rollbacks: list[str] = []
    outside = outside_head(str(s.get_bind().engine.url))
    for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(2000):
        if e.id != expected_id:
            return ChainReport(False, count, expected_id, f"row {expected_id} is missing")
        if e.prev_hmac != prev:
            return ChainReport(False, count, e.id, "does not follow the previous row")
        if not hmac_mod.compare_digest(e.hmac, _sign(e, key)):
            return ChainReport(False, count, e.id, "content was changed")
        if e.action == Action.RESTORE_BACKUP and e.detail:
            rollbacks.append(_rollback_words(e))
        if outside and e.id == outside.get("seq"):
            hmacs[e.id] = e.hmac
        prev = e.hmac
        expected_id += 1
        count += 1
    head = s.scalar(select(AppSetting.value).where(AppSetting.key == HEAD_KEY))
    if count == 0 and head is None:
        if outside:
            return ChainReport(
                False, 0, 1, f"the trail is empty, but {outside.get('seq')} events were recorded"
            )
        if s.scalar(select(func.count(User.id))):
            return ChainReport(False, 0, 1, "the trail is empty, but the database has accounts")
        return ChainReport(True, 0)
    head_id, _, head_mac = (head or "0:").partition(":")
    if int(head_id) != count:
        return ChainReport(False, count, count + 1, f"rows after {count} are missing")
    if not hmac_mod.compare_digest(head_mac, _head_value(count, prev, key)):
        return ChainReport(False, count, count, "the newest row does not match its anchor")
    if outside is None:
        return ChainReport(True, count, rollbacks=rollbacks, outside="missing")
    seq = outside.get("seq", -1)
    if seq > count:
        return ChainReport(
            False,
            count,
            count + 1,
            f"the trail ends at event {count}, but event {seq} was recorded: it was "
            "truncated or rolled back without a restore being recorded",
        )
    row = hmacs.get(seq)
    if row is None or not hmac_mod.compare_digest(
        outside.get("mac", ""), _head_value(seq, row, key)
    ):
        return ChainReport(
            False, count, seq, "the head kept outside the database does not match this trail"
        )
    return ChainReport(True, count, rollbacks=rollbacks)


def _rollback_words(e: AuditEvent) -> str:
    from services.core import clock

    d = json.loads(e.detail)
    return (
        f"{clock.us_date(clock.utc_to_local(e.at, clock.clinic_tz()))}: {e.username} restored {d.get('backup')}, rolling the "
        f"trail back from {d.get('events_before')} to {d.get('events_after')} events"
    )


def record_restore(s: Session, backup_name: str, events_before: int | None) -> AuditEvent:
    """After a restore: say in the trail itself what was restored and what it rolled back;
    once committed, the head outside moves back to this event."""
    events_after = s.scalar(select(func.count(AuditEvent.id))) or 0
    e = record(
        s,
        None,
        Action.RESTORE_BACKUP,
        entity="database",
        username="operator",
        detail={
            "backup": backup_name,
            "events_before": events_before,
            "events_after": events_after,
        },
    )
    s.info[_PENDING_HEAD] = (str(s.get_bind().engine.url), e.id, e.hmac, True)
    return e


def report(
    s: Session,
    actor: Actor,
    *,
    start: date | None = None,
    end: date | None = None,
    username: str | None = None,
    patient_mrn: str | None = None,
    action: str | None = None,
    limit: int = 5000,
    tz: str | None = None,
) -> list[dict]:
    """Audit events as plain rows, newest first, for the Admin report and its CSV.

    The patient is named by MRN, the number staff see; an unknown MRN is refused. Times
    and the date filters are the clinic's (`tz`, default the configured zone)."""
    from db.models import Patient
    from services.core import clock
    from services.core.errors import InvalidInput
    from services.core.identity import require

    require(actor, "admin")
    stmt = select(AuditEvent, Patient.mrn).outerjoin(Patient, Patient.id == AuditEvent.patient_id)
    if (patient_mrn or "").strip():
        mrn = patient_mrn.strip()
        if s.scalar(select(Patient.id).where(Patient.mrn == mrn)) is None:
            raise InvalidInput({"patient_mrn": f"No patient has MRN {mrn}."})
        stmt = stmt.where(Patient.mrn == mrn)
    tz = tz or clock.clinic_tz()
    if start:
        stmt = stmt.where(AuditEvent.at >= clock.day_bounds_utc(start, tz)[0])
    if end:
        stmt = stmt.where(AuditEvent.at < clock.day_bounds_utc(end, tz)[1])
    if username:
        stmt = stmt.where(AuditEvent.username == username)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    events = s.execute(stmt.order_by(AuditEvent.id.desc()).limit(limit))
    return [
        {
            "id": e.id,
            "when": clock.utc_to_local(e.at, tz),
            "user": e.username,
            "action": e.action,
            "entity": e.entity or "",
            "entity id": e.entity_id or "",
            "patient MRN": mrn or "",
            "category": e.category or "",
            "success": e.success,
            "detail": e.detail or "",
        }
        for e, mrn in events
    ]


ACTIONS = [
    Action.SIGN_IN,
    Action.SIGN_IN_FAILED,
    Action.SIGN_OUT,
    Action.VIEW,
    Action.CREATE,
    Action.UPDATE,
    Action.ARCHIVE,
    Action.RESTORE,
    Action.EXPORT,
    Action.USER_CHANGE,
]
