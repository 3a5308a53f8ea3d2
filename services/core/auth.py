"""Staff accounts: passwords (argon2), sign-in with lockout, user administration."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Role, User
from services.core import audit
from services.core.audit import Action
from services.core.contact_data import normalize_phone
from services.core.errors import InvalidInput, NotFound
from services.core.identity import ROLE_LABELS, Actor, require

MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Unknown names are checked against this, so a wrong name takes as long as a wrong
# password and the timing does not tell who has an account.
_NOBODY = _hasher.hash(secrets.token_hex(16))
# A check against the most common choices; the length rule does most of the work.
_COMMON = {
    "password",
    "password1",
    "password123",
    "1234567890",
    "qwertyuiop",
    "caredesk123",
    "letmein123",
    "welcome123",
    "iloveyou12",
    "adminadmin",
}
USERNAME_RE = re.compile(r"^[a-z0-9._-]{2,64}$")


@dataclass(frozen=True)
class SignInOutcome:
    """Either the signed-in actor or a plain sentence for the form.

    Returned rather than raised so the caller's transaction commits the failed-attempt
    counter and its audit event.
    """

    actor: Actor | None
    message: str = ""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problems(password: str, username: str = "") -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if not (re.search(r"[A-Za-z]", password) and re.search(r"[^A-Za-z]", password)):
        problems.append("Mix letters with numbers or symbols.")
    if password.lower() in _COMMON or (username and username.lower() in password.lower()):
        problems.append(
            "Choose something less easy to guess (not your username or a common password)."
        )
    return problems


def _credential(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _actor(user: User) -> Actor:
    return Actor(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        credential=_credential(user.password_hash),
    )


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class AccessCheck:
    """The account as it is now, re-read on every click of an open session."""

    actor: Actor | None  # None: the session must end
    message: str = ""  # why it ended, or what changed, in plain words


def recheck(s: Session, actor: Actor) -> AccessCheck:
    """Deactivation, a role change and a password reset take effect on the next click."""
    user = s.get(User, actor.id) if actor.id is not None else None
    if user is None or not user.active:
        return AccessCheck(None, "Your account has been deactivated. Ask an administrator.")
    if actor.credential and _credential(user.password_hash) != actor.credential:
        return AccessCheck(None, "Your password was reset. Sign in with the new password.")
    now = _actor(user)
    if now.role != actor.role:
        label = ROLE_LABELS[now.role]
        return AccessCheck(now, f"Your role is now {label}: what you can do has changed.")
    return AccessCheck(now)


def has_users(s: Session) -> bool:
    return s.scalar(select(func.count(User.id))) > 0


def sign_in(s: Session, username: str, password: str, now: datetime | None = None) -> SignInOutcome:
    """Check a password; a failure carries a message fit to show as is.

    Five wrong passwords in a row lock the account for 15 minutes. Unknown names get the
    same message as wrong passwords so the form does not reveal who has an account.
    """
    now = now or utcnow()
    name = username.strip().lower()
    user = s.scalar(select(User).where(User.username == name))
    # Every path checks one password hash, so all take the same time.
    matches = _password_matches(user.password_hash if user else _NOBODY, password)
    if user is None or not user.active:
        audit.record(
            s, None, Action.SIGN_IN_FAILED, entity="user", success=False, username=name[:64] or "?"
        )
        return SignInOutcome(None, "Wrong username or password.")
    if user.locked_until and user.locked_until > now:
        minutes = max(1, round((user.locked_until - now).total_seconds() / 60))
        audit.record(
            s,
            _actor(user),
            Action.SIGN_IN_FAILED,
            entity="user",
            entity_id=user.id,
            success=False,
            detail={"reason": "locked"},
        )
        return SignInOutcome(
            None,
            f"This account is locked after {MAX_FAILED_SIGN_INS} wrong passwords. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}, or ask an administrator to reset it.",
        )
    if not matches:
        user.failed_sign_ins += 1
        locked = user.failed_sign_ins >= MAX_FAILED_SIGN_INS
        if locked:
            user.locked_until = now + LOCKOUT
            user.failed_sign_ins = 0
        audit.record(
            s,
            _actor(user),
            Action.SIGN_IN_FAILED,
            entity="user",
            entity_id=user.id,
            success=False,
            detail={"locked": locked},
        )
        if locked:
            return SignInOutcome(
                None,
                f"That was the {MAX_FAILED_SIGN_INS}th wrong password: this account is now locked "
                f"for {int(LOCKOUT.total_seconds() // 60)} minutes.",
            )
        return SignInOutcome(None, "Wrong username or password.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = now
    actor = _actor(user)
    audit.record(s, actor, Action.SIGN_IN, entity="user", entity_id=user.id)
    return SignInOutcome(actor)


def sign_out(s: Session, actor: Actor, reason: str = "signed out") -> None:
    audit.record(
        s, actor, Action.SIGN_OUT, entity="user", entity_id=actor.id, detail={"reason": reason}
    )


def _validate_new_user(s: Session, username: str, display_name: str, role: str) -> dict[str, str]:
    errors = {}
    if not USERNAME_RE.match(username):
        errors["username"] = "Use 2–64 lowercase letters, digits, dots, dashes or underscores."
    elif s.scalar(select(User.id).where(User.username == username)):
        errors["username"] = "That username is taken."
    if not display_name.strip():
        errors["display_name"] = "Enter the name colleagues know this person by."
    if role not in {r.value for r in Role}:
        errors["role"] = "Choose a role."
    return errors


def _create(
    s: Session,
    actor: Actor | None,
    username: str,
    display_name: str,
    role: str,
    password: str,
    password_again: str | None,
    *,
    check_strength: bool = True,
) -> User:
    username = username.strip().lower()
    errors = _validate_new_user(s, username, display_name, role)
    problems = password_problems(password, username) if check_strength else []
    if problems:
        errors["password"] = " ".join(problems)
    if password_again is not None and password != password_again:
        errors["password_again"] = "The two passwords differ."
    if errors:
        raise InvalidInput(errors)
    user = User(
        username=username,
        display_name=display_name.strip(),
        role=Role(role),
        password_hash=hash_password(password),
    )
    s.add(user)
    s.flush()
    audit.record(
        s,
        actor or _actor(user),
        Action.USER_CHANGE,
        entity="user",
        entity_id=user.id,
        detail={"created": username, "role": str(role)},
    )
    return user


def create_first_admin(
    s: Session, username: str, display_name: str, password: str, password_again: str
) -> Actor:
    """First-run setup: only while the database has no users at all."""
    if has_users(s):
        raise InvalidInput(
            {"username": "This clinic already has an administrator. Sign in instead."}
        )
    return _actor(_create(s, None, username, display_name, Role.ADMIN, password, password_again))


def create_user(
    s: Session,
    actor: Actor,
    username: str,
    display_name: str,
    role: str,
    password: str,
    password_again: str | None = None,
    *,
    check_strength: bool = True,
) -> User:
    require(actor, "admin")
    return _create(
        s,
        actor,
        username,
        display_name,
        role,
        password,
        password_again,
        check_strength=check_strength,
    )


def list_users(s: Session) -> list[User]:
    return list(s.scalars(select(User).order_by(User.active.desc(), User.display_name)))


def staff_choices(s: Session) -> dict[int, str]:
    """Active staff for owner / case-manager pickers."""
    rows = s.execute(
        select(User.id, User.display_name).where(User.active).order_by(User.display_name)
    )
    return {r.id: r.display_name for r in rows}


def _get(s: Session, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def _active_admins(s: Session) -> int:
    return s.scalar(select(func.count(User.id)).where(User.active, User.role == Role.ADMIN))


def change_role(s: Session, actor: Actor, user_id: int, role: str) -> None:
    require(actor, "admin")
    user = _get(s, user_id)
    if role not in {r.value for r in Role}:
        raise InvalidInput({"role": "Choose a role."})
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active and _active_admins(s) <= 1:
        raise InvalidInput(
            {"role": "This is the last active administrator; make someone else one first."}
        )
    before = user.role
    user.role = Role(role)
    audit.record(
        s,
        actor,
        Action.USER_CHANGE,
        entity="user",
        entity_id=user.id,
        detail={"role": {"before": str(before), "after": str(role)}},
    )


def set_phone(s: Session, actor: Actor, user_id: int, phone: str, region: str) -> None:
    """A staff member's direct line (checked, stored E.164; blank removes it)."""
    require(actor, "admin")
    user = _get(s, user_id)
    try:
        number = normalize_phone(phone, region)
    except ValueError as exc:
        raise InvalidInput({"phone": str(exc)}) from None
    before, user.phone = user.phone, number
    audit.record(
        s,
        actor,
        Action.USER_CHANGE,
        entity="user",
        entity_id=user.id,
        detail={"phone": {"before": before, "after": number}},
    )


def set_active(s: Session, actor: Actor, user_id: int, active: bool) -> None:
    require(actor, "admin")
    user = _get(s, user_id)
    if not active and user.role == Role.ADMIN and user.active and _active_admins(s) <= 1:
        raise InvalidInput({"active": "This is the last active administrator."})
    user.active = active
    audit.record(
        s,
        actor,
        Action.USER_CHANGE,
        entity="user",
        entity_id=user.id,
        detail={"active": {"before": not active, "after": active}},
    )


def reset_password(s: Session, actor: Actor, user_id: int, password: str) -> None:
    require(actor, "admin")
    user = _get(s, user_id)
    problems = password_problems(password, user.username)
    if problems:
        raise InvalidInput({"password": " ".join(problems)})
    user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    audit.record(
        s, actor, Action.USER_CHANGE, entity="user", entity_id=user.id, detail={"password": "reset"}
    )
