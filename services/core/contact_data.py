"""Phone numbers and e-mail addresses, checked with the well-kept libraries.

A phone number is stored in E.164 form; an extension stays with it as an RFC 3966
parameter (`+16175550100;ext=12`), which the library reads back, shows ("ext. 12") and
dials (`tel:+1-617-555-0100;ext=12`).
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

STORED_MAX = 32  # the phone columns' length


def normalize_phone(raw: str | None, region: str) -> str | None:
    """E.164 form of a valid number (with ";ext=N" when it has an extension); None for blank.
    Raises ValueError with a plain message."""
    if raw is None or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw.strip().strip("\"'"), region)
    except phonenumbers.NumberParseException:
        raise ValueError("This is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"This is not a valid phone number for region {region} (add +country code if abroad)."
        )
    stored = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.extension:
        stored += f";ext={number.extension}"
    if len(stored) > STORED_MAX:
        raise ValueError("The extension is too long for a phone number.")
    return stored


def with_extension(number: str | None, extension: str | None) -> str | None:
    """A number and a separate extension (as directory files give them) as one text."""
    number = (number or "").strip().strip("\"'").strip()
    extension = (extension or "").strip()
    if number and extension:
        return f"{number} ext. {extension.removesuffix('.0')}"
    return number or None


def _parsed(stored: str, region: str):
    try:
        return phonenumbers.parse(stored, region)
    except phonenumbers.NumberParseException:
        return None


def display_phone(e164: str | None, region: str = "US") -> str:
    """National format for a number of the region, international otherwise; "ext. N" kept."""
    if not e164:
        return ""
    number = _parsed(e164, region)
    if number is None:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def international_phone(stored: str | None) -> str:
    """ "+1 617-555-0100 ext. 12": readable anywhere (files that leave CareDesk)."""
    number = _parsed(stored, "US") if stored else None
    if number is None:
        return stored or ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def extension_of(stored: str | None) -> str:
    number = _parsed(stored, "US") if stored else None
    return (number.extension or "") if number is not None else ""


def without_extension(stored: str | None, region: str = "US") -> str:
    """The number alone, shown as display_phone shows it (for files with an extension column)."""
    number = _parsed(stored, region) if stored else None
    if number is None:
        return stored or ""
    number.extension = None
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def dial_uri(stored: str | None) -> str:
    """A tel: link that dials the number and its extension (RFC 3966); "" for none."""
    number = _parsed(stored, "US") if stored else None
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)


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
