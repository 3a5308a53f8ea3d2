"""HIPAA audit controls: an append-only, HMAC-chained trail of who did what.

Each row's HMAC-SHA256 covers its own content plus the previous row's HMAC, so an
edited or deleted row breaks the chain at that point. The app never updates or
deletes audit rows.
"""

from __future__ import annotations

import hashlib
import hmac as hmac_mod
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db import config
from db.base import utcnow
from db.models import AppSetting, AuditEvent
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
    return event


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


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    bad_id: int | None = None
    reason: str = ""


def verify(s: Session, key: bytes | None = None) -> ChainReport:
    """Walk the whole chain in id order; report the first row that does not fit."""
    key = key or config.load().secret_key
    prev = GENESIS
    expected_id = 1
    count = 0
    for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(2000):
        if e.id != expected_id:
            return ChainReport(False, count, expected_id, f"row {expected_id} is missing")
        if e.prev_hmac != prev:
            return ChainReport(False, count, e.id, "does not follow the previous row")
        if not hmac_mod.compare_digest(e.hmac, _sign(e, key)):
            return ChainReport(False, count, e.id, "content was changed")
        prev = e.hmac
        expected_id += 1
        count += 1
    head = s.scalar(select(AppSetting.value).where(AppSetting.key == HEAD_KEY))
    if count == 0 and head is None:
        return ChainReport(True, 0)
    head_id, _, head_mac = (head or "0:").partition(":")
    if int(head_id) != count:
        return ChainReport(False, count, count + 1, f"rows after {count} are missing")
    if not hmac_mod.compare_digest(head_mac, _head_value(count, prev, key)):
        return ChainReport(False, count, count, "the newest row does not match its anchor")
    return ChainReport(True, count)


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
) -> list[dict]:
    """Audit events as plain rows, newest first, for the Admin report and its CSV.

    The patient is named by MRN, the number staff see; an unknown MRN is refused."""
    from datetime import UTC, time, timedelta

    from db.models import Patient
    from services.core.errors import InvalidInput
    from services.core.identity import require

    require(actor, "admin")
    stmt = select(AuditEvent, Patient.mrn).outerjoin(Patient, Patient.id == AuditEvent.patient_id)
    if (patient_mrn or "").strip():
        mrn = patient_mrn.strip()
        if s.scalar(select(Patient.id).where(Patient.mrn == mrn)) is None:
            raise InvalidInput({"patient_mrn": f"No patient has MRN {mrn}."})
        stmt = stmt.where(Patient.mrn == mrn)
    if start:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(start, time.min, UTC))
    if end:
        stmt = stmt.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min, UTC))
    if username:
        stmt = stmt.where(AuditEvent.username == username)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    events = s.execute(stmt.order_by(AuditEvent.id.desc()).limit(limit))
    return [
        {
            "id": e.id,
            "when (UTC)": e.at.replace(tzinfo=None),
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
