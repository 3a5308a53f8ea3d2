"""One-click actions taken on what a screen showed are refused when someone changed the
record meanwhile, with both versions, and change nothing (issue: trust, stale saves):
prior-authorization status, ride confirmation, patient archive and restore, taking a family
member off the list, and the directory's verify, remove and restore."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from db.models import TransportBooking
from services.contacts import directory, family, prior_auths
from services.contacts.family import RelatedPersonInput
from services.contacts.prior_auths import PriorAuthInput
from services.core.errors import Conflict
from services.patients import registry
from services.scheduling import appointments as scheduling
from services.scheduling import transport
from tests.unit.contacts_helpers import org, patient
from tests.unit.test_contacts_family import _coverage
from tests.unit.test_scheduling import at, data, make_patient


def _refused(call, *args, **kw) -> Conflict:
    with pytest.raises(Conflict) as exc:
        call(*args, **kw)
    assert "Someone else changed this" in str(exc.value)
    assert exc.value.theirs, "what the record holds now is shown"
    return exc.value


def test_prior_auth_status_on_a_stale_screen(s, nurse):
    pa = prior_auths.request_prior_auth(
        s, nurse, _coverage(s, nurse, patient(s)).id, PriorAuthInput("PT visits", date(2026, 3, 1))
    )
    shown = pa.version
    prior_auths.set_prior_auth_status(s, nurse, pa.id, "submitted", reference_number="R-1")
    # this screen still showed the draft: "submitted" again would send it twice
    conflict = _refused(
        prior_auths.set_prior_auth_status, s, nurse, pa.id, "submitted",
        reference_number="R-2", version=shown,
    )  # fmt: skip
    assert conflict.theirs["reference_number"] == "R-1"
    assert pa.reference_number == "R-1"
    prior_auths.set_prior_auth_status(
        s, nurse, pa.id, "denied", decision_on=date(2026, 3, 9), version=pa.version
    )
    assert pa.status == "denied"


def test_ride_confirmation_on_a_stale_list(s, nurse):
    a = scheduling.book_appointment(
        s, nurse, data(make_patient(s), nurse.id, at(2026, 7, 1, 9), needs_transport=True)
    ).appointment
    ride = s.query(TransportBooking).one()
    shown = ride.version
    ride.pickup_at = a.start_at - timedelta(hours=2)  # a colleague moves the pick-up
    s.flush()
    _refused(transport.set_confirmed, s, nurse, ride.id, True, version=shown)
    assert ride.confirmed is False
    transport.set_confirmed(s, nurse, ride.id, True, version=ride.version)
    assert ride.confirmed is True


def test_patient_archive_and_restore_on_a_stale_record(s, nurse):
    p = patient(s)
    shown = p.version
    p.city = "Quincy"  # a colleague's edit meanwhile
    s.flush()
    _refused(registry.archive_patient, s, nurse, p.id, "moved away", version=shown)
    assert p.status == "active"
    registry.archive_patient(s, nurse, p.id, "moved away", version=p.version)
    shown = p.version
    p.city = "Braintree"
    s.flush()
    _refused(registry.restore_patient, s, nurse, p.id, version=shown)
    assert p.status == "archived"


def test_taking_a_family_member_off_the_list_on_a_stale_screen(s, nurse):
    person = family.add_related_person(
        s, nurse, patient(s).id, RelatedPersonInput(name="Rosa Vega"), region="US"
    )
    shown = person.version
    person.phone = "+16175550144"  # a colleague's correction meanwhile
    s.flush()
    _refused(family.archive_related_person, s, nurse, person.id, "moved", version=shown)
    assert person.status == "active"
    family.archive_related_person(s, nurse, person.id, "moved", version=person.version)
    assert (person.status, person.status_reason) == ("archived", "moved")


def test_directory_verify_remove_and_restore_on_a_stale_screen(s, nurse):
    o = org(s, nurse, "Harbor Meals", "food/meals")
    shown = o.version
    o.phone = "+16175550199"  # a colleague's correction meanwhile
    s.flush()
    _refused(directory.mark_verified, s, nurse, o.id, version=shown)
    _refused(directory.remove_organization, s, nurse, o.id, "closed", version=shown)
    assert o.status == "active"
    directory.remove_organization(s, nurse, o.id, "closed", version=o.version)
