"""The role x action matrix: every user action, for each of the five roles, allowed or refused.

Each public function of a room's actions module declares what it needs (`@user_action`);
here every one is called as each role. A role without the permission is refused before
anything runs; a role with it is never refused (it may fail on the placeholder arguments
for other reasons, which is fine: this is about who may, not about what). The matrix
itself is services/core/identity.py's PERMISSIONS, shown in the README's Roles section.
"""

import importlib
import inspect
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Role, User
from db.session import session_scope
from services.core.errors import PermissionDenied
from services.core.identity import PERMISSIONS, Actor

ROOT = Path(__file__).resolve().parents[2]
# Placeholder ids (None) make SQLAlchemy warn; the matrix is about who may, not what.
pytestmark = pytest.mark.filterwarnings("ignore:fully NULL primary key")


def _actions():
    found = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if path.name == "__init__.py" or not (
            rel.name == "actions" or "actions" in rel.parts[2:-1]
        ):
            continue
        module = importlib.import_module(".".join(rel.parts))
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and fn.__module__ == module.__name__:
                found.append((f"{module.__name__.removeprefix('services.')}.{name}", fn))
    return found


ACTIONS = _actions()
GUARDED = [(name, fn) for name, fn in ACTIONS if getattr(fn, "permission", None)]


def test_every_user_action_declares_what_it_needs():
    undeclared = [name for name, fn in ACTIONS if not hasattr(fn, "permission")]
    assert undeclared == []
    assert len(GUARDED) > 90


def test_the_matrix_keeps_read_only_trainees_from_carrying_records_out():
    assert Role.VIEWER not in PERMISSIONS["records.export"]
    exports = {name for name, fn in GUARDED if fn.permission == "records.export"}
    assert {
        "care_plans.actions.plan.print_plan",
        "interop.actions.download_fhir",
        "interop.actions.download_list",
        "scheduling.actions.download_patient_schedule",
        "scheduling.actions.download_staff_week",
    } <= exports


def _placeholders(fn) -> tuple[list, dict]:
    """None for every argument after the actor that has no default."""
    params = list(inspect.signature(inspect.unwrap(fn)).parameters.values())[1:]
    args = [None for p in params if p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
    kwargs = {p.name: None for p in params if p.kind == p.KEYWORD_ONLY and p.default is p.empty}
    return args, kwargs


@pytest.fixture(scope="module")
def clinic_template(tmp_path_factory):
    """A migrated clinic database with one account per role, made once for the module."""
    import os

    from db import config, migrate
    from db.session import dispose_all
    from tests.conftest import make_user

    folder = tmp_path_factory.mktemp("matrix")
    before = os.environ.get("CAREDESK_DATA_DIR")
    os.environ["CAREDESK_DATA_DIR"] = str(folder)
    try:
        url = config.load().clinic_database_url
        migrate.upgrade(url)
        with session_scope(url) as s:
            for role in Role:
                make_user(s, role.value.replace("_", ""), role)
        dispose_all()
    finally:
        if before is None:
            os.environ.pop("CAREDESK_DATA_DIR")
        else:
            os.environ["CAREDESK_DATA_DIR"] = before
    return folder / config.CLINIC_DB_FILE


@pytest.fixture
def clinic(clinic_template):
    """The template copied into this test's own data folder (cheap, and never shared)."""
    from db import config
    from db.session import dispose_all

    target = config.load().data_dir / config.CLINIC_DB_FILE
    config.private_dir(target.parent)
    shutil.copyfile(clinic_template, target)
    yield target
    dispose_all()


@pytest.mark.parametrize("name,fn", GUARDED, ids=[n for n, _ in GUARDED])
def test_each_role_is_allowed_or_refused_as_the_matrix_says(clinic, name, fn):
    wrong = []
    for role in Role:
        with session_scope() as s:
            user = s.scalar(select(User).where(User.role == role))
            actor = Actor(user.id, user.username, user.display_name, Role(user.role))
        args, kwargs = _placeholders(fn)
        allowed = role in PERMISSIONS[fn.permission]
        try:
            fn(actor, *args, **kwargs)
        except PermissionDenied:
            if allowed:
                wrong.append(f"{role} may {fn.permission} but was refused")
            continue
        except Exception:  # noqa: BLE001, S110 - allowed, then failed on the placeholders
            pass
        if not allowed:
            wrong.append(f"{role} lacks {fn.permission} but was let through")
    assert wrong == [], f"{name}: {wrong}"
