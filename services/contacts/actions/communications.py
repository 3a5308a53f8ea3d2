"""The communication log: a call, e-mail, fax, letter or visit with anyone on the page."""

from __future__ import annotations

from db.session import session_scope
from services.contacts import communications
from services.contacts.communications import CommunicationInput
from services.core.identity import Actor, user_action


@user_action("contacts.edit")
def log_communication(
    actor: Actor,
    data: CommunicationInput,
    *,
    acknowledged_consent: bool,
    no_phi_shared: bool = False,
) -> int:
    """Log a call, e-mail or visit; with a family member lacking consent on file, the user
    has said first whether consent was verified or no PHI was shared."""
    with session_scope() as s:
        return communications.log_communication(
            s, actor, data, acknowledged_consent=acknowledged_consent, no_phi_shared=no_phi_shared
        ).id
