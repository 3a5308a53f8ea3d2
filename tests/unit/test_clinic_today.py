"""'Today' is the clinic's date, not the UTC date.

On a US evening the UTC date is already tomorrow: a task due today showed as overdue on
My day and "due in 7 days" landed a day late. Two zones far apart make the UTC date differ
from at least one of them at any hour, so this fails whenever `today()` reads UTC.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from db.base import today
from services.overview.worklist import clinic_today

EAST, WEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"  # UTC+14 and UTC-11


def test_today_is_the_date_where_the_clinic_is(monkeypatch):
    seen = set()
    for zone in (EAST, WEST):
        monkeypatch.setenv("CAREDESK_TIMEZONE", zone)
        expected = datetime.now(ZoneInfo(zone)).date()
        assert today() == expected
        assert clinic_today() == expected  # My day reads the same day
        seen.add(expected)
