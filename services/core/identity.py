"""Who is acting, and what each role may do.

Services take an `Actor` for permission checks and the audit trail; pages get one
from the sign-in guard.
"""

from __future__ import annotations

from dataclasses import dataclass

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
