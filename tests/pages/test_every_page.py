"""AppTest: every page, signed in as every role — no exception; denied roles see no data."""

from pathlib import Path

import pytest

from components.shared.nav import PAGES
from db.models import Role
from services.core.identity import PERMISSIONS
from tests.apptest import signed_in, texts

ROOT = Path(__file__).resolve().parents[2]
PAGE_PATHS = ["app.py", *sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))]
USERNAMES = {role: role.value.replace("_", "") for role in Role}


@pytest.fixture
def patient(app_env):
    from datetime import date

    from db.session import session_scope
    from services.core.identity import SYSTEM
    from services.patients import registry as patients

    with session_scope() as s:
        p = patients.register_patient(
            s,
            SYSTEM,
            patients.PatientInput(
                given_name="Zelda", family_name="Quintero-Secret", birth_date=date(1944, 5, 6)
            ),
        )
        return p.id


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("page", PAGE_PATHS)
def test_page_runs_for_role(page, role, app_env, patient):
    at = signed_in(USERNAMES[role], page=None if page == "app.py" else page)
    assert not at.exception, at.exception
    permission = next(p.permission for p in PAGES if p.path == page)
    shown = texts(at)
    if Role(role) in PERMISSIONS[permission]:
        assert "not available for your role" not in shown
    else:
        assert "This page is not available for your role." in shown
        assert "Quintero" not in shown
        assert not at.dataframe, "a denied role must see no tables"
