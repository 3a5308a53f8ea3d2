"""The guided intake: a draft saved after every step, scored instruments, a risk tier and
suggestions the case manager accepts, edits or dismisses.

A patient has at most one draft intake; anyone on the care team (clinical.edit) resumes it.
Each save names the version the form was rendered with and is refused when someone saved
since (DESIGN.md §3.5). Urgent flags (PHQ-9 item 9 above 0) raise an alert on the intake
and the patient's record and a same-day STAT task for the signed-in case manager as soon as
the screening step is saved, not only when the intake is completed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import config
from db.base import today, utcnow
from db.models import (
    AssessmentResponse,
    Intake,
    IntakeStatus,
    IntakeSuggestion,
    Patient,
    SuggestionStatus,
    Task,
    TaskPriority,
)
from services.contacts import family
from services.contacts.family import RELATIONSHIPS
from services.core import audit
from services.core.audit import Action
from services.core.clock import utc_to_local
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.sections import SummarySection, WorklistSection
from services.core.text import fold
from services.intake import instrument_store
from services.intake import instruments as assessments
from services.intake.instruments import Definition, Score, Suggestion
from services.intake.risk import RiskTier, risk_tier
from services.patients import registry as patients
from services.tasks import tasks

STEPS: list[tuple[str, str]] = [
    ("identity", "Identity and contact"),
    ("living", "Living situation"),
    ("insurance", "Insurance"),
    ("supports", "Supports"),
    ("matters", "What matters"),
    ("screening", "Screening"),
    ("services", "Services needed"),
    ("summary", "Summary"),
]
STEP_KEYS = [k for k, _ in STEPS]
SETTINGS = ["home", "assisted living", "skilled nursing", "homeless", "other"]
TRANSPORT = ["has own transport", "family or friends drive", "public transport", "needs transport"]
INVOLVEMENT = ["daily", "weekly", "occasionally", "not involved"]
SERVICES = [
    "home health nurse",
    "personal care aide",
    "transportation",
    "durable medical equipment",
    "meals",
    "behavioral health",
    "social work",
    "long-term-care placement",
    "other",
]
LITERACY_OPTIONS = ["Extremely", "Quite a bit", "Somewhat", "A little bit", "Not at all"]
DEFAULT_INSTRUMENTS = ["phq9", "gad7", "ahc_hrsn", "lace"]
ALERT_SOURCE = "intake"
TEXT_LIMIT = 2000


# ---------------------------------------------------------------- reading


def get_intake(s: Session, actor: Actor, intake_id: int) -> Intake:
    require(actor, "clinical.read")
    intake = s.get(Intake, intake_id)
    if intake is None:
        raise NotFound("No such intake.")
    return intake


def open_draft(s: Session, patient_id: int) -> Intake | None:
    return s.scalar(
        select(Intake)
        .where(Intake.patient_id == patient_id, Intake.status == IntakeStatus.DRAFT)
        .order_by(Intake.id.desc())
        .limit(1)
    )


def draft_rows(s: Session, actor: Actor, limit: int = 50) -> list[dict]:
    """Unfinished intakes across the clinic, most recently touched first."""
    require(actor, "clinical.read")
    rows = s.scalars(
        select(Intake)
        .where(Intake.status == IntakeStatus.DRAFT)
        .order_by(Intake.updated_at.desc())
        .limit(limit)
    ).all()
    return [
        {
            "Patient": i.patient.display_name,
            "MRN": i.patient.mrn,
            "Step": f"{i.current_step} of {len(STEPS)}: {STEPS[i.current_step - 1][1]}",
            "Last saved": f"{utc_to_local(i.updated_at, config.load().timezone):%Y-%m-%d %H:%M}",
            "By": i.updated_by.display_name if i.updated_by else "",
            "patient_id": i.patient_id,
            "updated_by_id": i.updated_by_id,
        }
        for i in rows
    ]


# ---------------------------------------------------------------- starting and saving steps


def start_intake(s: Session, actor: Actor, patient_id: int) -> Intake:
    """Resume the patient's draft, or start a new one."""
    require(actor, "clinical.edit")
    patient = s.get(Patient, patient_id)
    if patient is None:
        raise NotFound("No such patient.")
    existing = open_draft(s, patient_id)
    if existing is not None:
        return existing
    intake = Intake(
        patient_id=patient_id,
        status=IntakeStatus.DRAFT,
        current_step=1,
        data={"screening": {"instruments": list(DEFAULT_INSTRUMENTS), "answers": {}}},
        started_by_id=actor.id,
        updated_by_id=actor.id,
    )
    s.add(intake)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="intake",
        entity_id=intake.id,
        patient_id=patient_id,
        category="assessment",
    )
    return intake


