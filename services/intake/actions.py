"""The intake room's user actions, each in its own transaction (docs/architecture.md).

The Intake page: find the patient's draft and everything the page shows (`open_intake`),
start, save each step, complete or discard the draft. The Admin page's instrument and
risk-tier section: list, check, save a revision, go back to the shipped version.
All hand back plain values or the small frozen dataclasses below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db import config
from db.models import OrgType
from db.session import read_scope, session_scope
from services.contacts import directory_search
from services.core.clock import utc_to_local
from services.core.identity import Actor, require, user_action
from services.intake import draft as drafts
from services.intake import handoffs, history, instrument_store, instruments, intake, risk
from services.intake.instrument_store import ActiveDefinition
from services.intake.steps import PATIENT_FIELDS
from services.intake.summary import IntakeSummary, summarize
from services.patients import registry as patients

# ---------------------------------------------------------------- the Intake page


@dataclass(frozen=True)
class DraftView:
    """The patient's open draft as the page shows and saves it."""

    id: int
    version: int  # what every save names (DESIGN.md §3.5)
    data: dict
    current_step: int
    saved_at: datetime  # local time of the last save
    saved_by: str


@dataclass(frozen=True)
class IntakePage:
    """Everything the Intake page shows for one patient."""

    patient: dict  # PATIENT_FIELDS plus "name"
    draft: DraftView | None
    summary: IntakeSummary | None
    contacts_changes: list[str]  # what completing changes in Contacts (family, insurance)
    insurers: dict[int, str]  # the directory's insurers, for the insurance step
    referral_orgs: dict[str, dict[int, str]]  # a referral proposal's key -> where it can go
    instruments: dict[str, ActiveDefinition]
    intakes: list[dict]
    history: list[dict]
    trends: dict[str, list[dict]]
    alert: str | None
    handoff: list[dict]  # accepted suggestions the care plan has not taken yet


@dataclass(frozen=True)
class StartedIntake:
    id: int
    current_step: int


@user_action("clinical.read")
def intake_drafts(actor: Actor) -> list[dict]:
    """Unfinished intakes across the clinic, for the page's "resume" list."""
    with read_scope() as s:
        return drafts.draft_rows(s, actor)


@user_action("clinical.read")
def open_intake(actor: Actor, patient_id: int) -> IntakePage:
    """The patient, their draft (with its summary so far), history and hand-offs. Reads
    only: the page records its view once per opening (components.shared.viewed)."""
    with read_scope() as s:
        patient = patients.get_patient(s, actor, patient_id, record_view=False)
        shown = {c: getattr(patient, c) for c in PATIENT_FIELDS} | {"name": patient.display_name}
        found = drafts.open_draft(s, patient_id)
        draft = None
        if found is not None:
            draft = DraftView(
                id=found.id,
                version=found.version,
                data=found.data,
                current_step=found.current_step,
                saved_at=utc_to_local(found.updated_at, config.load().timezone),
                saved_by=found.updated_by.display_name if found.updated_by else "",
            )
        past = history.history(s, actor, patient_id)
        accepted = intake.accepted_suggestions(s, actor, patient_id=patient_id)
        summary = summarize(s, actor, found) if found else None
        changes = []
        if found is not None:
            for change in (
                handoffs.caregiver_change(s, actor, found),
                handoffs.coverage_change(s, actor, found),
            ):
                if change is not None:
                    changes.append(change.message)
        return IntakePage(
            patient=shown,
            draft=draft,
            summary=summary,
            contacts_changes=changes,
            insurers=directory_search.organization_choices(s, OrgType.INSURER, limit=500),
            referral_orgs={
                p.key: {
                    o.id: o.name
                    for o in directory_search.organizations_for_service(s, p.service)
                    if o.reachable
                }
                for p in (summary.suggestions if summary else [])
                if p.kind == "referral"
            },
            instruments=instrument_store.active_instruments(s),
            intakes=history.patient_intakes(s, actor, patient_id),
            history=history.history_rows(past),
            trends=history.trends(past),
            alert=history.suicide_risk_alert(s, patient_id),
            handoff=[{"Kind": a.kind, "Text": a.text, "From": a.source_finding} for a in accepted],
        )


