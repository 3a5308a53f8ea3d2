"""Which service a referral asks for, which kinds of organization in the directory offer
it (the topics an intake's suggestions are merged by, where a draft referral's organization
is looked for), and which urgencies fit a kind of organization."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import OrgType, Urgency
from services.core.text import fold


@dataclass(frozen=True)
class Topic:
    service: str  # the referral's "service requested", in plain words
    org_types: tuple[str, ...]  # where the directory is searched for an organization
    words: tuple[str, ...]  # folded words that put a suggestion's text under this topic


# Checked in order: the first topic whose words appear in the text wins.
TOPICS: dict[str, Topic] = {
    "safety": Topic(
        "social work and safety advocacy",
        (OrgType.HUMAN_SERVICE, OrgType.COMMUNITY),
        ("domestic violence", "safety"),
    ),
    "behavioral_health": Topic(
        "behavioral health",
        (OrgType.BEHAVIOURAL_HEALTH,),
        ("behavioral health", "behavioural health", "mental health", "counsel"),
    ),
    "transport": Topic("transportation to appointments", (OrgType.TRANSPORT,), ("transport",)),
    "food": Topic("meals and food assistance", (OrgType.FOOD,), ("meal", "food", "snap")),
    "personal_care": Topic(
        "personal care aide",
        (OrgType.HOME_HEALTH, OrgType.HUMAN_SERVICE),
        ("personal care", "home health aide", "homemaker", "chore"),
    ),
    "medications": Topic("medication packaging", (OrgType.PHARMACY,), ("blister", "pharmacy")),
    "home_health": Topic(
        "home health nursing", (OrgType.HOME_HEALTH,), ("home health", "nursing visit")
    ),
    "equipment": Topic("medical equipment", (OrgType.EQUIPMENT,), ("equipment",)),
    "housing": Topic("housing support", (OrgType.HOUSING,), ("housing", "shelter")),
    "utilities": Topic(
        "utility assistance",
        (OrgType.HUMAN_SERVICE, OrgType.COMMUNITY),
        ("utilit", "liheap"),
    ),
    "caregiver_support": Topic(
        "caregiver support and respite",
        (OrgType.COMMUNITY, OrgType.HUMAN_SERVICE),
        ("caregiver support", "respite", "support group"),
    ),
    "long_term_care": Topic(
        "long-term-care placement",
        (OrgType.SKILLED_NURSING, OrgType.ASSISTED_LIVING),
        ("long-term-care", "long term care", "placement"),
    ),
    "social_work": Topic(
        "social work", (OrgType.HUMAN_SERVICE, OrgType.COMMUNITY), ("social work",)
    ),
    "coverage": Topic(
        "help applying for health coverage",
        (OrgType.HUMAN_SERVICE, OrgType.COMMUNITY),
        ("coverage", "insurance"),
    ),
}


def topic_of(text: str, named: str | None = None) -> str | None:
    """The topic a suggestion is about: the one its definition names, else by its words."""
    if named:
        return named
    folded = fold(text)
    return next((t for t, topic in TOPICS.items() if any(w in folded for w in topic.words)), None)


def org_types_for(service: str) -> tuple[str, ...]:
    """The kinds of organization that offer a service named in plain words."""
    folded = fold(service)
    topic = next((t for t in TOPICS.values() if fold(t.service) == folded), None)
    if topic is None:
        named = topic_of(service)
        topic = TOPICS.get(named) if named else None
    return tuple(str(x) for x in topic.org_types) if topic else ()


# Organizations that see patients clinically can be asked for a same-day ("stat") or
# "asap" answer; social and community services work in days: routine or urgent.
CLINICAL_TYPES = {
    OrgType.HOME_HEALTH,
    OrgType.HOSPITAL,
    OrgType.SKILLED_NURSING,
    OrgType.BEHAVIOURAL_HEALTH,
    OrgType.PRIMARY_CARE,
    OrgType.SPECIALIST,
    OrgType.PHARMACY,
}
SERVICE_URGENCIES = [Urgency.ROUTINE.value, Urgency.URGENT.value]
URGENCIES = [x.value for x in Urgency]


def urgencies_for(org_type: str | None) -> list[str]:
    """The urgencies that fit a referral to this kind of organization."""
    if org_type is None or org_type in CLINICAL_TYPES:
        return URGENCIES
    return SERVICE_URGENCIES
