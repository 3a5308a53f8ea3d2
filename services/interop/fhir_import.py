"""FHIR R4 import: what each file would create, match or leave out (the preview), then the
import itself, all in one transaction.

A patient in the file is the same as one in CareDesk when the MRN is the same (and the
birth date agrees; otherwise the MRN belongs to someone else and the patient is refused),
or when the folded name and birth date are the same. A matched patient is merged (blank
details filled in, family members and coverage CareDesk does not have yet added) or left
as is. A refused file is never partly imported; one failure while saving rolls back all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Coverage, Organization, OrgType, Patient, RecordStatus, RelatedPerson
from services.contacts import coverage, directory, family
from services.contacts.coverage import CoverageInput
from services.contacts.directory import OrgInput
from services.core import audit
from services.core.audit import Action
from services.core.errors import DomainError, InvalidInput
from services.core.identity import Actor, require
from services.core.text import fold
from services.interop import outside
from services.interop.fhir_read import FileReading, PatientPlan, read_file
from services.patients import registry
from services.patients.registry import PatientInput


class ImportFailed(DomainError):
    """Saving stopped on one patient; nothing of the import was kept."""


@dataclass(frozen=True)
class PatientOutcome:
    plan: PatientPlan
    action: str  # "create", "match" or "refuse"
    existing_id: int | None = None
    existing_label: str = ""  # "MRN CD000012, born 1950-01-02"
    reason: str = ""  # why matched, or why refused


@dataclass(frozen=True)
class FilePreview:
    name: str
    refused: str
    patients: list[PatientOutcome] = field(default_factory=list)
    ignored: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportPreview:
    files: list[FilePreview]

    def counts(self) -> dict[str, int]:
        outcomes = [p for f in self.files for p in f.patients]
        return {
            "created": sum(1 for p in outcomes if p.action == "create"),
            "matched": sum(1 for p in outcomes if p.action == "match"),
            "ignored": sum(n for f in self.files for _, n, _ in f.ignored),
            "refused": sum(1 for f in self.files if f.refused)
            + sum(1 for p in outcomes if p.action == "refuse"),
        }

    def rows(self) -> list[dict]:
        """One line per patient (and per refused file), for the preview table."""
        out = []
        for f in self.files:
            if f.refused:
                out.append(
                    {
                        "File": f.name,
                        "Patient": "",
                        "Will be": "REFUSED",
                        "Brings": "",
                        "Notes": f.refused,
                    }
                )
            for p in f.patients:
                what = {"create": "added", "match": "matched", "refuse": "NOT imported"}
                out.append(
                    {
                        "File": f.name,
                        "Patient": p.plan.label,
                        "Will be": what[p.action]
                        + (f" to {p.existing_label}" if p.existing_label else ""),
                        "Brings": brings(p.plan),
                        "Notes": "; ".join(x for x in (p.reason, *p.plan.notes) if x),
                    }
                )
        return out


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def brings(plan: PatientPlan) -> str:
    """ "1 family member, 1 coverage, 4 conditions, allergies or medications" """
    parts = [
        _count(len(plan.family), "family member", "family members"),
        _count(len(plan.coverage), "coverage", "coverages"),
    ]
    if plan.outside:
        parts.append(
            _count(
                len(plan.outside),
                "condition, allergy or medication",
                "conditions, allergies and medications",
            )
        )
    return ", ".join(parts)


def _label(p: Patient) -> str:
    return f"MRN {p.mrn}, born {p.birth_date.isoformat()}"


def _match(s: Session, plan: PatientPlan) -> PatientOutcome:
    d = plan.data
    if plan.problem:
        return PatientOutcome(plan, "refuse", reason=plan.problem)
    if d.mrn:
        same = s.scalar(select(Patient).where(Patient.mrn == d.mrn))
        if same is not None:
            if same.birth_date != d.birth_date or fold(same.family_name) != fold(d.family_name):
                return PatientOutcome(
                    plan,
                    "refuse",
                    reason=f"MRN {d.mrn} already belongs to another patient in CareDesk "
                    f"({same.family_name}, born {same.birth_date.isoformat()})",
                )
            return PatientOutcome(plan, "match", same.id, _label(same), "same MRN")
    found = registry.find_duplicates(s, d.given_name, d.family_name, d.birth_date)
    if found:
        first = sorted(found, key=lambda p: p.id)[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return PatientOutcome(
            plan, "match", first.id, _label(first), f"same name and date of birth{more}"
        )
    return PatientOutcome(plan, "create")


def _key(plan: PatientPlan) -> tuple:
    d = plan.data
    return (fold(d.given_name), fold(d.family_name), d.birth_date)


def preview_import(s: Session, actor: Actor, files: list[tuple[str, bytes]]) -> ImportPreview:
    """What importing the files would do; nothing is saved."""
    require(actor, "referrals.edit")
    if not files:
        raise InvalidInput({"file": "Choose a FHIR file to import."})
    readings: list[FileReading] = [read_file(name, content) for name, content in files]
    seen: dict[tuple, str] = {}  # a patient already met in these files -> where
    out = []
    for reading in readings:
        outcomes = []
        for plan in reading.patients:
            outcome = _match(s, plan)
            key = _key(plan)
            if outcome.action == "create" and key in seen:
                outcome = PatientOutcome(
                    plan, "refuse", reason=f"the same patient is already in {seen[key]}"
                )
            elif outcome.action == "create" and plan.data.mrn in {
                o.plan.data.mrn for o in outcomes if o.plan.data.mrn
            }:
                outcome = PatientOutcome(plan, "refuse", reason="two patients with one MRN")
            if outcome.action != "refuse":
                seen.setdefault(key, reading.name)
            outcomes.append(outcome)
        out.append(FilePreview(reading.name, reading.refused, outcomes, list(reading.ignored)))
    return ImportPreview(out)


@dataclass(frozen=True)
class ImportResult:
    created: int
    matched: int
    family_added: int
    coverage_added: int
    outside_added: int  # conditions, allergies and medications kept read-only
    ignored: int
    refused: int
    patient_ids: list[int]


def _filled(existing: Patient, incoming: PatientInput) -> PatientInput:
    """The existing record with its blank details taken from the file."""
    current = PatientInput.from_patient(existing)
    values = asdict(current)
    for k, v in asdict(incoming).items():
        if k in ("mrn", "primary_case_manager_id"):
            continue
        if values.get(k) in ("", None, False) and v not in ("", None, False):
            values[k] = v
    return replace(current, **values)


def _payer(s: Session, actor: Actor, name: str, phone: str | None, region: str) -> int:
    """The insurer in the directory by name, added when the directory does not have it."""
    found = s.scalar(
        select(Organization.id)
        .where(
            Organization.name_key == fold(name)[:200],
            Organization.org_type == OrgType.INSURER,
            Organization.status == RecordStatus.ACTIVE,
        )
        .order_by(Organization.id)
        .limit(1)
    )
    if found:
        return found
    org = directory.create_organization(
        s,
        actor,
        OrgInput(name=name, org_type=OrgType.INSURER.value, phone=phone or ""),
        region=region,
    )
    return org.id


def _add_family(s: Session, actor: Actor, pid: int, plan: PatientPlan, region: str) -> int:
    have = {
        fold(n)
        for n in s.scalars(select(RelatedPerson.name).where(RelatedPerson.patient_id == pid))
    }
    added = 0
    for person in plan.family:
        if fold(person.data.name) in have:
            continue
        row = family.add_related_person(s, actor, pid, person.data, region=region)
        if not person.active:
            family.archive_related_person(s, actor, row.id, "inactive in the imported file")
        have.add(fold(person.data.name))
        added += 1
    return added


def _add_coverage(s: Session, actor: Actor, pid: int, plan: PatientPlan, region: str) -> int:
    have = {
        (fold(name), member)
        for name, member in s.execute(
            select(Organization.name, Coverage.member_id)
            .join(Organization, Coverage.payer_id == Organization.id)
            .where(Coverage.patient_id == pid)
        )
    }
    added = 0
    for c in plan.coverage:
        if (fold(c.payer_name), c.member_id) in have:
            continue
        data = CoverageInput(
            payer_id=_payer(s, actor, c.payer_name, c.payer_phone, region),
            plan_name=c.plan_name,
            member_id=c.member_id,
            group_number=c.group_number,
            start_on=c.start_on,
            end_on=c.end_on,
            order=c.order,
        )
        for order in (c.order, *[o for o in (1, 2, 3) if o != c.order]):
            try:
                coverage.add_coverage(s, actor, pid, replace(data, order=order))
                break
            except InvalidInput as exc:
                if set(exc.errors) != {"order"}:
                    raise
        else:
            continue  # the patient already has primary, secondary and tertiary coverage
        have.add((fold(c.payer_name), c.member_id))
        added += 1
    return added


def apply_import(
    s: Session,
    actor: Actor,
    files: list[tuple[str, bytes]],
    *,
    duplicates: str = "merge",
    region: str,
) -> ImportResult:
    """Import what the preview says, in the caller's transaction (all or nothing)."""
    if duplicates not in ("merge", "skip"):
        raise InvalidInput({"duplicates": "Choose merge or skip."})
    preview = preview_import(s, actor, files)
    created = matched = family_added = coverage_added = outside_added = 0
    ids = []
    for f in preview.files:
        for p in f.patients:
            if p.action == "refuse":
                continue
            try:
                if p.action == "create":
                    row = registry.register_patient(
                        s, actor, p.plan.data, region=region, confirmed_not_duplicate=True
                    )
                    if not p.plan.active:
                        registry.archive_patient(s, actor, row.id, "inactive in the imported file")
                    created += 1
                else:
                    matched += 1
                    row = s.get(Patient, p.existing_id)
                    if duplicates == "skip":
                        ids.append(row.id)
                        continue
                    row = registry.update_patient(
                        s, actor, row.id, _filled(row, p.plan.data), row.version, region=region
                    )
                family_added += _add_family(s, actor, row.id, p.plan, region)
                coverage_added += _add_coverage(s, actor, row.id, p.plan, region)
                if p.plan.outside:
                    outside_added += outside.replace_items(
                        s, actor, row.id, [asdict(i) for i in p.plan.outside], f.name
                    )
            except InvalidInput as exc:
                problem = "; ".join(exc.errors.values())
                raise ImportFailed(
                    f"{p.plan.label} could not be imported ({problem}); nothing was imported."
                ) from None
            ids.append(row.id)
    counts = preview.counts()
    result = ImportResult(
        created,
        matched,
        family_added,
        coverage_added,
        outside_added,
        counts["ignored"],
        counts["refused"],
        ids,
    )
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="fhir_import",
        category="fhir",
        detail={k: v for k, v in asdict(result).items() if k != "patient_ids"}
        | {"files": len(files), "duplicates": duplicates},
    )
    return result