def _editable(
    s: Session, actor: Actor, intake_id: int, expected_version: int, mine: dict | None = None
) -> Intake:
    require(actor, "clinical.edit")
    intake = get_intake(s, actor, intake_id)
    if intake.status != IntakeStatus.DRAFT:
        raise InvalidInput({"intake": "This intake is already completed; start a new one."})
    if intake.version != expected_version:
        who = intake.updated_by.display_name if intake.updated_by else "someone else"
        raise Conflict(
            f"{who} saved this intake while you were working on it "
            f"(at {intake.updated_at:%H:%M} UTC). Nothing of yours was saved: compare below, "
            "then reopen the step.",
            theirs={"step": intake.current_step, **intake.data},
            mine=mine or {},
        )
    return intake


def _text(values: dict, key: str, errors: dict, *, required: str | None = None) -> str:
    value = values.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[key] = required
    if len(value) > TEXT_LIMIT:
        errors[key] = f"Keep this under {TEXT_LIMIT} characters."
    return value


def _choice(values: dict, key: str, allowed: list[str], errors: dict, message: str) -> str:
    value = values.get(key) or ""
    if value not in allowed:
        errors[key] = message
    return value


def _clean_living(v: dict) -> dict:
    errors: dict[str, str] = {}
    out = {
        "setting": _choice(v, "setting", SETTINGS, errors, "Choose where the patient lives."),
        "setting_other": _text(v, "setting_other", errors),
        "lives_alone": bool(v.get("lives_alone")),
        "stairs": bool(v.get("stairs")),
        "household": _text(v, "household", errors),
        "transport": _choice(v, "transport", TRANSPORT, errors, "Choose how the patient travels."),
    }
    if out["setting"] == "other" and not out["setting_other"]:
        errors["setting_other"] = "Say what the other living situation is."
    distance = v.get("distance_miles")
    if distance is not None and not (0 <= float(distance) <= 500):
        errors["distance_miles"] = "Give a distance from 0 to 500 miles."
    out["distance_miles"] = None if distance is None else round(float(distance), 1)
    if errors:
        raise InvalidInput(errors)
    return out


def _clean_insurance(v: dict) -> dict:
    errors: dict[str, str] = {}
    uninsured = bool(v.get("uninsured"))
    out = {
        "uninsured": uninsured,
        "payer": _text(v, "payer", errors, required=None if uninsured else "Enter the payer."),
        "member_id": _text(
            v, "member_id", errors, required=None if uninsured else "Enter the member ID."
        ),
        "group": _text(v, "group", errors),
    }
    if errors:
        raise InvalidInput(errors)
    return out


def _clean_supports(v: dict) -> dict:
    errors: dict[str, str] = {}
    out = {
        "caregiver_name": _text(v, "caregiver_name", errors),
        "caregiver_relationship": _text(v, "caregiver_relationship", errors),
        "caregiver_phone": _text(v, "caregiver_phone", errors),
        "involvement": v.get("involvement") or "",
        "other_supports": _text(v, "other_supports", errors),
    }
    if len(out["caregiver_name"]) > 200:  # the family list's limit
        errors["caregiver_name"] = "Keep the name under 200 characters."
    if out["caregiver_name"]:
        _choice(v, "involvement", INVOLVEMENT, errors, "Say how involved the caregiver is.")
        # The family list's relationships, so the caregiver can go to Contacts as they are.
        if out["caregiver_relationship"] not in RELATIONSHIPS:
            errors["caregiver_relationship"] = "Choose how the caregiver is related to the patient."
    if out["caregiver_phone"]:
        try:
            from services.core.contact_data import normalize_phone

            out["caregiver_phone"] = normalize_phone(out["caregiver_phone"], "US")
        except ValueError as exc:
            errors["caregiver_phone"] = str(exc)
    if errors:
        raise InvalidInput(errors)
    return out


