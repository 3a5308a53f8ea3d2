"""The structured safety assessment recorded on a follow-up.

The Columbia C-SSRS screener is not shipped as an instrument: its copyright holder (the
Research Foundation for Mental Hygiene) licenses electronic implementations exclusively
through a vendor, with certification and fees per use. CareDesk records the nurse's own
assessment instead: a few structured answers in plain words, the protective factors, the
nurse's judgment of the risk level and a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from db.models import SafetyConcern
from services.core.errors import InvalidInput

NOTE_MAX = 2000


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    options: tuple[str, ...]


QUESTIONS: dict[SafetyConcern, tuple[Question, ...]] = {
    SafetyConcern.SUICIDE_RISK: (
        Question(
            "thoughts",
            "Thoughts of suicide now",
            ("none now", "wishes to be dead, no active thoughts", "active thoughts of suicide"),
        ),
        Question("plan", "Has a plan (how, when or where)", ("no", "yes", "did not say")),
        Question("intent", "Intends to act on the thoughts", ("no", "yes", "unsure")),
        Question(
            "means",
            "Can get firearms, stored medicines or other lethal means",
            ("no", "yes", "unknown"),
        ),
        Question(
            "past_attempt",
            "Past suicide attempt",
            ("never", "more than a year ago", "within the past year"),
        ),
    ),
    SafetyConcern.INTERPERSONAL: (
        Question("safe_now", "Feels safe to go home today", ("yes", "no", "unsure")),
        Question(
            "lives_with", "The person who hurts them lives with them", ("no", "yes", "did not say")
        ),
        Question(
            "worse", "The violence is getting worse or more frequent", ("no", "yes", "unsure")
        ),
        Question("weapon", "Threats with a weapon, or choking", ("no", "yes", "did not say")),
        Question("children", "Children in the home at risk", ("no", "yes", "no children at home")),
    ),
}
RISK_LEVELS = ("low", "moderate", "high", "imminent")


@dataclass
class AssessmentInput:
    answers: dict[str, str] = field(default_factory=dict)
    protective_factors: str = ""
    risk_level: str = ""
    note: str = ""


def clean_assessment(concern: str, data: AssessmentInput) -> dict:
    """The assessment as stored, or InvalidInput naming each field that needs an answer."""
    errors: dict[str, str] = {}
    answers = {}
    for q in QUESTIONS[SafetyConcern(concern)]:
        value = (data.answers or {}).get(q.key)
        if value not in q.options:
            errors[q.key] = "Choose an answer."
        else:
            answers[q.key] = value
    if data.risk_level not in RISK_LEVELS:
        errors["risk_level"] = "Give your judgment of the risk level."
    note = (data.note or "").strip()
    if not note:
        errors["note"] = "Write what the patient said and what you did."
    elif len(note) > NOTE_MAX:
        errors["note"] = f"Keep the note under {NOTE_MAX} characters."
    protective = (data.protective_factors or "").strip()
    if len(protective) > NOTE_MAX:
        errors["protective_factors"] = f"Keep this under {NOTE_MAX} characters."
    if errors:
        raise InvalidInput(errors)
    return {
        "answers": answers,
        "protective_factors": protective,
        "risk_level": data.risk_level,
        "note": note,
    }


def assessment_rows(concern: str, stored: dict | None) -> list[dict]:
    """The stored assessment as question/answer rows for a table."""
    if not stored:
        return []
    asked = {q.key: q.label for q in QUESTIONS[SafetyConcern(concern)]}
    rows = [{"Question": asked.get(k, k), "Answer": v} for k, v in stored["answers"].items()]
    rows.append({"Question": "Protective factors", "Answer": stored.get("protective_factors", "")})
    rows.append({"Question": "Risk level (nurse's judgment)", "Answer": stored["risk_level"]})
    rows.append({"Question": "Note", "Answer": stored["note"]})
    return rows