@user_action("clinical.edit")
def start_intake(actor: Actor, patient_id: int) -> StartedIntake:
    """Resume the patient's draft, or start a new one."""
    with session_scope() as s:
        started = drafts.start_intake(s, actor, patient_id)
        return StartedIntake(started.id, started.current_step)


@user_action("clinical.edit")
def save_identity_step(
    actor: Actor,
    intake_id: int,
    corrections: dict,
    patient_version: int,
    expected_version: int,
) -> None:
    """Step 1: the patient's details confirmed; corrections go to the patient record."""
    with session_scope() as s:
        drafts.save_identity(s, actor, intake_id, corrections, patient_version, expected_version)


@user_action("clinical.edit")
def save_step(actor: Actor, intake_id: int, step: str, values: dict, expected_version: int) -> None:
    """Any other step saved into the draft (nothing is saved when a field is wrong)."""
    with session_scope() as s:
        drafts.save_step(s, actor, intake_id, step, values, expected_version)


@user_action("clinical.edit")
def complete_intake(
    actor: Actor, intake_id: int, decisions: dict[str, dict], expected_version: int
) -> int:
    """Close the intake with the nurse's decision on each suggestion and update Contacts;
    how many draft referrals now wait in Contacts."""
    with session_scope() as s:
        done = intake.complete_intake(s, actor, intake_id, decisions, expected_version)
        return len(intake.draft_referrals_of(s, done))


@user_action("clinical.edit")
def discard_draft(actor: Actor, intake_id: int, reason: str, expected_version: int) -> None:
    with session_scope() as s:
        drafts.discard_draft(s, actor, intake_id, reason, expected_version)


# ---------------------------------------------------------------- instrument and risk-tier admin


@dataclass(frozen=True)
class InstrumentAdminView:
    instruments: dict[str, ActiveDefinition]
    revisions: list[dict]  # every clinic upload, instruments then risk-tier rules
    texts: dict[str, str]  # code -> the YAML an edit starts from
    rules_text: str
    shipped_codes: frozenset[str]  # the codes a clinic revision can be withdrawn back to


@dataclass(frozen=True)
class SavedRevision:
    code: str
    revision: int


@user_action("admin")
def instrument_admin_view(actor: Actor) -> InstrumentAdminView:
    require(actor, "admin")
    with read_scope() as s:
        active = instrument_store.active_instruments(s)
        return InstrumentAdminView(
            instruments=active,
            revisions=instrument_store.revisions(s, instrument_store.INSTRUMENT)
            + instrument_store.revisions(s, instrument_store.RISK_TIERS),
            texts={
                c: instrument_store.definition_text(s, instrument_store.INSTRUMENT, c)
                for c in active
            },
            rules_text=instrument_store.definition_text(
                s, instrument_store.RISK_TIERS, instrument_store.RISK_CODE
            ),
            shipped_codes=frozenset(instruments.shipped()),
        )


@user_action("admin")
def check_definition(actor: Actor, kind: str, text: str) -> list[str]:
    """ "Check only": what is wrong with an instrument or the risk-tier rules (nothing saved)."""
    require(actor, "admin")
    try:
        data = instruments.parse(text)
    except ValueError as exc:
        return [str(exc)]
    return (
        instruments.problems(data) if kind == instrument_store.INSTRUMENT else risk.problems(data)
    )


@user_action("admin")
def save_instrument(actor: Actor, text: str, note: str = "") -> SavedRevision:
    with session_scope() as s:
        row = instrument_store.save_instrument(s, actor, text, note)
        return SavedRevision(row.code, row.revision)


@user_action("admin")
def save_risk_rules(actor: Actor, text: str, note: str = "") -> SavedRevision:
    with session_scope() as s:
        row = instrument_store.save_risk_rules(s, actor, text, note)
        return SavedRevision(row.code, row.revision)


@user_action("admin")
def use_shipped_version(actor: Actor, kind: str, code: str, reason: str) -> int:
    """Withdraw the clinic's revisions of a code (kept for the record); returns how many."""
    with session_scope() as s:
        return instrument_store.revert_to_shipped(s, actor, kind, code, reason)
