"""The demo seeder's contacts step: every type, every referral status, expiring prior auths."""

from __future__ import annotations

from sqlalchemy import func, select

from db.base import today
from db.models import Organization, OrgType, Referral, ReferralStatus, Task
from services.contacts.prior_auths import expiring_prior_auths
from services.demo import seed_demo


def test_demo_contacts_cover_the_story(s):
    seed_demo(s, patients=80, seed=7)
    types = set(s.scalars(select(Organization.org_type).distinct()))
    assert types == {t.value for t in OrgType}
    statuses = set(s.scalars(select(Referral.status).distinct()))
    assert statuses == {x.value for x in ReferralStatus}
    assert expiring_prior_auths(s, today())
    phones = s.scalars(select(Organization.phone).where(Organization.phone.is_not(None))).all()
    assert all(p[5:9] == "5550" and p[9] == "1" for p in phones)
    emails = s.scalars(select(Organization.email).where(Organization.email.is_not(None))).all()
    assert all(e.endswith(".example.org") for e in emails)
    followups = s.scalar(select(func.count(Task.id)).where(Task.source_kind.like("referral%")))
    assert followups > 0
