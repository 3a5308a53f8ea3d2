"""What every FHIR R4 resource CareDesk writes or reads shares: the bundle's references,
code systems, names, phones and addresses, languages, and validation with fhir.resources'
R4-compatible (R4B) models.

One FHIR version in the whole product: R4 (4.0.1), shaped after US Core where a profile
exists. Inside a Bundle every resource has a `urn:uuid` fullUrl and every reference points
at one of them; a party CareDesk knows only by name is a display-only reference.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from services.contacts.addresses import split_address
from services.core.contact_data import international_phone
from services.core.languages import language_code

FHIR_VERSION = "4.0.1"
MRN_SYSTEM = "urn:caredesk:mrn"  # CareDesk's own medical record numbers
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
V3_ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V3_ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V2_0131 = "http://terminology.hl7.org/CodeSystem/v2-0131"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
BCP47 = "urn:ietf:bcp:47"
US_CORE_CS = "http://hl7.org/fhir/us/core/CodeSystem"
INTERPRETER_EXT = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
PRONOUNS_EXT = "http://hl7.org/fhir/StructureDefinition/individual-pronouns"
QUESTIONNAIRE_BASE = "urn:caredesk:questionnaire"


class Refs:
    """The bundle's fullUrls: one urn:uuid per (resource type, CareDesk row)."""

    def __init__(self) -> None:
        self._urls: dict[tuple[str, object], str] = {}

    def url(self, kind: str, key: object) -> str:
        found = self._urls.get((kind, key))
        if found is None:
            found = self._urls[(kind, key)] = f"urn:uuid:{uuid.uuid4()}"
        return found

    def ref(self, kind: str, key: object, display: str | None = None) -> dict:
        out = {"reference": self.url(kind, key)}
        if display:
            out["display"] = display
        return out

    def has(self, kind: str, key: object) -> bool:
        return (kind, key) in self._urls

    def keys(self, kind: str) -> list:
        return [key for k, key in self._urls if k == kind]


def resource_id(url: str) -> str:
    return url.removeprefix("urn:uuid:")


def instant(value: datetime | None) -> str | None:
    """An aware time as a FHIR instant/dateTime in UTC ("2026-03-08T14:00:00Z")."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def day(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def text(value: str | None) -> dict | None:
    """A CodeableConcept of words only."""
    return {"text": value} if value else None


def coded(system: str, code: str, display: str | None = None, words: str | None = None) -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    out: dict = {"coding": [coding]}
    if words or display:
        out["text"] = words or display
    return out


def telecom(
    phone: str | None = None,
    email: str | None = None,
    *,
    mobile: str | None = None,
    fax: str | None = None,
    url: str | None = None,
) -> list[dict]:
    out = []
    if phone:
        out.append({"system": "phone", "value": international_phone(phone)})
    if mobile:
        out.append({"system": "phone", "value": international_phone(mobile), "use": "mobile"})
    if fax:
        out.append({"system": "fax", "value": international_phone(fax)})
    if email:
        out.append({"system": "email", "value": email})
    if url:
        out.append({"system": "url", "value": url})
    return out


def org_address(line: str | None) -> list[dict]:
    """An organization's one-line address, with its parts where it reads as an address."""
    if not line:
        return []
    parts = split_address(line)
    out: dict = {"text": line}
    street = [x for x in (parts.get("address_1"), parts.get("address_2")) if x]
    if len(parts) > 1 and street:
        out["line"] = street
    for key, fhir in (
        ("city", "city"),
        ("state_province", "state"),
        ("postal_code", "postalCode"),
        ("country", "country"),
    ):
        if len(parts) > 1 and parts.get(key):
            out[fhir] = parts[key]
    return [out]


def language(name: str | None, preferred: bool = True) -> list[dict]:
    """The communication element of a Patient or RelatedPerson."""
    if not name:
        return []
    code = language_code(name)
    concept = coded(BCP47, code, name) if code else {"text": name}
    return [{"language": concept, "preferred": preferred}]


def drop_empty(data: dict) -> dict:
    """FHIR allows no empty strings, lists or objects: leave them out."""
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = drop_empty(value)
        elif isinstance(value, list):
            value = [drop_empty(v) if isinstance(v, dict) else v for v in value]
            value = [v for v in value if v not in (None, "", {}, [])]
        if value not in (None, "", {}, []):
            out[key] = value
    return out


def validation_problems(bundle: dict) -> list[str]:
    """What fhir.resources' R4B models find wrong in a Bundle (empty when it is valid R4)."""
    from fhir.resources.R4B.bundle import Bundle  # slow to import: only when needed
    from pydantic import ValidationError

    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        return [
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:20]
        ]
    return []
