"""Liaison contacts: the agency directory, family and caregivers with consent, insurance
coverage and prior authorizations, closed-loop referrals and the communication log.

FHIR shapes: Organization/PractitionerRole, RelatedPerson + Consent, Coverage,
ServiceRequest (+ Task follow-ups) and Communication. Links to other capabilities
(intake findings, care-plan goals) are plain kind + id, never foreign keys.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamps, Versioned, utcnow
from db.models.core import RecordStatus


class OrgType(StrEnum):
    HUMAN_SERVICE = "human-service agency"
    INSURER = "insurer"
    HOME_HEALTH = "home health agency"
    HOSPITAL = "hospital/facility"
    SKILLED_NURSING = "skilled nursing / long-term care"
    ASSISTED_LIVING = "assisted living"
    TRANSPORT = "transport vendor"
    PHARMACY = "pharmacy"
    EQUIPMENT = "equipment supplier"
    FOOD = "food/meals"
    HOUSING = "housing"
    BEHAVIOURAL_HEALTH = "behavioural health"
    PRIMARY_CARE = "primary care"
    SPECIALIST = "specialist"
    COMMUNITY = "community resource"
    OTHER = "other"


class ContactMethod(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    FAX = "fax"
    TEXT = "text"
    PORTAL = "portal"


class Organization(Versioned, Timestamps, Base):
    __tablename__ = "organization"
    __table_args__ = (
        Index("ix_organization_dedupe_key", "dedupe_key"),
        Index("ix_organization_type_status", "org_type", "status"),
        Index("ix_organization_name_key", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[OrgType] = mapped_column(String(40), default=OrgType.OTHER)
    services: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(32))
    fax: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(300))
    hours: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[str | None] = mapped_column(String(200))
    eligibility_notes: Mapped[str | None] = mapped_column(Text)
    accepted_insurers: Mapped[str | None] = mapped_column(Text)
    last_verified_on: Mapped[date | None]
    # Folded (accent/case-insensitive) name, type and services, for search on any database.
    search_text: Mapped[str] = mapped_column(Text, default="")
    name_key: Mapped[str] = mapped_column(String(200), default="")
    # Folded name + address: two rows with the same key are the same organization.
    dedupe_key: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[RecordStatus] = mapped_column(String(20), default=RecordStatus.ACTIVE)
    status_reason: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None]

    people: Mapped[list[ContactPerson]] = relationship(
        back_populates="organization", order_by="ContactPerson.name"
    )

    @property
    def reachable(self) -> bool:
        return bool(self.phone or self.fax or self.email)


class ContactPerson(Timestamps, Base):
    """A person within an organization (FHIR PractitionerRole-like)."""

    __tablename__ = "contact_person"
    __table_args__ = (Index("ix_contact_person_org", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    preferred_method: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    organization: Mapped[Organization] = relationship(back_populates="people")


class RelatedPerson(Versioned, Timestamps, Base):
    """Family member or caregiver (FHIR RelatedPerson)."""

    __tablename__ = "related_person"
    __table_args__ = (Index("ix_related_person_patient", "patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    name: Mapped[str] = mapped_column(String(200))
    relationship_: Mapped[str] = mapped_column("relationship", String(60))
    phone: Mapped[str | None] = mapped_column(String(32))
    mobile_phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str | None] = mapped_column(String(40))
    lives_with_patient: Mapped[bool] = mapped_column(Boolean, default=False)
    primary_caregiver: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    health_care_proxy: Mapped[bool] = mapped_column(Boolean, default=False)
    power_of_attorney: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[RecordStatus] = mapped_column(String(20), default=RecordStatus.ACTIVE)
    status_reason: Mapped[str | None] = mapped_column(Text)

    consents: Mapped[list[ShareConsent]] = relationship(
        back_populates="related_person", order_by="ShareConsent.given_on.desc()"
    )


class ShareConsent(Timestamps, Base):
    """HIPAA authorization to share information with a family member (FHIR Consent)."""

    __tablename__ = "share_consent"
    __table_args__ = (Index("ix_share_consent_person", "related_person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    related_person_id: Mapped[int] = mapped_column(ForeignKey("related_person.id"))
    scope: Mapped[str] = mapped_column(String(60))
    given_on: Mapped[date]
    expires_on: Mapped[date | None]
    document_reference: Mapped[str | None] = mapped_column(String(200))
    revoked_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    related_person: Mapped[RelatedPerson] = relationship(back_populates="consents")


class Coverage(Versioned, Timestamps, Base):
    """Insurance coverage (FHIR Coverage); the payer is an insurer in the directory."""

    __tablename__ = "coverage"
    __table_args__ = (Index("ix_coverage_patient", "patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    payer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    plan_name: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[str] = mapped_column(String(60))
    group_number: Mapped[str | None] = mapped_column(String(60))
    start_on: Mapped[date | None]
    end_on: Mapped[date | None]
    order: Mapped[int] = mapped_column(default=1)  # 1 primary, 2 secondary, 3 tertiary
    status: Mapped[RecordStatus] = mapped_column(String(20), default=RecordStatus.ACTIVE)

    payer: Mapped[Organization] = relationship()
    prior_auths: Mapped[list[PriorAuthorization]] = relationship(
        back_populates="coverage", order_by="PriorAuthorization.requested_on.desc()"
    )


class PriorAuthStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    DENIED = "denied"
    APPEALED = "appealed"
    EXPIRED = "expired"


class PriorAuthorization(Versioned, Timestamps, Base):
    __tablename__ = "prior_authorization"
    __table_args__ = (
        Index("ix_prior_authorization_patient", "patient_id"),
        Index("ix_prior_authorization_expiry", "status", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coverage_id: Mapped[int] = mapped_column(ForeignKey("coverage.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    service: Mapped[str] = mapped_column(String(200))
    requested_on: Mapped[date]
    reference_number: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[PriorAuthStatus] = mapped_column(String(20), default=PriorAuthStatus.DRAFT)
    decision_on: Mapped[date | None]
    approved_units: Mapped[int | None]
    expires_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)

    coverage: Mapped[Coverage] = relationship(back_populates="prior_auths")


class ReferralStatus(StrEnum):
    """As in the HL7 Gravity SDOH Clinical Care guide (Task status for a referral)."""

    DRAFT = "draft"
    REQUESTED = "requested"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in progress"
    ON_HOLD = "on hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Urgency(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    ASAP = "asap"
    STAT = "stat"


class Referral(Versioned, Timestamps, Base):
    """A referral to an outside organization (FHIR ServiceRequest + its Task)."""

    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_patient", "patient_id"),
        Index("ix_referral_status", "status"),
        Index("ix_referral_organization", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    # None only on a draft (e.g. from an intake) whose organization is still to be chosen.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    service: Mapped[str] = mapped_column(String(200))
    reason_text: Mapped[str | None] = mapped_column(Text)
    # What the referral answers, by kind + id: "intake finding", "care-plan goal".
    reason_kind: Mapped[str | None] = mapped_column(String(40))
    reason_id: Mapped[int | None]
    urgency: Mapped[Urgency] = mapped_column(String(20), default=Urgency.ROUTINE)
    consent_recorded: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ReferralStatus] = mapped_column(String(20), default=ReferralStatus.DRAFT)
    status_reason: Mapped[str | None] = mapped_column(Text)
    sent_on: Mapped[date | None]
    expected_response_by: Mapped[date | None]
    answered_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None]
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organization: Mapped[Organization | None] = relationship()
    history: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.id"
    )


class ReferralEvent(Base):
    """Every status change of a referral, with who, when and why."""

    __tablename__ = "referral_event"
    __table_args__ = (Index("ix_referral_event_referral", "referral_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    referral: Mapped[Referral] = relationship(back_populates="history")


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    FAX = "fax"
    LETTER = "letter"
    IN_PERSON = "in person"
    PORTAL = "portal"
    TEXT = "text"


class Direction(StrEnum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


class WithKind(StrEnum):
    ORGANIZATION = "organization"
    CONTACT = "contact person"
    PATIENT = "patient"
    FAMILY = "family member"
    STAFF = "staff member"  # a colleague, e.g. the supervisor told of a safety concern


class ConsentBasis(StrEnum):
    """What covered a conversation with a family member about the patient."""

    ON_FILE = "consent on file"
    VERIFIED = "consent verified at contact"
    NO_PHI = "no PHI shared"


class Communication(Timestamps, Base):
    """One call, e-mail, fax, letter or visit (FHIR Communication)."""

    __tablename__ = "communication"
    __table_args__ = (
        Index("ix_communication_patient", "patient_id", "occurred_at"),
        Index("ix_communication_organization", "organization_id"),
        Index("ix_communication_referral", "referral_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    with_kind: Mapped[WithKind] = mapped_column(String(20))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("contact_person.id"))
    related_person_id: Mapped[int | None] = mapped_column(ForeignKey("related_person.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    with_name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[Channel] = mapped_column(String(20))
    direction: Mapped[Direction] = mapped_column(String(20))
    occurred_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[date | None]
    follow_up_task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    disclosed_without_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_basis: Mapped[str | None] = mapped_column(String(40))  # a ConsentBasis, family only
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
