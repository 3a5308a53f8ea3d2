"""A patient's insurance: coverage (add, correct, end) and prior authorizations (request,
correct, record the payer's decision)."""

from __future__ import annotations

from datetime import date

from db.session import read_scope, session_scope
from services.contacts import coverage, directory_search, prior_auths
from services.contacts.coverage import CoverageInput
from services.contacts.prior_auths import PriorAuthInput
from services.core.identity import Actor, user_action


@user_action("patients.read")
def insurer_options(actor: Actor) -> dict[int, str]:
    with read_scope() as s:
        return directory_search.organization_choices(s, "insurer", limit=500)


@user_action("referrals.edit")
def add_coverage(actor: Actor, patient_id: int, data: CoverageInput) -> None:
    with session_scope() as s:
        coverage.add_coverage(s, actor, patient_id, data)


@user_action("referrals.edit")
def coverage_for_edit(actor: Actor, coverage_id: int) -> tuple[CoverageInput, int, dict[int, str]]:
    """The saved coverage as form values, its version, and its insurer as a picker choice
    (kept even if the insurer was archived in the directory since)."""
    with read_scope() as s:
        cov = coverage.get_coverage(s, actor, coverage_id)
        payer = {cov.payer_id: f"{cov.payer.name} ({cov.payer.org_type})"}
        return coverage.coverage_input(cov), cov.version, payer


@user_action("referrals.edit")
def correct_coverage(
    actor: Actor, coverage_id: int, data: CoverageInput, version: int | None
) -> None:
    with session_scope() as s:
        coverage.correct_coverage(s, actor, coverage_id, data, version)


@user_action("referrals.edit")
def end_coverage(actor: Actor, coverage_id: int, end_on: date, version: int | None) -> None:
    with session_scope() as s:
        coverage.end_coverage(s, actor, coverage_id, end_on, version)


@user_action("referrals.edit")
def request_prior_auth(actor: Actor, coverage_id: int, data: PriorAuthInput) -> None:
    with session_scope() as s:
        prior_auths.request_prior_auth(s, actor, coverage_id, data)


@user_action("referrals.edit")
def prior_auth_for_edit(actor: Actor, pa_id: int) -> tuple[PriorAuthInput, int]:
    with read_scope() as s:
        pa = prior_auths.get_prior_auth(s, actor, pa_id)
        return prior_auths.prior_auth_input(pa), pa.version


@user_action("referrals.edit")
def correct_prior_auth(actor: Actor, pa_id: int, data: PriorAuthInput, version: int | None) -> None:
    with session_scope() as s:
        prior_auths.correct_prior_auth(s, actor, pa_id, data, version)


@user_action("referrals.edit")
def set_prior_auth(
    actor: Actor,
    pa_id: int,
    status: str,
    *,
    decision_on: date | None = None,
    approved_units: int | None = None,
    expires_on: date | None = None,
    reference_number: str | None = None,
    version: int | None = None,
) -> None:
    """The payer's decision on the authorization the screen showed (`version`)."""
    with session_scope() as s:
        prior_auths.set_prior_auth_status(
            s,
            actor,
            pa_id,
            status,
            decision_on=decision_on,
            approved_units=approved_units,
            expires_on=expires_on,
            reference_number=reference_number,
            version=version,
        )
