"""The referral status machine (HL7 Gravity SDOH statuses): which status may follow which.

Closed referrals move on only by reopening, which needs a reason (checked in referrals).
"""

from __future__ import annotations

from db.models import ReferralStatus

R = ReferralStatus
STATUSES = [x.value for x in ReferralStatus]
CLOSED = {R.COMPLETED, R.CANCELLED, R.REJECTED}
OPEN = [R.DRAFT, R.REQUESTED, R.RECEIVED, R.ACCEPTED, R.IN_PROGRESS, R.ON_HOLD]
AWAITING_ANSWER = {R.REQUESTED, R.RECEIVED}  # sent, and the organization has not yet decided
# status -> statuses it may move to (closed ones only by reopening, with a reason)
TRANSITIONS: dict[ReferralStatus, set[ReferralStatus]] = {
    R.DRAFT: {R.REQUESTED, R.CANCELLED},
    R.REQUESTED: {R.RECEIVED, R.ACCEPTED, R.REJECTED, R.ON_HOLD, R.CANCELLED},
    R.RECEIVED: {R.ACCEPTED, R.REJECTED, R.ON_HOLD, R.CANCELLED},
    R.ACCEPTED: {R.IN_PROGRESS, R.COMPLETED, R.ON_HOLD, R.CANCELLED},
    R.IN_PROGRESS: {R.COMPLETED, R.ON_HOLD, R.CANCELLED},
    R.ON_HOLD: {R.REQUESTED, R.RECEIVED, R.ACCEPTED, R.IN_PROGRESS, R.CANCELLED},
    R.REJECTED: {R.DRAFT, R.REQUESTED},
    R.COMPLETED: {R.IN_PROGRESS},
    R.CANCELLED: {R.DRAFT, R.REQUESTED},
}


def allowed_next(status: str) -> list[str]:
    return [x.value for x in ReferralStatus if x in TRANSITIONS[ReferralStatus(status)]]
