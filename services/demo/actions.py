"""The demo room's user actions: start the training database from the first-run screen."""

from __future__ import annotations

from collections.abc import Callable

from db import config, migrate
from db.session import session_scope
from services.core import auth, setup_code
from services.core.identity import user_action
from services.demo import seed_demo

FIRST_RUN_PATIENTS = 150


@user_action(None)
def start_training_database(
    code: str,
    patients: int = FIRST_RUN_PATIENTS,
    progress: Callable[[float, str], None] | None = None,
) -> None:
    """Create (or reopen) the training database with synthetic data and switch to it;
    like every first-run choice it needs the setup code."""
    setup_code.check(code)
    settings = config.load()
    url = settings.demo_database_url
    migrate.ensure_current(url)
    with session_scope(url) as s:
        if not auth.has_users(s):
            seed_demo(s, patients=patients, progress=progress)
    settings.set_demo_mode(True)
    setup_code.forget()  # setup is done; leaving training mode later makes a new code
