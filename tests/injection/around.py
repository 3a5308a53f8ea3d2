"""The corpus around the patient: the directory (and its import), Contacts, the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from db.base import today as clinic_today
from db.models import Organization, OrgType
from tests.injection.payloads import hostile


class AroundSteps:
    """Steps of `Corpus` (tests.injection) for the directory, Contacts and the calendar."""

    def directory(self) -> None:
        from services.contacts import directory as d
        from services.contacts.directory import OrgInput, PersonInput

        def org(tag: str, org_type: str, **extra) -> Organization:
            return d.create_organization(
                self.s,
                self.nurse,
                OrgInput(
                    name=self.v(f"{tag}.name", 200),
                    org_type=org_type,
                    services=self.v(f"{tag}.services"),
                    phone="(617) 555-0100",
                    email="intake@agency.example",
                    address=self.v(f"{tag}.address", 300),
                    hours=self.v(f"{tag}.hours", 200),
                    languages=self.v(f"{tag}.languages", 200),
                    eligibility_notes=self.v(f"{tag}.eligibility_notes", lines=True, long=True),
                    accepted_insurers=self.v(f"{tag}.accepted_insurers"),
                    website="javascript:alert(16)",
                    **extra,
                ),
                region=self.region,
            )

        self.agency = org("org", OrgType.HOME_HEALTH.value)
        self.insurer = org("insurer", OrgType.INSURER.value)
        self.vendor_org = org("vendor", OrgType.TRANSPORT.value)
        self.clinic = org("clinic", OrgType.PRIMARY_CARE.value)
        person = d.add_person(
            self.s,
            self.nurse,
            self.agency.id,
            PersonInput(
                name=self.v("person.name", 200),
                role=self.v("person.role", 120),
                phone="(617) 555-0101",
                preferred_method="phone",
            ),
            region=self.region,
        )
        self.person_id = person.id
        self.out.ids |= {"org": self.agency.id, "insurer": self.insurer.id}
        self.imported()

    def imported(self) -> None:
        """An organization that came in through the directory's CSV import."""
        import csv
        import io

        from services.contacts import directory_import
        from services.contacts.directory import COLUMNS

        limits = {"name": 200, "address": 300, "hours": 200, "languages": 200}
        row = {c: self.v(f"import.{c}", limits.get(c), lines=c == "eligibility_notes")
               for c in ("name", "services", "address", "hours", "languages",
                         "eligibility_notes", "accepted_insurers")}  # fmt: skip
        row |= {"type": "food/meals", "phone": "(617) 555-0123", "website": "javascript:alert(17)"}
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
        self.import_csv = buf.getvalue()
        result = directory_import.apply_import(
            self.s, self.nurse, self.import_csv, duplicates="skip", region=self.region
        )
        assert (result.added, result.errors) == (1, 0), result

    # ------------------------------------------------------------------ definitions

    def contacts(self) -> None:
        from services.contacts import communications, coverage, family, prior_auths, referrals
        from services.contacts.communications import CommunicationInput
        from services.contacts.coverage import CoverageInput
        from services.contacts.family import ConsentInput, RelatedPersonInput
        from services.contacts.prior_auths import PriorAuthInput
        from services.contacts.referrals import ReferralInput

        s, nurse, pid, region = self.s, self.nurse, self.out.patient_id, self.region
        relative = family.add_related_person(
            s,
            nurse,
            pid,
            RelatedPersonInput(
                name=self.v("family.name", 200),
                relationship="son",
                phone="(617) 555-0190",
                language=self.v("family.language", 40),
            ),
            region=region,
        )
        family.record_consent(
            s,
            nurse,
            relative.id,
            ConsentInput(
                scope="care coordination",
                given_on=clinic_today() - timedelta(days=400),
                expires_on=clinic_today() - timedelta(days=1),
                document_reference=self.v("consent.document_reference", 200),
            ),
        )
        self.refused(
            "family.relationship",
            lambda: family.add_related_person(
                s, nurse, pid,
                RelatedPersonInput(name="Someone", relationship=hostile("relationship", 60)),
                region=region,
            ),
        )  # fmt: skip
        gone = family.add_related_person(
            s, nurse, pid, RelatedPersonInput(name=self.v("family.archived_name", 200)),
            region=region,
        )  # fmt: skip
        family.archive_related_person(s, nurse, gone.id, self.v("family.archive_reason"))
        cov = coverage.add_coverage(
            s,
            nurse,
            pid,
            CoverageInput(
                payer_id=self.insurer.id,
                plan_name=self.v("coverage.plan_name", 200),
                member_id=self.v("coverage.member_id", 60),
                group_number=self.v("coverage.group_number", 60),
                start_on=clinic_today() - timedelta(days=100),
            ),
        )
        pa = prior_auths.request_prior_auth(
            s,
            nurse,
            cov.id,
            PriorAuthInput(
                service=self.v("prior_auth.service", 200),
                requested_on=clinic_today() - timedelta(days=20),
                reference_number=self.v("prior_auth.reference_number", 60),
                notes=self.v("prior_auth.notes", lines=True, long=True),
            ),
        )
        prior_auths.set_prior_auth_status(
            s, nurse, pa.id, "approved", decision_on=clinic_today() - timedelta(days=5),
            approved_units=6, expires_on=clinic_today() + timedelta(days=7),
        )  # fmt: skip
        ref = referrals.create_referral(
            s,
            nurse,
            pid,
            ReferralInput(
                organization_id=self.agency.id,
                service=self.v("referral.service", 200),
                reason_text=self.v("referral.reason", lines=True, long=True),
                urgency="routine",
                consent_recorded=True,
            ),
            send=True,
        )
        referrals.move_referral(
            s, nurse, ref.id, "rejected", expected_version=ref.version,
            reason=self.v("referral.reject_reason"), outcome=self.v("referral.outcome", lines=True),
        )  # fmt: skip
        referrals.move_referral(
            s, nurse, ref.id, "requested", expected_version=ref.version,
            reason=self.v("referral.reopen_reason"),
        )  # fmt: skip
        self.out.ids |= {"referral": ref.id, "relative": relative.id, "coverage": cov.id}
        now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        for n, (kind, extra) in enumerate(
            [
                ("organization", {"organization_id": self.agency.id}),
                ("contact person", {"contact_person_id": self.person_id}),
                ("family member", {"related_person_id": relative.id}),
                ("organization", {"referral_id": ref.id}),
            ]
        ):
            communications.log_communication(
                s,
                nurse,
                CommunicationInput(
                    with_kind=kind,
                    patient_id=pid,
                    occurred_at=now - timedelta(minutes=n),
                    summary=self.v(f"comm{n}.summary", lines=True, long=n == 0),
                    outcome=self.v(f"comm{n}.outcome", lines=True),
                    follow_up_on=clinic_today() + timedelta(days=2) if n == 0 else None,
                    follow_up_title=self.v("comm.follow_up_title", 200) if n == 0 else "",
                    **extra,
                ),
                acknowledged_consent=kind == "family member",
            )

    # ------------------------------------------------------------------ calendar

    def scheduling(self) -> None:
        from services.scheduling import appointments, transport
        from services.scheduling.appointments import AppointmentInput, Scope
        from services.scheduling.transport import TransportInput

        s, nurse, pid = self.s, self.nurse, self.out.patient_id
        start = _at(clinic_today() + timedelta(days=1), 10)

        def book(tag: str, hours: int, **extra):
            return appointments.book_appointment(
                s,
                nurse,
                AppointmentInput(
                    patient_id=pid,
                    title=self.v(f"{tag}.title", 200, lines=True),
                    start=start + timedelta(hours=hours),
                    end=start + timedelta(hours=hours, minutes=45),
                    location=self.v(f"{tag}.location", 300, lines=True),
                    staff_id=nurse.id,
                    notes=self.v(f"{tag}.notes", lines=True, long=True),
                    **extra,
                ),
                tz="America/New_York",
            ).appointment

        visit = book("appointment", 0, provider=self.v("appointment.provider", 200))
        ride = book("ride_visit", 3, provider="Dr. Plain", needs_transport=True)
        transport.save_transport(
            s,
            nurse,
            ride.id,
            TransportInput(
                pickup_at=ride.start_at - timedelta(hours=1),
                pickup_address=self.v("ride.pickup_address", 300),
                return_trip=False,
                return_pickup_at=None,
                vendor=self.v("ride.vendor", 200),
                vendor_contact_id=None,
                wheelchair=True,
                confirmed=False,
                notes=self.v("ride.notes", lines=True),
            ),
        )
        cancelled = book("cancelled", 6)
        appointments.cancel_appointment(
            s, nurse, cancelled.id, self.v("appointment.cancel_reason"), scope=Scope.THIS
        )
        self.out.ids |= {"appointment": visit.id, "ride_appointment": ride.id}

    # ------------------------------------------------------------------ safety


def _at(day: date, hour: int) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("America/New_York"))