def _clean_matters(v: dict) -> dict:
    errors: dict[str, str] = {}
    out = {
        "what_matters": _text(
            v,
            "what_matters",
            errors,
            required="Write down what matters most to the patient, in their own words.",
        ),
        "preferences": _text(v, "preferences", errors),
        "cultural_needs": _text(v, "cultural_needs", errors),
        "language": _text(v, "language", errors) or "English",
        "interpreter": bool(v.get("interpreter")),
        "literacy": v.get("literacy"),
    }
    if out["literacy"] is not None and out["literacy"] not in range(len(LITERACY_OPTIONS)):
        errors["literacy"] = "Choose one answer."
    if errors:
        raise InvalidInput(errors)
    return out


def _clean_services(v: dict) -> dict:
    errors: dict[str, str] = {}
    needed = list(v.get("needed") or [])
    unknown = [x for x in needed if x not in SERVICES]
    if unknown:
        errors["needed"] = f"Unknown service: {', '.join(unknown)}."
    out = {"needed": needed, "other": _text(v, "other", errors)}
    if "other" in needed and not out["other"]:
        errors["other"] = "Say which other service is needed."
    if errors:
        raise InvalidInput(errors)
    return out


def _fit(answers: list | None, definition: Definition) -> list:
    """Stored answers sized to the definition (a definition may change mid-draft)."""
    answers = list(answers or [])
    n = len(definition.items)
    return (answers + [None] * n)[:n]


def _clean_screening(v: dict, defs: dict[str, Definition]) -> dict:
    errors: dict[str, str] = {}
    chosen = [c for c in v.get("instruments") or [] if c != "literacy"]
    unknown = [c for c in chosen if c not in defs]
    if unknown:
        errors["instruments"] = f"Unknown instrument: {', '.join(unknown)}."
        raise InvalidInput(errors)
    answers = {}
    for code, raw in (v.get("answers") or {}).items():
        if code not in chosen:
            continue
        fitted = _fit(raw, defs[code])
        for item, value in zip(defs[code].items, fitted, strict=True):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not item.accepts(value):
                errors[code] = f"{defs[code].title}: {item.text}: expected {item.allowed()}."
                break
        answers[code] = fitted
    if errors:
        raise InvalidInput(errors)
    return {"instruments": chosen, "answers": answers}


CLEANERS = {
    "living": _clean_living,
    "insurance": _clean_insurance,
    "supports": _clean_supports,
    "matters": _clean_matters,
    "services": _clean_services,
}


def save_step(
    s: Session,
    actor: Actor,
    intake_id: int,
    step: str,
    values: dict,
    expected_version: int,
    *,
    go_to: int | None = None,
) -> Intake:
    """Validate and save one step into the draft; nothing is saved when any field is wrong."""
    intake = _editable(s, actor, intake_id, expected_version, mine={step: values})
    if step == "screening":
        defs = {c: a.definition for c, a in instrument_store.active_instruments(s).items()}
        clean = _clean_screening(values, defs)
    elif step in CLEANERS:
        clean = CLEANERS[step](values)
    elif step == "identity":
        clean = {"confirmed": True, **{k: v for k, v in values.items() if k == "confirmed_at"}}
    else:
        raise InvalidInput({"step": f"Unknown step {step!r}."})
    before = intake.data.get(step, {})
    intake.data = {**intake.data, step: clean}  # a new dict so the JSON column is written
    intake.current_step = go_to or min(STEP_KEYS.index(step) + 2, len(STEPS))
    intake.updated_by_id = actor.id
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="intake",
        entity_id=intake.id,
        patient_id=intake.patient_id,
        category="assessment",
        detail={"step": step, "changed": sorted(audit.changes(_flat(before), _flat(clean)))},
    )
    raise_urgent_alerts(s, actor, intake)
    return intake


def _flat(d: dict) -> dict:
    return {k: json.dumps(v, sort_keys=True, default=str) for k, v in (d or {}).items()}


def go_to_step(
    s: Session, actor: Actor, intake_id: int, step: int, expected_version: int
) -> Intake:
    """Move the draft's bookmark (the step a resumed intake opens on)."""
    intake = _editable(s, actor, intake_id, expected_version)
    intake.current_step = max(1, min(step, len(STEPS)))
    intake.updated_by_id = actor.id
    s.flush()
    return intake


