"""Finding entries in the directory: the paged search, the pickers' choices, table rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from db.base import today
from db.models import Organization, RecordStatus
from services.contacts.directory import STALE_AFTER, is_stale
from services.contacts.referral_services import org_types_for
from services.core.contact_data import display_phone
from services.core.identity import Actor, require
from services.core.text import fold, us_spelling

PAGE_SIZE = 25


@dataclass(frozen=True)
class OrgPage:
    rows: list[Organization]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def search_organizations(
    s: Session,
    actor: Actor,
    query: str = "",
    *,
    org_type: str | None = None,
    include_archived: bool = False,
    stale_only: bool = False,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    on: date | None = None,
) -> OrgPage:
    """Every word must appear in the name, type or services (accent/case-insensitive)."""
    require(actor, "patients.read")
    conditions = []
    if not include_archived:
        conditions.append(Organization.status == RecordStatus.ACTIVE)
    if org_type:
        conditions.append(Organization.org_type == org_type)
    if stale_only:
        cutoff = (on or today()) - STALE_AFTER
        conditions.append(
            Organization.last_verified_on.is_(None) | (Organization.last_verified_on < cutoff)
        )
    for token in fold(query).split():
        conditions.append(Organization.search_text.contains(token, autoescape=True))
    where = and_(True, *conditions)
    total = s.scalar(select(func.count(Organization.id)).where(where)) or 0
    page = max(1, min(page, max(1, -(-total // page_size))))
    rows = s.scalars(
        select(Organization)
        .where(where)
        .order_by(Organization.name_key, Organization.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return OrgPage(rows=list(rows), total=total, page=page, page_size=page_size)


def organization_choices(
    s: Session, org_type: str | None = None, *, reachable_only: bool = False, limit: int = 5000
) -> dict[int, str]:
    """id -> "Name (type)" for pickers; active entries only."""
    stmt = select(Organization.id, Organization.name, Organization.org_type).where(
        Organization.status == RecordStatus.ACTIVE
    )
    if org_type:
        stmt = stmt.where(Organization.org_type == org_type)
    if reachable_only:
        stmt = stmt.where(
            Organization.phone.is_not(None)
            | Organization.fax.is_not(None)
            | Organization.email.is_not(None)
        )
    stmt = stmt.order_by(Organization.name_key).limit(limit)
    return {i: f"{n} ({t})" for i, n, t in s.execute(stmt)}


def organizations_by_id(s: Session, ids: list[int]) -> list[Organization]:
    if not ids:
        return []
    return list(s.scalars(select(Organization).where(Organization.id.in_(ids))))


def organizations_for_service(s: Session, service: str, *, limit: int = 25) -> list[Organization]:
    """Active organizations that can take a referral for this service: those of the kinds
    that offer it, else those whose name, type or services hold its words; reachable ones
    (a phone, fax or e-mail) first."""
    org_types = org_types_for(service)
    base = select(Organization).where(Organization.status == RecordStatus.ACTIVE)
    reachable = (
        Organization.phone.is_not(None)
        | Organization.fax.is_not(None)
        | Organization.email.is_not(None)
    )
    order = (reachable.desc(), Organization.name_key, Organization.id)
    if org_types:
        found = list(
            s.scalars(
                base.where(Organization.org_type.in_(org_types)).order_by(*order).limit(limit)
            )
        )
        if found:
            return found
    words = [w for w in fold(service).split() if len(w) > 3][:3]
    if not words:
        return []
    matches = or_(*(Organization.search_text.contains(w, autoescape=True) for w in words))
    return list(s.scalars(base.where(matches).order_by(*order).limit(limit)))


def org_rows(orgs: list[Organization], on: date | None = None) -> list[dict]:
    on = on or today()
    return [
        {
            "Name": o.name,
            "Type": us_spelling(o.org_type),
            "Services": o.services or "",
            "Phone": display_phone(o.phone),
            "Email": o.email or "",
            "Verified": o.last_verified_on,
            "Check": "STALE - verify" if is_stale(o, on) else "",
            "Status": us_spelling(o.status),
            "id": o.id,
        }
        for o in orgs
    ]
