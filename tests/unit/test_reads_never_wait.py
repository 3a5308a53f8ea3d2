"""Every page's reads go on while another process holds the database's write lock
(DESIGN.md §3.14): My day, the patient search, an intake, a care plan, the calendar's
week, the directory, the referral board and the guard's re-read of the account."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import select

from db.models import User
from db.session import session_scope
from services.care_plans.actions import plan
from services.contacts.actions import directory, referrals
from services.core import actions as core
from services.core.identity import SYSTEM
from services.intake import actions as intake
from services.overview import actions as overview
from services.patients import actions as patients
from services.patients import registry
from services.scheduling import actions as scheduling
from services.scheduling.agenda import Filters
from tests.conftest import actor_for
from tests.unit.test_database_trouble import _hold_write_lock

TZ = "America/New_York"


def test_the_pages_read_while_another_process_holds_the_write_lock(app_env):
    with session_scope() as s:
        nurse = actor_for(s.scalar(select(User).where(User.username == "nurse")))
        pid = registry.register_patient(
            s, SYSTEM, registry.PatientInput("Ada", "Lovelace", birth_date=date(1940, 1, 2))
        ).id
    holder = _hold_write_lock(app_env, 20)
    try:
        started = time.perf_counter()
        core.recheck_access(nurse)
        overview.my_day(nurse)
        overview.patient_header(nurse, pid)
        patients.search_patients(nurse, "lovelace")
        intake.open_intake(nurse, pid)
        plan.open_plan(nurse, pid)
        scheduling.visible_events(nurse, None, Filters(), tz=TZ, editable=True)
        directory.search_directory(nurse, "")
        referrals.referral_board(nurse, mine_only=False)
        # each would have waited out the 5 s busy timeout and failed behind the lock
        assert time.perf_counter() - started < 4
    finally:
        holder.kill()