def save_identity(
    s: Session,
    actor: Actor,
    intake_id: int,
    corrections: dict,
    patient_version: int,
    expected_version: int,
) -> Intake:
    """Step 1: confirm the patient's details; corrections go back to the patient record."""
    intake = _editable(s, actor, intake_id, expected_version)
    patient = intake.patient
    data = patients.PatientInput.from_patient(patient)
    changed = {k: v for k, v in corrections.items() if getattr(data, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(data, key, value)
        patients.update_patient(s, actor, patient.id, data, patient_version)
    return save_step(s, actor, intake_id, "identity", {}, intake.version)


def discard_draft(s: Session, actor: Actor, intake_id: int, reason: str, expected_version: int):
    intake = _editable(s, actor, intake_id, expected_version)
    if not (reason or "").strip():
        raise InvalidInput({"reason": "Say why this draft is discarded."})
    intake.status = IntakeStatus.ARCHIVED
    intake.status_reason = reason.strip()
    intake.updated_by_id = actor.id
    s.flush()
    audit.record(
        s,
        actor,
        Action.ARCHIVE,
        entity="intake",
        entity_id=intake.id,
        patient_id=intake.patient_id,
        category="assessment",
        detail={"reason": reason.strip()},
    )
    return intake


# ---------------------------------------------------------------- urgent alerts


def raise_urgent_alerts(s: Session, actor: Actor, intake: Intake) -> list[Task]:
    """A same-day STAT task for each urgent flag, once per intake; marks suicide risk."""
    defs = {c: a.definition for c, a in instrument_store.active_instruments(s).items()}
    created = []
    for code, answers in _answers(intake, defs).items():
        definition = defs[code]
        for flag in assessments.early_urgent_flags(definition, answers):
            label = definition.flag_labels[flag]
            if flag == "suicide_risk":
                intake.suicide_alert = True
            title = f"Same-day: {label}"[:200]
            exists = s.scalar(
                select(Task.id).where(
                    Task.source_kind == ALERT_SOURCE,
                    Task.source_id == intake.id,
                    Task.title == title,
                )
            )
            if exists or actor.id is None:
                continue
            created.append(
                tasks.create_task(
                    s,
                    actor,
                    title=title,
                    description=f"Raised by the {definition.title} answered during intake.",
                    due_on=today(),
                    patient_id=intake.patient_id,
                    owner_user_id=actor.id,
                    priority=TaskPriority.STAT,
                    source_kind=ALERT_SOURCE,
                    source_id=intake.id,
                    permission="clinical.edit",
                )
            )
    s.flush()
    return created


# ---------------------------------------------------------------- summary


@dataclass
class IntakeSummary:
    results: dict[str, Score]
    titles: dict[str, str]
    incomplete: dict[str, list[str]]  # code -> texts of unanswered items
    tier: RiskTier
    suggestions: list[Suggestion]
    alerts: list[str] = field(default_factory=list)


def _answers(intake: Intake, defs: dict[str, Definition]) -> dict[str, list]:
    data = intake.data or {}
    screening = data.get("screening") or {}
    found = {
        code: _fit(screening.get("answers", {}).get(code), defs[code])
        for code in screening.get("instruments", [])
        if code in defs
    }
    literacy = (data.get("matters") or {}).get("literacy")
    if literacy is not None and "literacy" in defs:
        found["literacy"] = [literacy]
    return found


def _step_suggestions(data: dict) -> list[Suggestion]:
    """Suggestions from the conversation itself (not from an instrument)."""
    found = []

    def add(kind: str, text: str, step: str, finding: str) -> None:
        found.append(Suggestion(kind, text, f"intake:{step}", finding))

    living = data.get("living") or {}
    if living.get("transport") == "needs transport":
        add("referral", "Arrange transport to appointments.", "living", "Needs transport")
    if living.get("lives_alone") and living.get("stairs"):
        add("task", "Home safety check (lives alone with stairs).", "living", "Lives alone, stairs")
    insurance = data.get("insurance") or {}
    if insurance.get("uninsured"):
        add("referral", "Help applying for health coverage.", "insurance", "No insurance")
    supports = data.get("supports") or {}
    if not supports.get("caregiver_name") and not supports.get("other_supports"):
        add("need", "No family or caregiver support identified.", "supports", "No supports")
    matters = data.get("matters") or {}
    if matters.get("what_matters"):
        add("goal", matters["what_matters"], "matters", "What matters most (patient's own words)")
    if matters.get("interpreter"):
        lang = matters.get("language") or "the patient's language"
        add("task", f"Book an interpreter ({lang}) for every visit.", "matters", "Interpreter")
    for service in (data.get("services") or {}).get("needed", []):
        name = (data["services"].get("other") or "other service") if service == "other" else service
        add("referral", f"Referral: {name}.", "services", "Service needed")
    return found


def summarize(s: Session, actor: Actor, intake: Intake) -> IntakeSummary:
    require(actor, "clinical.read")
    active = instrument_store.active_instruments(s)
    defs = {c: a.definition for c, a in active.items()}
    results: dict[str, Score] = {}
    incomplete: dict[str, list[str]] = {}
    suggestions: list[Suggestion] = []
    alerts: list[str] = []
    for code, answers in _answers(intake, defs).items():
        definition = defs[code]
        missing = [i.text for i, v in zip(definition.items, answers, strict=True) if v is None]
        for flag in assessments.early_urgent_flags(definition, answers):
            alerts.append(definition.flag_labels[flag])
        if missing:
            incomplete[code] = missing
            continue
        results[code] = assessments.evaluate(definition, answers)
        suggestions.extend(assessments.suggestions_for(definition, answers))
    suggestions.extend(_step_suggestions(intake.data or {}))
    unique = list({sug.key: sug for sug in suggestions}.values())
    rules = instrument_store.active_risk_rules(s)
    tier = risk_tier(results, rules)
    if alerts and tier.tier != "urgent":
        tier = RiskTier("urgent", tuple(alerts) + tier.reasons)
    return IntakeSummary(
        results=results,
        titles={c: defs[c].title for c in _answers(intake, defs)},
        incomplete=incomplete,
        tier=tier,
        suggestions=unique,
        alerts=list(dict.fromkeys(alerts)),
    )


def complete_intake(
    s: Session,
    actor: Actor,
    intake_id: int,
    decisions: dict[str, dict],
    expected_version: int,
) -> Intake:
    """Score, store responses and the nurse's decisions, and close the intake.

    `decisions` maps a suggestion key to {"accepted": bool, "text": str}; suggestions not
    named are accepted as suggested. Refused (nothing saved) while any chosen instrument
    has unanswered items.
    """
    intake = _editable(s, actor, intake_id, expected_version)
    summary = summarize(s, actor, intake)
    if summary.incomplete:
        raise InvalidInput(
            {
                code: f"{summary.titles[code]}: {len(missing)} item(s) not answered, "
                f"first: {missing[0]}"
                for code, missing in summary.incomplete.items()
            }
        )
    active = instrument_store.active_instruments(s)
    answers = _answers(intake, {c: a.definition for c, a in active.items()})
    now = utcnow()
    errors = {}
    chosen = []
    for sug in summary.suggestions:
        decision = decisions.get(sug.key, {})
        accepted = bool(decision.get("accepted", True))
        text = str(decision.get("text") or "").strip() or (sug.text if accepted else "")
        if accepted and len(text) > TEXT_LIMIT:
            errors[sug.key] = f"Keep this under {TEXT_LIMIT} characters."
        chosen.append((sug, accepted, text or sug.text))
    if errors:
        raise InvalidInput(errors)
    for code, result in summary.results.items():
        s.add(
            AssessmentResponse(
                intake_id=intake.id,
                patient_id=intake.patient_id,
                instrument_code=code,
                instrument_title=active[code].definition.title,
                instrument_version=active[code].definition.version,
                definition_revision=active[code].revision,
                answers=answers[code],
                total=result.total,
                band=result.band,
                positive=result.positive,
                flags=list(result.flags),
                assessed_at=now,
                assessed_by_id=actor.id,
            )
        )
    for sug, accepted, text in chosen:
        s.add(
            IntakeSuggestion(
                intake_id=intake.id,
                patient_id=intake.patient_id,
                kind=sug.kind,
                text=text,
                suggested_text=sug.text,
                source_instrument=sug.source_instrument,
                source_finding=sug.source_finding[:300],
                status=SuggestionStatus.ACCEPTED if accepted else SuggestionStatus.DISMISSED,
                decided_by_id=actor.id,
                decided_at=now,
            )
        )
    intake.status = IntakeStatus.COMPLETED
    intake.completed_at = now
    intake.completed_by_id = actor.id
    intake.updated_by_id = actor.id
    intake.current_step = len(STEPS)
    intake.risk_tier = summary.tier.tier
    intake.risk_reasons = "; ".join(summary.tier.reasons)
    s.flush()
    raise_urgent_alerts(s, actor, intake)
    caregiver_to_family(s, actor, intake)
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="intake",
        entity_id=intake.id,
        patient_id=intake.patient_id,
        category="assessment",
        detail={
            "status": "completed",
            "risk_tier": summary.tier.tier,
            "instruments": {c: [r.total, r.band] for c, r in summary.results.items()},
            "accepted": sum(1 for d in decisions.values() if d.get("accepted", True)),
        },
    )
    return intake


def _relationship(text: str | None) -> str:
    """The family-list relationship for what the supports step holds (drafts saved before
    the step used the list hold free text: "Daughter" still finds "daughter")."""
    wanted = fold(text or "")
    return next((r for r in RELATIONSHIPS if fold(r) == wanted), "other")


def caregiver_outcome(
    s: Session, actor: Actor, intake: Intake
) -> tuple[str | None, family.RelatedPersonInput | None]:
    """What completing the intake does with the caregiver it names, in words for the summary,
    and the family-list entry to add (None when there is nothing to add)."""
    supports = (intake.data or {}).get("supports") or {}
    name = (supports.get("caregiver_name") or "").strip()
    if not name:
        return None, None
    people = family.family_of(s, actor, intake.patient_id)
    if any(fold(p.name) == fold(name) for p in people):
        return f"{name} is already in the family list in Contacts.", None
    primary = next((p.name for p in people if p.primary_caregiver), None)
    entry = family.RelatedPersonInput(
        name=name,
        relationship=_relationship(supports.get("caregiver_relationship")),
        phone=supports.get("caregiver_phone") or "",
        primary_caregiver=primary is None,
    )
    if primary is None:
        return f"{name} joins the family list in Contacts as primary caregiver.", entry
    return f"{name} joins the family list in Contacts ({primary} stays primary caregiver).", entry


def caregiver_to_family(s: Session, actor: Actor, intake: Intake) -> None:
    """The caregiver named at intake joins the patient's family in Contacts: no double
    entry, and never a second primary caregiver."""
    _, entry = caregiver_outcome(s, actor, intake)
    if entry is not None:
        family.add_related_person(s, actor, intake.patient_id, entry, region=config.load().region)


# ---------------------------------------------------------------- hand-off to the care plan


def accepted_suggestions(
    s: Session,
    actor: Actor,
    *,
    patient_id: int | None = None,
    intake_id: int | None = None,
    not_handed_off: bool = True,
) -> list[IntakeSuggestion]:
    """What the care-plan builder picks up: accepted suggestions with kind, text and source."""
    require(actor, "clinical.read")
    stmt = select(IntakeSuggestion).where(IntakeSuggestion.status == SuggestionStatus.ACCEPTED)
    if patient_id is not None:
        stmt = stmt.where(IntakeSuggestion.patient_id == patient_id)
    if intake_id is not None:
        stmt = stmt.where(IntakeSuggestion.intake_id == intake_id)
    if not_handed_off:
        stmt = stmt.where(IntakeSuggestion.handed_off_at.is_(None))
    return list(s.scalars(stmt.order_by(IntakeSuggestion.id)))


def mark_handed_off(s: Session, actor: Actor, suggestion_ids: list[int], care_plan_id: int) -> int:
    """Called by the care-plan builder once it has taken the suggestions into a plan."""
    require(actor, "clinical.edit")
    rows = s.scalars(select(IntakeSuggestion).where(IntakeSuggestion.id.in_(suggestion_ids))).all()
    now = utcnow()
    for row in rows:
        row.care_plan_id = care_plan_id
        row.handed_off_at = now
    s.flush()
    return len(rows)


# ---------------------------------------------------------------- history and trends


def patient_intakes(s: Session, actor: Actor, patient_id: int) -> list[dict]:
    require(actor, "clinical.read")
    rows = s.scalars(
        select(Intake).where(Intake.patient_id == patient_id).order_by(Intake.created_at.desc())
    ).all()
    return [
        {
            "Started": f"{i.created_at:%Y-%m-%d %H:%M} UTC",
            "Status": str(i.status),
            "Risk tier": i.risk_tier or "",
            "Completed": f"{i.completed_at:%Y-%m-%d %H:%M} UTC" if i.completed_at else "",
            "By": i.started_by.display_name if i.started_by else "",
            "id": i.id,
        }
        for i in rows
    ]


def history(s: Session, actor: Actor, patient_id: int) -> list[AssessmentResponse]:
    """Every scored instrument for the patient, oldest first."""
    require(actor, "clinical.read")
    return list(
        s.scalars(
            select(AssessmentResponse)
            .where(AssessmentResponse.patient_id == patient_id)
            .order_by(AssessmentResponse.assessed_at, AssessmentResponse.id)
        )
    )


def history_rows(responses: list[AssessmentResponse]) -> list[dict]:
    return [
        {
            "Date": r.assessed_at.date(),
            "Instrument": r.instrument_title,
            "Score": r.total,
            "Result": r.band,
            "Positive": "yes" if r.positive else "no",
            "Flags": ", ".join(r.flags or []),
        }
        for r in reversed(responses)
    ]


def trends(responses: list[AssessmentResponse]) -> dict[str, list[dict]]:
    """Per instrument title, the scores over time (data for a line chart)."""
    found: dict[str, list[dict]] = {}
    for r in responses:
        found.setdefault(r.instrument_title, []).append(
            {"Date": r.assessed_at, "Score": r.total, "Result": r.band}
        )
    return found


def latest_results(s: Session, patient_id: int) -> dict[str, AssessmentResponse]:
    rows = s.scalars(
        select(AssessmentResponse)
        .where(AssessmentResponse.patient_id == patient_id)
        .order_by(AssessmentResponse.assessed_at, AssessmentResponse.id)
    ).all()
    return {r.instrument_code: r for r in rows}


def suicide_risk_alert(s: Session, patient_id: int) -> str | None:
    """The alert for the patient's record: the newest PHQ-9 (or a draft's item 9) says so."""
    latest = latest_results(s, patient_id).get("phq9")
    draft = open_draft(s, patient_id)
    if draft is not None and draft.suicide_alert:
        return (
            "SUICIDE RISK: PHQ-9 item 9 answered above 0 in the intake in progress "
            f"({draft.updated_at:%d %b %Y}). Assess safety today."
        )
    if latest is not None and "suicide_risk" in (latest.flags or []):
        recent = latest.assessed_at > utcnow() - timedelta(days=365)
        if recent:
            return (
                f"SUICIDE RISK: PHQ-9 item 9 answered above 0 on {latest.assessed_at:%d %b %Y}. "
                "Check the safety plan is in place."
            )
    return None


# ---------------------------------------------------------------- patient record and My day


def intake_summary_section(s: Session, actor: Actor, patient: Patient):
    if not actor.can("clinical.read"):
        return None
    latest = latest_results(s, patient.id)
    rows = [
        {
            "Instrument": r.instrument_title,
            "Date": r.assessed_at.date(),
            "Score": r.total,
            "Result": r.band,
            "Flags": ", ".join(r.flags or []),
        }
        for r in sorted(latest.values(), key=lambda r: r.instrument_title)
    ]
    last = s.scalar(
        select(Intake)
        .where(Intake.patient_id == patient.id, Intake.status == IntakeStatus.COMPLETED)
        .order_by(Intake.completed_at.desc())
        .limit(1)
    )
    title = "Assessments"
    if last is not None:
        title += f" · risk tier {last.risk_tier} ({last.completed_at:%d %b %Y})"
    return SummarySection(
        title,
        rows,
        empty_text="No assessments yet. Start an intake from the Intake page.",
        alert=suicide_risk_alert(s, patient.id),
        order=15,
    )


def my_drafts_section(s: Session, actor: Actor, on):
    if not actor.can("clinical.edit"):
        return None
    rows = [r for r in draft_rows(s, actor) if r["updated_by_id"] == actor.id]
    return WorklistSection(
        "Intakes to finish",
        [{k: v for k, v in r.items() if k not in ("patient_id", "updated_by_id")} for r in rows],
        empty_text="No unfinished intakes.",
        order=30,
    )
