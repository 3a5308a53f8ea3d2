"""Demo data that looks real: one clinic region (every phone valid there and in the same
state as the address, every ZIP the town's own), no duplicate directory names, names and
preferred names people really use, channels that fit their notes, spreads that make sense."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from phonenumbers import geocoder
from sqlalchemy import select

from db.base import today as clinic_today
from db.models import (
    CareTeamMember,
    Communication,
    Goal,
    Organization,
    OrgType,
    Patient,
    RelatedPerson,
)
from services.care_plans.templates import file_templates
from services.core.text import fold
from services.demo import seed_demo
from services.demo.liaison import CALLS
from services.demo.names import CHOSEN_ENGLISH, NICKNAMES
from services.demo.region import REGIONS

ADDRESS = re.compile(r", (?P<town>[^,]+), (?P<state>[A-Z]{2}) (?P<zip>\d{5})$")


def state_of(phone: str) -> str:
    """The state a US number's area code is in, as phonenumbers' geocoder places it."""
    number = phonenumbers.parse(phone)
    assert phonenumbers.is_valid_number(number), phone
    place = geocoder.description_for_number(number, "en")
    names = {r.state_name: r.state for r in REGIONS.values()}
    return names.get(place) or place.rsplit(", ", 1)[-1]


@pytest.fixture(params=list(REGIONS))
def region(request, monkeypatch):
    monkeypatch.setenv("CAREDESK_DEMO_REGION", request.param)
    return REGIONS[request.param]


def test_every_phone_and_address_is_in_the_clinic_region(s, region):
    seed_demo(s, patients=60, seed=5)
    zips = {town.name: set(town.zips) for town in region.towns}
    for town in region.towns:  # a town listed twice (Chicago) has both lists' ZIPs
        zips[town.name] |= set(town.zips)
    patients = s.scalars(select(Patient)).all()
    for p in patients:
        assert p.state == region.state and p.city in zips
        assert p.postal_code is None or p.postal_code in zips[p.city], (p.city, p.postal_code)
        assert state_of(p.phone) == p.state
    orgs = s.scalars(select(Organization)).all()
    for org in orgs:
        found = ADDRESS.search(org.address)
        assert found and found["state"] == region.state and found["zip"] in zips[found["town"]]
        for phone in (org.phone, org.fax):
            if phone:
                assert state_of(phone) == found["state"], (org.name, phone)
    family = s.scalars(select(RelatedPerson)).all()
    assert family
    for person in family:
        for phone in (person.phone, person.mobile_phone):
            if phone:
                assert state_of(phone) == region.state
    team = s.scalars(select(CareTeamMember).where(CareTeamMember.phone.is_not(None))).all()
    assert team and all(state_of(m.phone) == region.state for m in team)
    plans = {o.name for o in orgs if o.org_type == OrgType.INSURER}
    assert region.medicaid in plans


def test_the_directory_never_lists_the_same_name_twice(s):
    seed_demo(s, patients=400, seed=9)
    names = [fold(n) for n in s.scalars(select(Organization.name))]
    assert len(names) == len(set(names)) >= 120


def test_names_and_preferred_names_people_really_use(s):
    seed_demo(s, patients=300, seed=4)
    known = {n for options in NICKNAMES.values() for n in options}
    known |= {n for options in CHOSEN_ENGLISH.values() for n in options}
    patients = s.scalars(select(Patient)).all()
    preferred = [p for p in patients if p.preferred_name]
    assert preferred and all(p.preferred_name in known for p in preferred)
    assert not [
        p.family_name for p in patients if re.fullmatch(r"Mc[a-z]+|O(brien|connor)", p.family_name)
    ]
    spanish = [p for p in patients if p.preferred_language == "Spanish"]
    assert (
        spanish
        and sum(any(c in p.given_name + p.family_name for c in "áéíóúñ") for p in spanish) > 0
    )


def test_calls_use_a_channel_that_fits_their_note_and_the_right_person(s):
    seed_demo(s, patients=150, seed=2)
    fits = {summary: (channel, with_) for summary, _, channel, _, with_ in CALLS}
    # the calls the demo logs with patients, family and organizations (a safety follow-up's
    # "told the supervisor" is logged with a colleague and has its own test)
    comms = [c for c in s.scalars(select(Communication)) if c.with_kind != "staff member"]
    assert len(comms) > 50
    for c in comms:
        channel, with_ = fits[c.summary]
        assert c.channel == channel, c.summary
        if with_ in ("daughter", "son"):
            person = s.get(RelatedPerson, c.related_person_id)
            assert person.relationship_ == with_ and person.patient_id == c.patient_id
        if with_ in ("referral", "insurer"):
            assert c.organization_id and c.with_name == s.get(Organization, c.organization_id).name
        if with_ == "patient":
            assert c.related_person_id is None and c.organization_id is None
    channels = {c.channel for c in comms}
    assert {"phone", "fax", "email", "portal"} <= channels


def test_ages_living_situations_and_plans_fit_together(s):
    ctx = seed_demo(s, patients=400, seed=8)
    patients = s.scalars(select(Patient)).all()
    ages = [(ctx.today - p.birth_date).days // 365 for p in patients]
    assert 0.5 < sum(a >= 65 for a in ages) / len(ages) < 0.75  # caseloads skew old
    young_in_homes = [
        p
        for p, age in zip(patients, ages, strict=True)
        if age < 45 and p.living_situation in ("skilled nursing", "assisted living")
    ]
    assert young_in_homes == []
    languages = {p.preferred_language for p in patients}
    assert len(languages) >= 5 and "English" in languages
    templated = s.scalars(select(Goal.template_key).where(Goal.template_key.is_not(None))).all()
    assert len(templated) > 50
    assert {k.split(":")[0] for k in templated} <= set(file_templates())
    for goal in s.scalars(select(Goal).where(Goal.template_key.is_not(None))).all():
        assert ctx.conditions[goal.patient_id] == goal.template_key.split(":")[0]
    assert clinic_today().year - 105 < min(p.birth_date.year for p in patients)


def test_every_capability_is_in_the_demo_even_with_five_patients(s):
    from sqlalchemy import func

    from db import models

    seed_demo(s, patients=5, seed=1)
    for name in (
        "Intake",
        "AssessmentResponse",
        "CarePlan",
        "Goal",
        "TeachBack",
        "CareTransition",
        "LtcPlacement",
        "Appointment",
        "TransportBooking",
        "RelatedPerson",
        "ShareConsent",
        "Coverage",
        "PriorAuthorization",
        "Referral",
        "Communication",
    ):
        model = getattr(models, name)
        assert s.scalar(select(func.count(model.id))) > 0, name
    trainees = s.scalars(select(models.User.username).where(models.User.username.like("trainee%")))
    assert len(list(trainees)) == 12
