"""What completing an intake changes in Contacts, said in the summary before it is done.

- The caregiver named on the supports step joins the family list (never twice by name)
  with the roles the nurse chose; a new primary caregiver replaces the old one.
- The insurance step creates the patient's coverage, corrects it (same insurer, new
  member ID) or replaces it (another insurer): never a duplicate.
- Each accepted referral suggestion becomes a draft referral, ready to send from
  Contacts -> Referrals once its organization is chosen (see `draft_referrals`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import config
from db.base import today
from db.models import Coverage, Intake, IntakeSuggestion, Organization, OrgType, RecordStatus
from services.contacts import coverage, family, referrals
from services.contacts.coverage import CoverageInput
from services.contacts.family import RELATIONSHIPS, ROLES
from services.contacts.referrals import ReferralInput
from services.core.errors import InvalidInput
from services.core.identity import Actor
from services.core.text import fold


def _relationship(text: str | None) -> str:
    """The family-list relationship for what the supports step holds (drafts saved before
    the step used the list hold free text: "Daughter" still finds "daughter")."""
    wanted = fold(text or "")
    return next((r for r in RELATIONSHIPS if fold(r) == wanted), "other")


def _listed(roles: list[str]) -> str:
    return roles[0] if len(roles) == 1 else f"{', '.join(roles[:-1])} and {roles[-1]}"


# ---------------------------------------------------------------- the caregiver


@dataclass(frozen=True)
class CaregiverChange:
    message: str
    existing_id: int | None  # the family member already listed under this name
    entry: family.RelatedPersonInput | None  # the new family member to add
    roles: list[str]


def caregiver_change(s: Session, actor: Actor, intake: Intake) -> CaregiverChange | None:
    """What completing the intake does with the caregiver it names (None: nobody named)."""
    supports = (intake.data or {}).get("supports") or {}
    name = (supports.get("caregiver_name") or "").strip()
    if not name:
        return None
    people = family.family_of(s, actor, intake.patient_id)
    same = next((p for p in people if fold(p.name) == fold(name)), None)
    primary = next((p.name for p in people if p.primary_caregiver and p is not same), None)
    roles = supports.get("caregiver_roles")
    if roles is None:  # a draft saved before the step asked: primary only if nobody else is
        roles = ["primary caregiver"] if primary is None else []
    roles = [r for r in roles if r in ROLES]
    entry = None
    if same is None:
        relationship = _relationship(supports.get("caregiver_relationship"))
        entry = family.RelatedPersonInput(
            name=name, relationship=relationship, phone=supports.get("caregiver_phone") or ""
        )
        role_words = f" as {_listed(roles)}" if roles else " (no role chosen)"
        message = f"{name} ({relationship}) joins the family list in Contacts{role_words}."
    else:
        new = [r for r in roles if not getattr(same, ROLES[r])]
        message = f"{name} is already in the family list in Contacts" + (
            f" and becomes {_listed(new)}." if new else "; nothing changes for them."
        )
    if primary and "primary caregiver" in roles:
        message += f" {primary} is no longer primary caregiver."
    elif primary:
        message += f" {primary} stays primary caregiver."
    return CaregiverChange(message, same.id if same else None, entry, roles)


def apply_caregiver(s: Session, actor: Actor, intake: Intake) -> None:
    change = caregiver_change(s, actor, intake)
    if change is None:
        return
    if change.existing_id is not None:
        person = family.get_related_person(s, change.existing_id)
    else:
        region = config.load().region
        person = family.add_related_person(s, actor, intake.patient_id, change.entry, region=region)
    family.give_roles(s, actor, person, change.roles)


# ---------------------------------------------------------------- insurance


@dataclass(frozen=True)
class CoverageChange:
    message: str
    payer_id: int | None = None
    add: CoverageInput | None = None  # the coverage to add
    correct_id: int | None = None  # the coverage to correct with `add`'s values
    end_id: int | None = None  # the coverage that ends before the new one starts


def _insurer(s: Session, insurance: dict) -> Organization | None:
    """The insurer the step names: picked from the directory, or typed (found by name)."""
    wanted = s.get(Organization, insurance["payer_id"]) if insurance.get("payer_id") else None
    if wanted is None and insurance.get("payer"):
        key = fold(insurance["payer"])
        wanted = s.scalar(
            select(Organization).where(
                Organization.org_type == OrgType.INSURER,
                Organization.status == RecordStatus.ACTIVE,
                Organization.name_key == key,
            )
        )
    if wanted is None or wanted.org_type != OrgType.INSURER:
        return None
    return wanted if wanted.status == RecordStatus.ACTIVE else None


def coverage_change(s: Session, actor: Actor, intake: Intake, on: date | None = None):
    """What completing the intake does to the patient's insurance (None: nothing to do)."""
    insurance = (intake.data or {}).get("insurance") or {}
    if not insurance or insurance.get("uninsured"):
        return None
    on = on or today()
    payer = _insurer(s, insurance)
    member = (insurance.get("member_id") or "").strip()
    if payer is None:
        named = insurance.get("payer") or "The insurer"
        return CoverageChange(
            f"{named} is not an insurer in the Contacts directory, so no coverage is added: "
            "add the insurer in Contacts, then the coverage."
        )
    wanted = CoverageInput(
        payer_id=payer.id,
        plan_name=(insurance.get("plan_name") or "").strip() or payer.name,
        member_id=member,
        group_number=(insurance.get("group") or "").strip(),
        start_on=on,
        order=1,
    )
    in_force = [
        c
        for c in coverage.coverages_of(s, actor, intake.patient_id)
        if c.end_on is None or c.end_on >= on
    ]
    same = next((c for c in in_force if c.payer_id == payer.id), None)
    if same is not None:
        return _correction(same, wanted, payer.name)
    primary = next((c for c in in_force if c.order == 1), None)
    if primary is None:
        return CoverageChange(
            f"{payer.name} (member ID {member}) becomes the patient's primary coverage.",
            payer.id,
            add=wanted,
        )
    if primary.start_on is not None and primary.start_on >= on:
        return CoverageChange(
            f"The {primary.payer.name} coverage entered today becomes {payer.name} "
            f"(member ID {member}).",
            payer.id,
            add=CoverageInput(**{**wanted.__dict__, "start_on": primary.start_on}),
            correct_id=primary.id,
        )
    return CoverageChange(
        f"{primary.payer.name} (member ID {primary.member_id}) ends, and {payer.name} "
        f"(member ID {member}) becomes the primary coverage from today.",
        payer.id,
        add=wanted,
        end_id=primary.id,
    )


