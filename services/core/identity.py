"""Who is acting, and what each role may do.

Services take an `Actor` for permission checks and the audit trail; pages get one
from the sign-in guard.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from db.models import Role
from services.core.errors import PermissionDenied

ALL = frozenset(Role)
CLINICAL = frozenset({Role.ADMIN, Role.NURSE, Role.SOCIAL_WORKER})
FRONT_DESK = CLINICAL | {Role.SCHEDULER}

# permission -> roles that hold it
PERMISSIONS: dict[str, frozenset[Role]] = {
    "patients.read": ALL,
    "patients.edit": FRONT_DESK,
    "clinical.read": ALL,  # assessments, plans: viewer and scheduler read
    "clinical.edit": CLINICAL,  # assessments, plans, referrals
    "schedule.edit": FRONT_DESK,
    "contacts.edit": FRONT_DESK,  # directory and communication log
    "referrals.edit": CLINICAL,
    # Taking PHI out of CareDesk (printouts, FHIR, calendar files): not for read-only
    # trainees, who may look but not carry records out of the building.
    "records.export": FRONT_DESK,
    "admin": frozenset({Role.ADMIN}),
}

ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.NURSE: "Nurse case manager",
    Role.SOCIAL_WORKER: "Social worker",
    Role.SCHEDULER: "Scheduler (front desk)",
    Role.VIEWER: "Viewer (read only)",
}


@dataclass(frozen=True)
class Actor:
    id: int | None
    username: str
    display_name: str
    role: Role
    # A fingerprint of the password the person signed in with: a reset by an administrator
    # changes it, which ends every session opened with the old one.
    credential: str = ""

    def can(self, permission: str) -> bool:
        return Role(self.role) in PERMISSIONS[permission]


SYSTEM = Actor(id=None, username="system", display_name="CareDesk", role=Role.ADMIN)


def require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise PermissionDenied(f"Your role ({actor.role}) cannot do this.")


Fn = TypeVar("Fn", bound=Callable)


def user_action(permission: str | None) -> Callable[[Fn], Fn]:
    """Declare what a user action needs, and refuse it before anything else runs.

    Every public function of a room's actions module carries one (the role x action
    matrix test walks them all). `None` marks the few that run before sign-in or for
    any signed-in person (sign-in itself, first-run setup, signing out).
    """
    if permission is not None and permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def declare(fn: Fn) -> Fn:
        if permission is None:
            fn.permission = None
            return fn

        @functools.wraps(fn)
        def checked(actor: Actor, *args, **kwargs):
            require(actor, permission)
            return fn(actor, *args, **kwargs)

        checked.permission = permission
        return checked  # type: ignore[return-value]

    return declare
