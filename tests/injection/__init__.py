"""The injection corpus in every free-text field: hostile text written through the services.

Script tags, <img onerror>, Markdown links and images, javascript: URLs, formulas, RTL and
zero-width characters, newlines that would add calendar lines, and 10 kB strings, put into
every field a user can type (or an administrator can define) for one patient and the
directory around them. The unit tests check the files that leave CareDesk (PDF, CSV,
Excel, .ics, FHIR) from it; the browser journeys open every page that shows it.

Every value is `hostile(tag, limit)`: the payloads that fit the field's column, with a tag
naming the field (so a finding says where it came from). Fields whose service allows only
a choice from a list (a relationship, a status) get no hostile text; `Seeded.refused` holds
the message the service gave for each one it must refuse.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Role, User
from services.core.identity import Actor
from tests.injection.around import AroundSteps
from tests.injection.clinical import ClinicalSteps
from tests.injection.payloads import FORMULA, LINES, LONG, MARKERS, PAYLOADS, hostile

__all__ = [
    "FORMULA", "LINES", "LONG", "MARKERS", "PAYLOADS",
    "Corpus", "Seeded", "actor_of", "hostile", "seed",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Seeded:
    """What was written (ids, and each field's value by tag) for the checks."""

    patient_id: int = 0
    mrn: str = ""
    second_mrn: str = ""  # a second patient, with an open safety follow-up
    values: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)  # tag -> the service's message


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, Role(user.role))


class Corpus(AroundSteps, ClinicalSteps):
    """Writes the corpus with `admin` (definitions), `nurse` (clinical) and `worker`
    (placements) through the domain services on the Session `s`."""

    def __init__(self, s: Session, admin: Actor, nurse: Actor, worker: Actor, region="US"):
        self.s, self.admin, self.nurse, self.worker, self.region = s, admin, nurse, worker, region
        self.out = Seeded()

    def v(self, tag: str, limit: int | None = None, **kw) -> str:
        value = hostile(tag, limit, **kw)
        self.out.values[tag] = value
        return value

    def refused(self, tag: str, call) -> None:
        from services.core.errors import InvalidInput

        try:
            call()
        except InvalidInput as exc:
            self.out.refused[tag] = "; ".join(exc.errors.values())
        else:
            raise AssertionError(f"{tag}: the service took hostile text for a choice")

    # ------------------------------------------------------------------ everything

    def seed_all(self, family: str = "Injection") -> Seeded:
        self.staff_name()
        self.directory()
        self.patient(self.v("patient.given_name", 100), family)
        self.definitions()
        self.intake()
        self.care_plan()
        self.contacts()
        self.scheduling()
        self.safety()
        self.s.flush()
        return self.out

    # ------------------------------------------------------------------ people

    def staff_name(self) -> None:
        """A colleague whose display name an administrator typed: shown beside every
        record they own or wrote."""
        from services.core import auth

        user = auth.create_user(
            self.s,
            self.admin,
            "corpus_sw",
            self.v("user.display_name", 120),
            Role.SOCIAL_WORKER,
            "Corpus-pass-2024!",
        )
        self.colleague = actor_of(user)
        self.out.ids["colleague"] = user.id

    def patient(self, given: str, family: str) -> None:
        from services.patients import registry
        from services.patients.registry import PatientInput

        p = registry.register_patient(
            self.s,
            self.nurse,
            PatientInput(
                given_name=given,
                family_name=family,
                birth_date=date(1948, 3, 2),
                preferred_name=self.v("patient.preferred_name", 100),
                pronouns=self.v("patient.pronouns", 40),
                preferred_language=self.v("patient.language", 40),
                address_line=self.v("patient.address_line", 200),
                city=self.v("patient.city", 100),
                phone="(617) 555-0142",
                primary_case_manager_id=self.colleague.id,
            ),
            region=self.region,
        )
        self.out.patient_id, self.out.mrn = p.id, p.mrn

    # ------------------------------------------------------------------ directory

    def definitions(self) -> None:
        """An instrument, a care-plan template and a training scenario as an administrator
        would paste them: hostile titles, item texts, answer labels and suggestions."""
        from services.care_plans import templates
        from services.intake import instrument_store

        instrument = yaml.safe_load(_shipped("services/intake/definitions/instruments/gad7.yaml"))
        instrument["title"] = self.v("instrument.title", 120)
        instrument["instructions"] = self.v("instrument.instructions")
        for n, item in enumerate(instrument["items"]):
            item["text"] = self.v(f"instrument.item{n}")
            item["options"] = [
                {**o, "label": self.v(f"instrument.option{k}", 100) if n == 0 else o["label"]}
                for k, o in enumerate(item["options"])
            ]
        for n, suggestion in enumerate(instrument["suggestions"]):
            suggestion["text"] = self.v(f"instrument.suggestion{n}", 300)
        instrument_store.save_instrument(self.s, self.admin, _dump(instrument), "corpus")

        template = yaml.safe_load(
            _shipped("services/care_plans/definitions/templates/diabetes.yaml")
        )
        template["title"] = self.v("template.title", 120)
        template["summary"] = self.v("template.summary", 500)
        for n, goal in enumerate(template["goals"]):
            goal["description"] = self.v(f"template.goal{n}", 500)
            if "ask" in goal:
                goal["ask"] = self.v(f"template.ask{n}", 300)
            for k, task in enumerate(goal.get("tasks", [])):
                task["title"] = self.v(f"template.goal{n}.task{k}", 200)
        for n, concern in enumerate(template.get("concerns", [])):
            concern["text"] = self.v(f"template.concern{n}", 500)
        current = templates.templates(self.s)["diabetes"][1]
        templates.save_template(self.s, self.admin, _dump(template), expected_version=current)

    def scenario(self) -> None:
        """A training scenario (training databases only)."""
        from services.training import scenarios

        doc = yaml.safe_load(_shipped("services/training/definitions/scenarios/look_around.yaml"))
        doc["key"] = "corpus"
        doc["title"] = self.v("scenario.title", 120)
        doc["summary"] = self.v("scenario.summary", 300)
        doc["story"] = self.v("scenario.story", 4000, lines=True)
        for n, step in enumerate(doc["steps"]):
            step["title"] = self.v(f"scenario.step{n}", 160)
            step["hint"] = self.v(f"scenario.hint{n}", 600)
        scenarios.save_scenario(self.s, self.admin, _dump(doc), expected_version=None, new=True)

    # ------------------------------------------------------------------ intake


def _shipped(path: str) -> str:
    return (ROOT / path).read_text()


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


def _dump(doc: dict) -> str:
    return yaml.dump(copy.deepcopy(doc), Dumper=_NoAliases, allow_unicode=True, sort_keys=False)


def seed(s: Session, *, admin: str = "admin", nurse: str = "nurse", worker: str = "socialworker"):
    """The corpus, written by the named accounts (the demo ones by default)."""
    users = {u.username: u for u in s.scalars(select(User))}
    corpus = Corpus(s, actor_of(users[admin]), actor_of(users[nurse]), actor_of(users[worker]))
    return corpus, corpus.seed_all()
