"""Appointments and rides pick their provider and vendor from the Contacts directory."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from db.models import Appointment, Organization
from services.contacts import directory
from services.core.errors import InvalidInput
from services.scheduling import agenda, providers, transport
from services.scheduling import appointments as scheduling
from services.scheduling import feed as calendar_feed
from services.scheduling.transport import TransportInput
from services.scheduling.validation import AppointmentInput
from tests.unit.contacts_helpers import org, patient

START = datetime(2026, 7, 1, 13, tzinfo=UTC)


def visit(p, **kw) -> AppointmentInput:
    kw.setdefault("kind", "medical appointment")
    return AppointmentInput(patient_id=p.id, start=START, end=START + timedelta(hours=1), **kw)


@pytest.fixture
def cardiology(s, nurse) -> Organization:
    return org(
        s, nurse, name="Riverside Heart Associates", org_type="specialist",
        services="cardiology; heart failure clinic", address="200 River St, Boston, MA",
    )  # fmt: skip


def test_a_linked_provider_gives_its_name_and_address(s, nurse, cardiology):
    a = scheduling.book_appointment(
        s, nurse, visit(patient(s), provider_contact_id=cardiology.id)
    ).appointment
    assert (a.provider, a.provider_contact_id) == ("Riverside Heart Associates", cardiology.id)
    assert a.location == "200 River St, Boston, MA"
    shown = dict((r[""], r[" "]) for r in agenda.details(a, "America/New_York"))
    assert shown["Provider or facility"] == "Riverside Heart Associates · (617) 555-0101"


def test_a_typed_location_and_a_remote_kind_keep_their_own_place(s, nurse, cardiology):
    p = patient(s)
    typed = scheduling.book_appointment(
        s, nurse, visit(p, provider_contact_id=cardiology.id, location="Room 3, 2nd floor")
    ).appointment
    later = replace(
        visit(p, kind="telehealth", provider_contact_id=cardiology.id),
        start=START + timedelta(hours=3),
        end=START + timedelta(hours=4),
    )
    call = scheduling.book_appointment(s, nurse, later).appointment
    assert typed.location == "Room 3, 2nd floor"
    assert call.location is None and call.provider == "Riverside Heart Associates"


def test_a_name_typed_by_hand_is_kept_without_a_link(s, nurse):
    a = scheduling.book_appointment(
        s, nurse, visit(patient(s), provider="  Dr. Okafor's private practice ")
    ).appointment
    assert (a.provider, a.provider_contact_id) == ("Dr. Okafor's private practice", None)
    shown = dict((r[""], r[" "]) for r in agenda.details(a, "America/New_York"))
    assert shown["Provider or facility"] == "Dr. Okafor's private practice"


def test_an_unknown_or_archived_entry_is_refused_at_the_field(s, nurse, cardiology):
    p = patient(s)
    with pytest.raises(InvalidInput) as err:
        scheduling.book_appointment(s, nurse, visit(p, provider_contact_id=987654))
    assert "no longer in the directory" in err.value.errors["provider"]
    referral_target = org(s, nurse, name="Old Clinic", org_type="primary care")
    s.execute(
        update(Organization).where(Organization.id == referral_target.id).values(status="archived")
    )
    with pytest.raises(InvalidInput) as err:
        scheduling.book_appointment(s, nurse, visit(p, provider_contact_id=referral_target.id))
    assert "Old Clinic was archived" in err.value.errors["provider"]
    assert s.scalars(select(Appointment)).all() == []


def test_an_appointment_already_linked_to_an_archived_entry_can_still_be_edited(
    s, nurse, cardiology
):
    a = scheduling.book_appointment(
        s, nurse, visit(patient(s), provider_contact_id=cardiology.id)
    ).appointment
    assert directory.remove_organization(s, nurse, cardiology.id, "Practice closed") == "archived"
    edit = AppointmentInput.from_appointment(a)
    edit.notes = "Bring medication list"
    scheduling.update_appointment(s, nurse, a.id, edit, a.version)
    assert (a.notes, a.provider_contact_id) == ("Bring medication list", cardiology.id)


def test_the_link_is_a_real_foreign_key(s, nurse):
    a = scheduling.book_appointment(s, nurse, visit(patient(s))).appointment
    with pytest.raises(IntegrityError), s.begin_nested():
        s.execute(
            update(Appointment).where(Appointment.id == a.id).values(provider_contact_id=424242)
        )


def test_provider_picker_searches_and_otherwise_offers_the_usual_places(s, nurse, cardiology):
    org(s, nurse, name="Bayview Health Plan", org_type="insurer", services="cardiology cover")
    lab = org(s, nurse, name="Community Lab Services", org_type="hospital/facility")
    assert providers.provider_choices(s, "CARDIO") == {
        cardiology.id: "Riverside Heart Associates (specialist)"
    }  # the insurer mentions cardiology but is never a place of care
    assert providers.provider_choices(s) == {}  # nothing booked yet
    p = patient(s)
    scheduling.book_appointment(s, nurse, visit(p, provider_contact_id=cardiology.id))
    next_day = dict(start=START + timedelta(days=1), end=START + timedelta(days=1, hours=1))
    scheduling.book_appointment(s, nurse, replace(visit(p, provider_contact_id=lab.id), **next_day))
    assert list(providers.provider_choices(s)) == [lab.id, cardiology.id]  # latest first
    assert lab.id in providers.provider_choices(s, "zzz", include=(lab.id,))


def test_a_ride_links_its_vendor_and_the_call_list_shows_the_vendor_phone(s, nurse):
    van = org(s, nurse, name="Blue Van Medical Transport", org_type="transport vendor")
    org(s, nurse, name="Harbor Dialysis", org_type="specialist")
    assert providers.vendor_choices(s) == {van.id: "Blue Van Medical Transport"}
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    a = scheduling.book_appointment(
        s, nurse,
        AppointmentInput(kind="medical appointment", patient_id=patient(s).id, start=start,
                         end=start + timedelta(hours=1), needs_transport=True),
    ).appointment  # fmt: skip
    ride = transport.save_transport(
        s, nurse, a.id,
        TransportInput(pickup_at=start - timedelta(hours=1), vendor_contact_id=van.id),
    )  # fmt: skip
    assert (ride.vendor, ride.vendor_contact_id) == ("Blue Van Medical Transport", van.id)
    assert transport.ride_values(a)["vendor_contact_id"] == van.id
    (row,) = [transport.ride_row(t, "UTC") for t in transport.unconfirmed_transport(s)]
    assert row["Vendor"] == "Blue Van Medical Transport · (617) 555-0101"
    with pytest.raises(InvalidInput) as err:
        transport.save_transport(
            s,
            nurse,
            a.id,
            TransportInput(pickup_at=start - timedelta(hours=1), vendor_contact_id=5),
        )
    assert "vendor" in err.value.errors


def test_a_directory_entry_used_by_an_appointment_is_archived_not_deleted(s, nurse, cardiology):
    scheduling.book_appointment(s, nurse, visit(patient(s), provider_contact_id=cardiology.id))
    assert directory.has_history(s, cardiology.id)
    assert directory.remove_organization(s, nurse, cardiology.id, "Moved away") == "archived"
    assert s.get(Organization, cardiology.id).status == "archived"


def test_changing_the_provider_moves_the_place_with_it_unless_typed(s, nurse, cardiology):
    lab = org(s, nurse, name="Community Lab", org_type="hospital/facility", address="1 Lab Way")
    a = scheduling.book_appointment(
        s, nurse, visit(patient(s), provider_contact_id=cardiology.id)
    ).appointment
    edit = replace(AppointmentInput.from_appointment(a), provider_contact_id=lab.id)
    scheduling.update_appointment(s, nurse, a.id, edit, a.version)
    assert (a.provider, a.location) == ("Community Lab", "1 Lab Way")
    typed = replace(
        AppointmentInput.from_appointment(a), location="Annex B", provider_contact_id=None
    )
    scheduling.update_appointment(s, nurse, a.id, typed, a.version)
    back = replace(AppointmentInput.from_appointment(a), provider_contact_id=cardiology.id)
    scheduling.update_appointment(s, nurse, a.id, back, a.version)
    assert a.location == "Annex B"  # a place the nurse typed is never overwritten


def test_only_fitting_entries_can_be_linked(s, nurse):
    insurer = org(s, nurse, name="Bay State Health Plan", org_type="insurer")
    clinic = org(s, nurse, name="Eastside Family Medicine", org_type="primary care")
    with pytest.raises(InvalidInput) as err:
        scheduling.book_appointment(s, nurse, visit(patient(s), provider_contact_id=insurer.id))
    assert "Bay State Health Plan (insurer) does not fit" in err.value.errors["provider"]
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    a = scheduling.book_appointment(
        s, nurse,
        AppointmentInput(kind="medical appointment", patient_id=patient(s, "Bo").id, start=start,
                         end=start + timedelta(hours=1), needs_transport=True),
    ).appointment  # fmt: skip
    pickup = start - timedelta(hours=1)
    with pytest.raises(InvalidInput) as err:
        transport.save_transport(
            s, nurse, a.id, TransportInput(pickup_at=pickup, vendor_contact_id=clinic.id)
        )
    assert "vendor" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        transport.save_transport(s, nurse, a.id, TransportInput(pickup_at=pickup, vendor="x" * 201))
    assert "200 characters" in err.value.errors["vendor"]


def test_a_name_typed_before_the_entry_existed_is_matched_to_it(s, nurse, cardiology):
    assert providers.entry_named(s, "riverside heart ASSOCIATES", providers.is_provider) == (
        cardiology.id
    )
    assert providers.entry_named(s, "Riverside Heart Associates", providers.is_vendor) is None
    assert providers.entry_named(s, "Riverside", providers.is_provider) is None  # exact only
    org(s, nurse, name="Riverside Heart Associates", org_type="specialist", address="2 Elm")
    assert providers.entry_named(s, "Riverside Heart Associates", providers.is_provider) is None


def test_an_entry_lists_what_is_coming_up_with_it(s, nurse):
    van = org(s, nurse, name="Blue Van Medical Transport", org_type="transport vendor")
    lab = org(s, nurse, name="Community Lab", org_type="hospital/facility")
    now = datetime(2026, 7, 1, 12, tzinfo=UTC)
    p = patient(s, "Rosa", "Diaz")

    def book(days, **kw):
        start = now + timedelta(days=days)
        return scheduling.book_appointment(
            s, nurse,
            AppointmentInput(kind="medical appointment", patient_id=p.id, title="Lab draw",
                             start=start, end=start + timedelta(hours=1), **kw),
        ).appointment  # fmt: skip

    past, soon = book(-2, provider_contact_id=lab.id), book(3, provider_contact_id=lab.id)
    gone = book(5, provider_contact_id=lab.id)
    scheduling.cancel_appointment(s, nurse, gone.id, "Patient declined")
    transport.save_transport(
        s, nurse, soon.id,
        TransportInput(pickup_at=soon.start_at - timedelta(hours=1), vendor_contact_id=van.id),
    )  # fmt: skip
    rows = providers.coming_up_with(s, lab.id, "UTC", now=now)
    assert [(r["When"], r["Patient"], r["What"]) for r in rows] == [
        ("Sat Jul 4 12:00", "Diaz, Rosa", "Lab draw")
    ]  # not the past one, not the cancelled one
    assert past.id != soon.id
    (ride,) = providers.coming_up_with(s, van.id, "UTC", now=now)
    assert (ride["What"], ride["Status"], ride["When"]) == (
        "Ride to Lab draw",
        "not confirmed",
        "Sat Jul 4 11:00",
    )


def test_rides_not_wanted_or_for_archived_patients_are_not_chased(s, nurse):
    from services.patients import registry as patient_service

    van = org(s, nurse, name="Blue Van Medical Transport", org_type="transport vendor")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    booked = []
    for given in ("Ann", "Ben", "Cy"):
        a = scheduling.book_appointment(
            s, nurse,
            AppointmentInput(kind="medical appointment", patient_id=patient(s, given).id,
                             start=start, end=start + timedelta(hours=1), needs_transport=True),
        ).appointment  # fmt: skip
        transport.save_transport(
            s, nurse, a.id,
            TransportInput(pickup_at=start - timedelta(hours=1), vendor_contact_id=van.id),
        )  # fmt: skip
        booked.append(a)
    unticked = replace(AppointmentInput.from_appointment(booked[1]), needs_transport=False)
    scheduling.update_appointment(s, nurse, booked[1].id, unticked, booked[1].version)
    patient_service.archive_patient(s, nurse, booked[2].patient_id, "Moved away")
    assert [t.appointment_id for t in transport.unconfirmed_transport(s)] == [booked[0].id]
    rows = providers.coming_up_with(s, van.id, "UTC")
    assert [r["Patient"] for r in rows] == [booked[0].patient.display_name]
    assert calendar_feed.transport_event(booked[1], "UTC") is None  # no ride block either
