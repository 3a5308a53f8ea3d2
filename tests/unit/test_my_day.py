"""My day's sections: order by urgency, every row opening its page at its record, no ids on
screen, sections by role, whose day, the header's alerts and the charts' numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from db.models import Role
from services.overview import charts, header
from services.overview.my_day import at_a_glance, day_section, my_day_view
from tests.unit import my_day_world

ORDER = [
    "overdue",
    "today",
    "tomorrow",
    "visits",
    "reminders",
    "rides",
    "reviews",
    "intakes",
    "prior_auths",
    "referrals",
    "post_discharge",
    "not_contacted",
]
OPENS = {  # section -> the page a row opens
    "overdue": "pages/care_plan.py",  # a care-plan task
    "today": "pages/contacts.py",  # a call's follow-up
    "tomorrow": "pages/patients.py",  # any other task
    "visits": "pages/calendar.py",
    "reminders": "pages/calendar.py",
    "rides": "pages/calendar.py",
    "reviews": "pages/care_plan.py",
    "intakes": "pages/intake.py",
    "prior_auths": "pages/contacts.py",
    "referrals": "pages/contacts.py",
    "post_discharge": "pages/care_plan.py",
    "not_contacted": "pages/patients.py",
}


@pytest.fixture
def world(s, nurse):
    return my_day_world.build(s, nurse.id)


def test_the_nurses_day_comes_in_order_of_urgency_safety_first(s, nurse, world):
    day = my_day_view(s, nurse, world.today)
    assert [f.id for f in day.safety] == [world.follow_up]
    assert [x.key for x in day.sections] == ORDER
    assert all(x.count >= 1 for x in day.sections), [(x.key, x.count) for x in day.sections]


def test_every_row_opens_its_page_at_its_record_with_no_ids_on_screen(s, nurse, world):
    day = my_day_view(s, nurse, world.today)
    for section in day.sections:
        assert len(section.links) == len(section.rows)
        link = section.links[0]
        assert link.page == OPENS[section.key], section.key
        opened = {x.params["patient"] for x in section.links}
        patient = world.quiet if section.key == "not_contacted" else world.ana
        assert str(patient) in opened, section.key
        for row in section.rows:
            assert not {"id", "patient_id"} & set(row), (section.key, row)
    visits = next(x for x in day.sections if x.key == "visits")
    assert visits.links[0].params["appointment"] == str(world.visit)
    tasks = {x.key: x for x in day.sections if x.tasks}
    assert {k: x.tasks[0].id for k, x in tasks.items()} == world.tasks
    assert tasks["today"].tasks[0].asks_for_outcome  # a call's follow-up needs its outcome


def test_the_front_desk_sees_the_clinics_appointments_calls_and_rides(s, world, make_actor):
    day = my_day_view(s, make_actor(Role.SCHEDULER), world.today)
    assert day.front_desk and day.safety == [] and day.tiers == []
    assert [x.key for x in day.sections] == ["visits", "reminders", "rides"]
    assert day.sections[0].title == "Today's appointments" and "Staff" in day.sections[0].rows[0]


def test_a_trainee_sees_the_teams_day_read_only_and_makes_no_calls(s, world, make_actor):
    day = my_day_view(s, make_actor(Role.VIEWER), world.today, whose_id=12345)
    assert day.whose_id is None and not day.can_act and day.choices == {}
    assert {"reminders", "rides"}.isdisjoint(x.key for x in day.sections)
    assert [f.id for f in day.safety] == [world.follow_up]


def test_a_nurse_supervises_a_colleague_or_the_team_a_social_worker_does_not(
    s, nurse, world, make_actor
):
    colleague = make_actor(Role.SOCIAL_WORKER)
    theirs = my_day_view(s, nurse, world.today, whose_id=colleague.id)
    assert theirs.whose_id == colleague.id and theirs.safety == []
    assert all(x.count == 0 for x in theirs.sections if x.key in ("overdue", "today"))
    team = my_day_view(s, nurse, world.today, whose_id=None)
    # the team's day opens on headlines: counts, no rows and no charts until asked for
    assert team.whose == "the whole team" and team.headlines and team.by_manager == []
    overdue = team.sections[0]
    assert overdue.key == "overdue" and overdue.count == 1 and overdue.urgent
    assert all(x.rows == [] for x in team.sections)
    assert "Owner" in day_section(s, nurse, world.today, "overdue").rows[0]
    assert at_a_glance(s, None, world.today)["by_manager"] == [
        {"Case manager": "Nora Nurse", "Patients": 2}
    ]
    own = my_day_view(s, colleague, world.today, whose_id=nurse.id)  # not allowed: own day
    assert own.whose_id == colleague.id and own.choices == {}


def test_the_header_names_the_alerts_and_where_each_is_handled(s, nurse, world):
    h = header.patient_header(s, nurse, world.ana, world.today)
    assert (h.name, h.mrn, h.age) == (
        "Reyes, Ana",
        "CD900001",
        header.age_on(date(1950, 3, 4), world.today),
    )
    assert [a.concern for a in h.safety] == ["suicide risk"]
    assert "988" in h.safety[0].crisis_lines and h.safety[0].link.page == "pages/patients.py"
    chips = {c.kind: c.link.page for c in h.chips}
    assert chips == {"prior_auth": "pages/contacts.py", "review": "pages/care_plan.py"}
    assert "in 5 days" in next(c.text for c in h.chips if c.kind == "prior_auth")


def test_charts_count_the_caseload_tasks_and_referrals(s, nurse, world):
    tiers = {r["Risk tier"]: r["Patients"] for r in charts.caseload_by_tier(s, nurse.id)}
    assert tiers["not assessed"] == 2 and sum(tiers.values()) == 2
    rows, links, total = charts.patients_in_tier(s, nurse.id, "not assessed")
    assert total == 2 and {r["Patient"] for r in rows} == {"Reyes, Ana", "Stillwater, Quinn"}
    weeks = charts.tasks_by_week(s, nurse.id, world.today)
    overdue = sum(r["Tasks"] for r in weeks if r["Kind"] == "Overdue")
    assert overdue == 1 and len(weeks) == 2 * charts.WEEKS
    assert weeks[-1]["Week of"] == world.today - timedelta(days=world.today.weekday())
    assert charts.referrals_by_status(s, nurse.id, world.today) == [
        {"Status": "requested", "Referrals": 1}
    ]
