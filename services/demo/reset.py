"""Reset the training database: delete it and seed it again, in seconds.

Used by `manage.py reset-demo` and by the trainer's Admin tab. The accounts that the new
database seeds again (the demo accounts and the trainees) keep their password hashes, so
people signed in carry on without being asked to sign in again; accounts added since
are gone with everything else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, update

from db import config, migrate
from db.models import User
from db.session import dispose_all, session_scope
from services.core import audit
from services.demo import seed_demo


def _password_hashes(url: str, path: Path | None) -> dict[str, str]:
    if path is None or not path.exists():
        return {}
    try:
        with session_scope(url) as s:
            return dict(s.execute(select(User.username, User.password_hash)).all())
    except Exception:  # noqa: BLE001 - an unreadable old database is simply replaced
        return {}


def reset_training_database(
    patients: int = 0,
    seed: int = 42,
    progress: Callable[[float, str], None] | None = None,
) -> float:
    """Delete the training database; with `patients`, seed it again and stay in training
    mode (returns the seconds it took), without, CareDesk goes back to the clinic database."""
    started = time.perf_counter()
    settings = config.load()
    url = settings.demo_database_url
    path = migrate.sqlite_path(url)
    hashes = _password_hashes(url, path) if patients else {}
    dispose_all()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    audit.forget_trail(url)
    if not patients:
        settings.set_demo_mode(False)
        return time.perf_counter() - started
    migrate.upgrade(url)
    with session_scope(url) as s:
        seed_demo(s, patients=patients, seed=seed, progress=progress)
        for username, password_hash in hashes.items():
            s.execute(
                update(User).where(User.username == username).values(password_hash=password_hash)
            )
    settings.set_demo_mode(True)
    return time.perf_counter() - started
