"""Phone numbers and e-mail addresses, checked with the well-kept libraries."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email


def normalize_phone(raw: str | None, region: str) -> str | None:
    """E.164 form of a valid number; None for blank. Raises ValueError with a plain message."""
    if raw is None or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValueError("This is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"This is not a valid phone number for region {region} (add +country code if abroad)."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None, region: str = "US") -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def normalize_email(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"This e-mail address is not valid: {exc}") from None


# US states, the District of Columbia and the territories, as USPS writes them.
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "AS": "American Samoa",
    "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}  # fmt: skip
_ZIP = re.compile(r"[0-9]{5}(-[0-9]{4})?")


def normalize_state(raw: str | None, region: str) -> str | None:
    """A US state as its two-letter code ("ma", "Massachusetts" -> "MA"); other regions'
    states or provinces as typed. Raises ValueError with a plain message."""
    value = (raw or "").strip()
    if not value or region != "US":
        return value or None
    code = value.upper().replace(".", "")
    if code in US_STATES:
        return code
    by_name = {name.lower(): c for c, name in US_STATES.items()}
    if value.lower() in by_name:
        return by_name[value.lower()]
    raise ValueError("Enter the state as its two-letter code, e.g. MA or NY.")


def normalize_postal_code(raw: str | None, region: str) -> str | None:
    """A US ZIP code (12345 or 12345-6789); other regions' postal codes as typed."""
    value = (raw or "").strip()
    if not value or region != "US":
        return value or None
    if not _ZIP.fullmatch(value):
        raise ValueError("A ZIP code is 5 digits, or 5 digits, a dash and 4 more (12345-6789).")
    return value
