"""What a draft's answers add up to: scores, urgent alerts, the risk tier and the
suggestions the case manager accepts, edits or dismisses on the summary step."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from db.models import Intake
from services.core.identity import Actor, require
from services.intake import instrument_store, scoring
from services.intake.risk import RiskTier, risk_tier
from services.intake.scoring import Score, Suggestion
from services.intake.steps import STEPS, answers_of
from services.intake.suggestions import Proposal, merge


@dataclass(frozen=True)
class IntakeSummary:
    results: dict[str, Score]
    titles: dict[str, str]
    incomplete: dict[str, list[str]]  # code -> texts of unanswered items
    tier: RiskTier
    suggestions: list[Proposal]  # merged: one per service, goal, need or task
    alerts: list[str] = field(default_factory=list)


def step_suggestions(data: dict) -> list[Suggestion]:
    """Suggestions from the conversation itself (not from an instrument)."""
    found = []

    def add(kind: str, text: str, step: str, finding: str) -> None:
        found.append(Suggestion(kind, text, f"intake:{step}", finding))

    living = data.get("living") or {}
    if living.get("transport") == "needs transport":
        add("referral", "Arrange transport to appointments.", "living", "needs transport")
    if living.get("lives_alone") and living.get("stairs"):
        add("task", "Home safety check (lives alone with stairs).", "living", "lives alone, stairs")
    insurance = data.get("insurance") or {}
    if insurance.get("uninsured"):
        add("referral", "Help applying for health coverage.", "insurance", "no insurance")
    supports = data.get("supports") or {}
    if not supports.get("caregiver_name") and not supports.get("other_supports"):
        add("need", "No family or caregiver support identified.", "supports", "no supports")
    matters = data.get("matters") or {}
    if matters.get("what_matters"):
        said = "the caregiver's words" if matters.get("said_by") == "caregiver" else "own words"
        add("goal", matters["what_matters"], "matters", f"what matters most ({said})")
    if matters.get("interpreter"):
        lang = matters.get("language") or "the patient's language"
        add("task", f"Book an interpreter ({lang}) for every visit.", "matters", "interpreter")
    for service in (data.get("services") or {}).get("needed", []):
        name = (data["services"].get("other") or "other service") if service == "other" else service
        add("referral", f"Referral: {name}.", "services", name)
    return found


STEP_TITLES = {f"intake:{key}": label for key, label in STEPS}


def summarize(s: Session, actor: Actor, intake: Intake) -> IntakeSummary:
    require(actor, "clinical.read")
    active = instrument_store.active_instruments(s)
    defs = {c: a.definition for c, a in active.items()}
    results: dict[str, Score] = {}
    incomplete: dict[str, list[str]] = {}
    suggestions: list[Suggestion] = []
    alerts: list[str] = []
    answered = answers_of(intake.data or {}, defs)
    for code, answers in answered.items():
        definition = defs[code]
        missing = [i.text for i, v in zip(definition.items, answers, strict=True) if v is None]
        for flag in scoring.early_urgent_flags(definition, answers):
            alerts.append(definition.flag_labels[flag])
        if missing:
            incomplete[code] = missing
            continue
        results[code] = scoring.evaluate(definition, answers)
        suggestions.extend(scoring.suggestions_for(definition, answers))
    suggestions.extend(step_suggestions(intake.data or {}))
    titles = {c: defs[c].title for c in answered}
    merged = merge(suggestions, STEP_TITLES | titles, (intake.data or {}).get("matters"))
    rules = instrument_store.active_risk_rules(s)
    tier = risk_tier(results, rules)
    if alerts and tier.tier != "urgent":
        tier = RiskTier("urgent", tuple(alerts) + tier.reasons)
    return IntakeSummary(
        results=results,
        titles=titles,
        incomplete=incomplete,
        tier=tier,
        suggestions=merged,
        alerts=list(dict.fromkeys(alerts)),
    )
