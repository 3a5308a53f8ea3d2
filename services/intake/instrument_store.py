"""Admin-managed definitions: a clinic's own instruments and risk-tier rules.

An upload is validated by the same schema as the shipped files; a valid one is stored as
a new revision (never overwriting the old one) and audited. The newest active revision of
a code replaces the shipped file of the same code; "Use the shipped version" deactivates
the clinic's revisions, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ClinicDefinition
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require
from services.intake import instruments as assessments
from services.intake import risk
from services.intake.instruments import Definition

INSTRUMENT = "instrument"
RISK_TIERS = "risk_tiers"
RISK_CODE = "risk_tiers"
MAX_UPLOAD_BYTES = 200_000


@dataclass(frozen=True)
class ActiveDefinition:
    definition: Definition
    revision: int | None  # None: the shipped file
    source: str  # "shipped" or "clinic"


def _latest(s: Session, kind: str) -> dict[str, ClinicDefinition]:
    newest = (
        select(ClinicDefinition.code, func.max(ClinicDefinition.revision).label("rev"))
        .where(ClinicDefinition.kind == kind, ClinicDefinition.active.is_(True))
        .group_by(ClinicDefinition.code)
        .subquery()
    )
    rows = s.scalars(
        select(ClinicDefinition).join(
            newest,
            (ClinicDefinition.code == newest.c.code) & (ClinicDefinition.revision == newest.c.rev),
        )
    ).all()
    return {r.code: r for r in rows if r.kind == kind}


def active_instruments(s: Session) -> dict[str, ActiveDefinition]:
    """Every instrument the intake can use: shipped files, replaced by clinic uploads."""
    found = {
        code: ActiveDefinition(d, None, "shipped") for code, d in assessments.shipped().items()
    }
    for code, row in _latest(s, INSTRUMENT).items():
        try:
            definition = assessments.load_definition(assessments.parse(row.body))
        except ValueError:
            continue  # stored rows were valid when saved; a later code change must not crash
        found[code] = ActiveDefinition(definition, row.revision, "clinic")
    return dict(sorted(found.items(), key=lambda kv: kv[1].definition.title.lower()))


def active_risk_rules(s: Session) -> dict:
    row = _latest(s, RISK_TIERS).get(RISK_CODE)
    if row is not None:
        try:
            return risk.load_rules(row.body)
        except ValueError:
            pass
    return risk.shipped_rules()


def _check_upload(text: str) -> None:
    if not text or not text.strip():
        raise InvalidInput({"definition": "The file is empty."})
    if len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
        raise InvalidInput({"definition": "The file is too large (over 200 KB)."})


def _next_revision(s: Session, kind: str, code: str) -> int:
    top = s.scalar(
        select(func.max(ClinicDefinition.revision)).where(
            ClinicDefinition.kind == kind, ClinicDefinition.code == code
        )
    )
    return (top or 0) + 1


def save_instrument(s: Session, actor: Actor, text: str, note: str = "") -> ClinicDefinition:
    """Add a clinic instrument or replace one (shipped or uploaded) with a new revision."""
    require(actor, "admin")
    _check_upload(text)
    try:
        data = assessments.parse(text)
    except ValueError as exc:
        raise InvalidInput({"definition": str(exc)}) from exc
    found = assessments.problems(data)
    if found:
        raise InvalidInput({"definition": "The definition is not valid: " + "; ".join(found)})
    code = data["code"]
    row = _new_revision(s, actor, INSTRUMENT, code, text, note)
    audit.record(
        s,
        actor,
        Action.CREATE if row.revision == 1 else Action.UPDATE,
        entity="instrument",
        entity_id=f"{code}@{row.revision}",
        category="configuration",
        detail={"code": code, "revision": row.revision, "title": data["title"], "note": row.note},
    )
    return row


def _new_revision(
    s: Session, actor: Actor, kind: str, code: str, text: str, note: str
) -> ClinicDefinition:
    """Store an uploaded definition as the next revision; earlier ones are kept."""
    row = ClinicDefinition(
        kind=kind,
        code=code,
        revision=_next_revision(s, kind, code),
        body=text,
        note=(note or "").strip() or None,
        created_by_id=actor.id,
    )
    s.add(row)
    s.flush()
    return row


def save_risk_rules(s: Session, actor: Actor, text: str, note: str = "") -> ClinicDefinition:
    require(actor, "admin")
    _check_upload(text)
    try:
        risk.load_rules(text)
    except ValueError as exc:
        raise InvalidInput({"definition": f"The rules are not valid: {exc}"}) from exc
    row = _new_revision(s, actor, RISK_TIERS, RISK_CODE, text, note)
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="risk_tiers",
        entity_id=str(row.revision),
        category="configuration",
        detail={"revision": row.revision, "note": row.note},
    )
    return row


def revert_to_shipped(s: Session, actor: Actor, kind: str, code: str, reason: str) -> int:
    """Deactivate every clinic revision of a code (kept for the record); returns how many."""
    require(actor, "admin")
    if not (reason or "").strip():
        raise InvalidInput({"reason": "Say why the clinic's version is withdrawn."})
    rows = s.scalars(
        select(ClinicDefinition).where(
            ClinicDefinition.kind == kind,
            ClinicDefinition.code == code,
            ClinicDefinition.active.is_(True),
        )
    ).all()
    if not rows:
        raise NotFound("There is no clinic version of this to withdraw.")
    for row in rows:
        row.active = False
    s.flush()
    audit.record(
        s,
        actor,
        Action.ARCHIVE,
        entity="instrument" if kind == INSTRUMENT else "risk_tiers",
        entity_id=code,
        category="configuration",
        detail={"reason": reason.strip(), "revisions": [r.revision for r in rows]},
    )
    return len(rows)


def revisions(s: Session, kind: str = INSTRUMENT) -> list[dict]:
    """Every upload, newest first, as plain rows for a table."""
    rows = s.scalars(
        select(ClinicDefinition)
        .where(ClinicDefinition.kind == kind)
        .order_by(ClinicDefinition.code, ClinicDefinition.revision.desc())
    ).all()
    return [
        {
            "Code": r.code,
            "Revision": r.revision,
            "In use": "yes" if r.active else "no",
            "Saved": r.created_at,
            "Note": r.note or "",
            "id": r.id,
        }
        for r in rows
    ]


def definition_text(s: Session, kind: str, code: str) -> str:
    """The YAML an admin starts editing from: the clinic's newest, else the shipped file."""
    row = _latest(s, kind).get(code)
    if row is not None:
        return row.body
    if kind == RISK_TIERS:
        return risk.RULES_PATH.read_text("utf-8")
    path = assessments.INSTRUMENTS_DIR / f"{code}.yaml"
    if not path.exists():
        raise NotFound("No such instrument.")
    return path.read_text("utf-8")
