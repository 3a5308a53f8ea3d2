"""The Admin page's Templates panel (components/template_admin.py), run on its own."""

from __future__ import annotations

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import CarePlanTemplateVersion, User
from db.session import session_scope


def _panel(actor_id: int, username: str):
    from components.care_plans.template_admin import template_admin
    from services.core.identity import Actor

    template_admin(Actor(actor_id, username, "Admin Person", "admin"))


def _start(url):
    with session_scope(url) as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
    at = AppTest.from_function(_panel, args=(admin.id, "admin"), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def test_admin_saves_a_new_version(app_env):
    at = _start(app_env)
    at.selectbox(key="tpl_admin_pick").set_value("copd").run()
    body = at.text_area(key="tpl_admin_copd_body")
    body.input(body.value.replace("title: COPD", "title: COPD (clinic wording)"))
    at.text_input(key="tpl_admin_copd_note").input("Clinic wording")
    next(b for b in at.button if b.label == "Save new version").click().run()
    assert not at.exception, at.exception
    with session_scope(app_env) as s:
        [row] = s.scalars(select(CarePlanTemplateVersion)).all()
        assert (row.key, row.version, row.note) == ("copd", 1, "Clinic wording")
        assert "COPD (clinic wording)" in row.body
    at.run()
    assert "COPD (clinic wording)" in at.dataframe[0].value.to_string()


def test_invalid_template_refused_at_the_field(app_env):
    at = _start(app_env)
    at.selectbox(key="tpl_admin_pick").set_value("copd").run()
    at.text_area(key="tpl_admin_copd_body").input("key: copd\ntitle: COPD\n")
    next(b for b in at.button if b.label == "Save new version").click().run()
    assert any("goals" in e.value for e in at.error)
    with session_scope(app_env) as s:
        assert s.scalars(select(CarePlanTemplateVersion)).all() == []
