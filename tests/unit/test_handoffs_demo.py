"""The demo seeder's hand-off step: draft referrals from intakes, marks for the patient's
printout, staff direct lines; at the smallest size too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import IntakeSuggestion, PrintItem, Referral, User
from services.demo import seed_demo


@pytest.mark.parametrize("patients", [5, 60])
def test_demo_hands_the_intake_on(s, patients):
    seed_demo(s, patients=patients, seed=11)
    assert all(u.phone for u in s.scalars(select(User)))
    assert s.scalars(select(PrintItem).where(PrintItem.item_kind == "goal")).first()
    drafts = s.scalars(
        select(Referral).where(Referral.status == "draft", Referral.reason_kind == "intake finding")
    ).all()
    waiting = s.scalars(
        select(IntakeSuggestion).where(
            IntakeSuggestion.kind == "referral",
            IntakeSuggestion.status == "accepted",
            IntakeSuggestion.handed_off_at.is_(None),
        )
    ).all()
    if patients >= 60:
        assert drafts and all(r.service for r in drafts)
        assert any(r.organization_id for r in drafts)
        assert len({(r.patient_id, r.service) for r in drafts}) == len(drafts)  # once each
    latest = {r.reason_id for r in drafts}
    assert not [w for w in waiting if w.id in latest]