def _correction(current: Coverage, wanted: CoverageInput, payer: str) -> CoverageChange:
    changed = []
    if current.member_id != wanted.member_id:
        changed.append(f"member ID {current.member_id} → {wanted.member_id}")
    if (current.group_number or "") != wanted.group_number and wanted.group_number:
        changed.append(f"group {current.group_number or '(none)'} → {wanted.group_number}")
    if not changed:
        return CoverageChange(
            f"{payer} (member ID {current.member_id}) is already on file; nothing changes."
        )
    keep = CoverageInput(
        payer_id=current.payer_id,
        plan_name=current.plan_name,
        member_id=wanted.member_id,
        group_number=wanted.group_number or current.group_number or "",
        start_on=current.start_on,
        end_on=current.end_on,
        order=current.order,
    )
    return CoverageChange(
        f"The {payer} coverage is corrected: {'; '.join(changed)}.",
        current.payer_id,
        add=keep,
        correct_id=current.id,
    )


def apply_coverage(s: Session, actor: Actor, intake: Intake) -> None:
    change = coverage_change(s, actor, intake)
    if change is None or change.add is None:
        return
    if change.correct_id is not None:
        coverage.correct_coverage(s, actor, change.correct_id, change.add, None)
        return
    if change.end_id is not None:
        coverage.end_coverage(s, actor, change.end_id, change.add.start_on - timedelta(days=1))
    coverage.add_coverage(s, actor, intake.patient_id, change.add)


# ---------------------------------------------------------------- draft referrals


def draft_referrals(s: Session, actor: Actor, rows: list[IntakeSuggestion]) -> list[int]:
    """A draft referral in Contacts for each accepted referral suggestion; the suggestion
    notes which referral it became and counts as handed on (not a care-plan task)."""
    made = []
    for row in rows:
        details = dict(row.details or {})
        data = ReferralInput(
            organization_id=details.get("organization_id"),
            service=(details.get("service") or row.text)[:200],
            reason_text=f"{row.text} (intake: {row.source_finding})",
            reason_kind="intake finding",
            reason_id=row.id,
            urgency=details.get("urgency") or "routine",
        )
        try:
            ref = referrals.create_referral(s, actor, row.patient_id, data, organization_later=True)
        except InvalidInput as exc:
            raise InvalidInput(
                {
                    f"referral {row.id} {k}": f"Referral for {data.service}: {v}"
                    for k, v in exc.errors.items()
                }
            ) from None
        row.details = details | {"referral_id": ref.id}
        row.handed_off_at = ref.created_at
        made.append(ref.id)
    s.flush()
    return made
