"""The demo seeder's intake step: realistic, consistent with the real scoring, deterministic."""

from sqlalchemy import func, select

from db.models import AssessmentResponse, Intake, IntakeSuggestion, Task
from services.demo import seed_demo
from services.intake import scoring


def test_demo_intakes(s):
    seed_demo(s, patients=80, seed=7)
    intakes = s.scalars(select(Intake)).all()
    statuses = {i.status for i in intakes}
    assert statuses == {"draft", "completed"}
    patients_with = {i.patient_id for i in intakes}
    assert 0.45 * 80 <= len(patients_with) <= 0.8 * 80
    alerts = [i for i in intakes if i.suicide_alert]
    assert len(alerts) >= 3
    stat = s.scalars(select(Task).where(Task.source_kind == "intake")).all()
    assert {t.source_id for t in stat} == {i.id for i in alerts}
    for r in s.scalars(select(AssessmentResponse)).all():
        again = scoring.score(r.instrument_code, r.answers)
        assert (again.total, again.band, list(again.flags)) == (r.total, r.band, r.flags)
    assert s.scalar(select(func.count(IntakeSuggestion.id))) > 0
    assert {i.risk_tier for i in intakes if i.status == "completed"} <= {
        "low",
        "moderate",
        "high",
        "urgent",
    }
