"""The intake's suggestions as the nurse decides on them: merged, so one need appears once
with every finding behind it, and carrying what the plan and Contacts need from each.

A referral is one per service (transport asked for in the living step, found by the social
needs screen and ticked in "services needed" is one transport referral); goals, needs and
tasks merge when they say the same thing. Each proposal carries what is proposed for it:
a goal's words in the patient's own voice (and who said them), its priority and target
date; a task's due date from its urgency (same day, 2 business days, 7 days, 30 days); a
referral's service, urgency and the kind of organization to send it to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from services.contacts.referral_services import TOPICS, topic_of
from services.core.text import fold
from services.intake.scoring import Suggestion

# Due choices for a task, in the words the preview shows.
DUE = {
    "same_day": "same day",
    "2_business_days": "within 2 business days",
    "7_days": "within 7 days",
    "30_days": "within 30 days",
}
KIND_ORDER = {"goal": 0, "need": 1, "referral": 2, "task": 3}
MEASURABLE_TO_FINISH = "To finish with the patient: what will be different, and how will we know?"
DEFAULT_TARGET_WEEKS = 12


@dataclass(frozen=True)
class Proposal:
    """One suggestion the nurse accepts, edits or dismisses on the summary step."""

    key: str
    kind: str  # need, goal, referral, task
    text: str  # a goal's measurable goal; a need's, referral's or task's wording
    findings: tuple[str, ...]  # every finding behind it, "PHQ-9: moderate (total 12)"
    sources: tuple[str, ...]  # instrument codes or "intake:<step>"
    topic: str | None = None
    preselected: bool = True
    covered_by_alert: bool = False  # a same-day task the urgent alert already put on a list
    due: str | None = None  # a task's DUE key
    urgency: str = "routine"  # a referral's urgency
    service: str = ""  # a referral's service requested
    org_types: tuple[str, ...] = ()  # where to look for the referral's organization
    priority: int = 0  # a goal's proposed priority (1 = matters most)
    target_weeks: int | None = None  # a goal's proposed target, weeks from today
    patients_words: str = ""  # a goal's words as the patient (or caregiver) said them
    said_by: str = "patient"
    said_by_name: str = ""

    @property
    def source_instrument(self) -> str:
        return self.sources[0]

    @property
    def source_finding(self) -> str:
        return "; ".join(self.findings)[:300]


def _due(sug: Suggestion) -> str:
    if sug.due:
        return sug.due
    if sug.urgent or "same-day" in sug.text.lower():
        return "same_day"
    text = fold(sug.text)
    if "2 business days" in text or "48 hours" in text:
        return "2_business_days"
    if "next visit" in text or "next month" in text:
        return "30_days"
    return "7_days"


def _target_weeks(text: str) -> int:
    folded = fold(text)
    if found := re.search(r"(\d+) weeks?", folded):
        return int(found.group(1))
    if found := re.search(r"(\d+) days?", folded):
        return max(1, round(int(found.group(1)) / 7))
    if "next month" in folded:
        return 4
    return DEFAULT_TARGET_WEEKS


def _key(sug: Suggestion, topic: str | None) -> str:
    if sug.source_instrument == "intake:matters" and sug.kind == "goal":
        return "goal|what matters"
    if sug.kind == "referral" and topic:
        return f"referral|{topic}"
    return f"{sug.kind}|{fold(sug.text).strip(' .')}"


def merge(
    found: list[Suggestion], source_titles: dict[str, str], words: dict | None = None
) -> list[Proposal]:
    """The suggestions merged, goals first (the patient's own words at the top), then
    needs, referrals and tasks. `source_titles` names each instrument or step for the
    findings; `words` is the intake's "what matters" step (who said it)."""
    words = words or {}
    groups: dict[str, list[Suggestion]] = {}
    for sug in found:
        groups.setdefault(_key(sug, topic_of(sug.text, sug.topic)), []).append(sug)
    proposals = [_proposal(key, group, source_titles, words) for key, group in groups.items()]
    goals = sorted(
        (p for p in proposals if p.kind == "goal"),
        key=lambda p: (p.key != "goal|what matters", not p.preselected),
    )
    ranked = {p.key: n for n, p in enumerate(goals, start=1)}
    proposals = [_with(p, priority=ranked[p.key]) if p.kind == "goal" else p for p in proposals]
    return sorted(proposals, key=lambda p: (KIND_ORDER.get(p.kind, 9), p.priority))


def _with(p: Proposal, **changes) -> Proposal:
    return Proposal(**{**p.__dict__, **changes})


def _proposal(key: str, group: list[Suggestion], titles: dict[str, str], words: dict) -> Proposal:
    lead = next((g for g in group if g.urgent), None) or next(
        (g for g in group if not g.source_instrument.startswith("intake:")), group[0]
    )
    findings = tuple(
        dict.fromkeys(
            f"{titles.get(g.source_instrument, g.source_instrument)}: {g.source_finding}"
            for g in group
        )
    )
    sources = tuple(dict.fromkeys(g.source_instrument for g in group))
    base = {
        "key": key,
        "kind": lead.kind,
        "text": lead.text,
        "findings": findings,
        "sources": sources,
        "topic": topic_of(lead.text, lead.topic),
        "preselected": any(g.positive or g.urgent for g in group),
    }
    if lead.kind == "task":
        covered = any(g.urgent for g in group)
        return Proposal(
            **base | {"preselected": base["preselected"] and not covered},
            covered_by_alert=covered,
            due=_due(lead),
        )
    if lead.kind == "referral":
        topic = TOPICS.get(base["topic"] or "")
        return Proposal(
            **base,
            urgency="urgent" if any(g.urgent for g in group) else "routine",
            service=topic.service if topic else lead.text.rstrip("."),
            org_types=tuple(str(t) for t in topic.org_types) if topic else (),
        )
    if key == "goal|what matters":
        caregiver = words.get("said_by") == "caregiver"
        return Proposal(
            **base | {"text": ""},
            patients_words=lead.text,
            said_by="caregiver" if caregiver else "patient",
            said_by_name=(words.get("said_by_name") or "") if caregiver else "",
            target_weeks=DEFAULT_TARGET_WEEKS,
        )
    if lead.kind == "goal":
        return Proposal(**base, target_weeks=_target_weeks(lead.text))
    return Proposal(**base)


def add_business_days(start: date, days: int) -> date:
    """`days` working days (Monday to Friday) after `start`."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def due_on(due: str | None, on: date) -> date:
    """The date a task is due, from its urgency, counted from `on`."""
    if due == "same_day":
        return on
    if due == "2_business_days":
        return add_business_days(on, 2)
    if due == "30_days":
        return on + timedelta(days=30)
    return on + timedelta(days=7)
