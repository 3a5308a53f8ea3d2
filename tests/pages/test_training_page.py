"""AppTest: the Training page, the trainee's sidebar checklist, and Admin → Training."""

from __future__ import annotations

import pytest

from db import config, migrate
from db.session import dispose_all, session_scope
from services.demo import seed_demo
from tests.apptest import signed_in, texts


@pytest.fixture
def training_env():
    """A small training database in use, as after `manage.py seed-demo`."""
    settings = config.load()
    url = settings.demo_database_url
    migrate.upgrade(url)
    with session_scope(url) as s:
        seed_demo(s, patients=5, seed=3)
    settings.set_demo_mode(True)
    yield url
    dispose_all()


def sidebar_text(at) -> str:
    return "\n".join(str(m.value) for m in at.sidebar.markdown) + "\n".join(
        str(c.value) for c in at.sidebar.caption
    )


def test_a_trainee_starts_a_scenario_and_the_sidebar_ticks_as_they_work(training_env):
    at = signed_in("trainee1", "pages/training.py", password="demo")
    shown = texts(at)
    assert "Your first morning" in shown and "Home from the hospital" in shown
    assert "Looking after CareDesk" in shown  # listed, but for administrators
    assert "This scenario is for another role." in shown
    assert "Your first morning" not in sidebar_text(at)
    at.button(key="start_first_morning").click()
    at.run()
    assert not at.exception
    assert "is ready" in texts(at)
    side = sidebar_text(at)
    assert "Your first morning" in side and "Open My day and read your tasks" in side
    assert at.sidebar.get("progress")[0].proto.text == "0 of 6 steps done"
    at.switch_page("app.py")
    at.run()
    assert at.sidebar.get("progress")[0].proto.text == "1 of 6 steps done"
    assert "Brooks · trainee1, Walter (Walt)" in at.dataframe[0].value.to_string()
    # the next step's link opens Patients
    links = [p.proto.page for p in at.sidebar.get("page_link")]
    assert links[-1] == "patients"


def test_start_over_gives_a_fresh_copy(training_env):
    at = signed_in("trainee2", "pages/training.py", password="demo")
    at.button(key="start_first_morning").click()
    at.run()
    at.switch_page("app.py")
    at.run()
    at.switch_page("pages/training.py")
    at.run()
    assert "1 of 6 steps done" in [p.proto.text for p in at.get("progress")]
    next(b for b in at.button if b.label == "Start over with a fresh copy").click()
    at.run()
    assert not at.exception
    assert "A fresh copy is ready" in texts(at)
    assert at.sidebar.get("progress")[0].proto.text == "0 of 6 steps done"


def _training_tab(at):
    """Admin's tabs are stateful and only the open one runs: open Training."""
    at.session_state["admin_tab"] = "Training"
    return at.run()


def test_admin_sees_every_trainee_and_starts_one_over(training_env):
    trainee = signed_in("trainee3", "pages/training.py", password="demo")
    trainee.button(key="start_first_morning").click()
    trainee.run()
    at = _training_tab(signed_in("admin", "pages/admin.py", password="demo"))
    assert not at.exception
    assert "1 scenario in progress." in texts(at)
    frames = [d.value for d in at.dataframe]
    progress = next(f for f in frames if "Trainee" in f.columns)
    assert progress.iloc[0]["Trainee"] == "Trainee 3 (demo) · trainee3"
    assert progress.iloc[0]["Done"] == "0 of 6"
    next(b for b in at.button if b.label == "Start it over").click()
    at.run()
    assert not at.exception
    assert "trainee3 starts" in texts(at)


def test_outside_training_mode_there_is_no_training(app_env):
    at = signed_in("nurse", "pages/training.py")
    assert not at.exception
    assert "run in the training database only" in texts(at)
    assert not [p for p in at.sidebar.get("page_link") if p.proto.page == "training"]
    admin = _training_tab(signed_in("admin", "pages/admin.py"))
    assert "CareDesk is using the clinic's database." in texts(admin)


def test_admin_resets_the_whole_training_database_and_stays_signed_in(training_env):
    trainee = signed_in("trainee4", "pages/training.py", password="demo")
    trainee.button(key="start_first_morning").click()
    trainee.run()
    at = _training_tab(signed_in("admin", "pages/admin.py", password="demo"))
    next(n for n in at.number_input if n.label == "Synthetic patients").set_value(5)
    next(b for b in at.button if b.label == "Reset the training database").click()
    at.run()
    assert "Tick the box to confirm first." in texts(at)  # nothing happens without it
    assert "1 scenario in progress." in texts(at)
    next(c for c in at.checkbox if c.label == "Yes, delete all the training work").check()
    next(b for b in at.button if b.label == "Reset the training database").click()
    at.run()
    assert not at.exception
    shown = texts(at)
    assert "The training database was reset with 5 patients" in shown
    assert "Nobody has started a scenario yet." in shown
    assert at.sidebar.button[-1].label == "Sign out"  # still signed in
    trainee.switch_page("pages/training.py")
    trainee.run()  # the trainee carries on too: same account, same password, fresh start
    assert not trainee.exception and "Sign in to CareDesk" not in texts(trainee)
    assert [b for b in trainee.button if b.label == "Start"]
