"""AppTest of the Admin page's instrument section (the component the Admin page calls)."""

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import ClinicDefinition
from db.session import session_scope
from tests.unit.test_instrument_store import CLINIC_FALLS


def _script(role: str) -> None:
    from components.intake.instrument_admin import instrument_admin
    from components.shared.flash import show_flash
    from db.models import Role
    from services.core.identity import Actor

    show_flash()  # the Admin page's guard does this
    instrument_admin(Actor(id=1, username=role, display_name=role, role=Role(role)))


def _app(role: str) -> AppTest:
    at = AppTest.from_function(_script, args=(role,), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def _count() -> int:
    with session_scope() as s:
        return s.scalar(select(func.count(ClinicDefinition.id)))


def _save(at, text):
    area = next(t for t in at.text_area if t.label == "Definition (YAML)")
    area.input(text)
    next(b for b in at.button if b.label == "Save as a new revision").click().run()
    assert not at.exception, at.exception


def test_admin_adds_a_clinic_instrument_bad_one_refused(app_env):
    at = _app("admin")
    assert "phq9" in at.dataframe[0].value["Code"].tolist()
    _save(at, CLINIC_FALLS.replace("citation: Our clinic's falls committee, 2026.\n", ""))
    assert any("'citation' is a required property" in e.value for e in at.error)
    assert _count() == 0
    _save(at, CLINIC_FALLS)
    assert _count() == 1
    assert "clinic_falls" in at.dataframe[0].value["Code"].tolist()
    assert any("Saved clinic_falls revision 1" in x.value for x in at.success)


def test_check_only_saves_nothing(app_env):
    at = _app("admin")
    next(t for t in at.text_area if t.label == "Definition (YAML)").input(CLINIC_FALLS)
    next(b for b in at.button if b.label == "Check only").click().run()
    assert any("Valid. Nothing saved yet." in x.value for x in at.success)
    assert _count() == 0


def test_non_admin_sees_no_editor(app_env):
    at = _app("nurse")
    assert not at.text_area and not at.dataframe
    assert "Only administrators manage instruments." in [i.value for i in at.info]
