"""An organization's address is one line of text; directory files split it into parts.

`join_address` writes the parts the way CareDesk shows an address ("1 Main St, Suite 2,
Boston, MA 02110"); `split_address` reads such a line back into parts, and only when
joining the parts gives the very same text, so a file written from the parts and read
again changes nothing.
"""

from __future__ import annotations

import re

PARTS = ("address_1", "address_2", "city", "state_province", "postal_code", "country")
_STATE_ZIP = re.compile(r"(?P<state>[A-Z]{2})(?: (?P<zip>\d{5}(?:-\d{4})?))?")
_COUNTRIES = {"US", "USA", "United States", "United States of America"}


def join_address(parts: dict[str, str | None]) -> str:
    """The parts as one line; blank parts are left out."""
    get = {k: (parts.get(k) or "").strip() for k in PARTS}
    state_zip = " ".join(x for x in (get["state_province"], get["postal_code"]) if x)
    line = (get["address_1"], get["address_2"], get["city"], state_zip, get["country"])
    return ", ".join(x for x in line if x)


def split_address(text: str | None) -> dict[str, str]:
    """The parts of "street[, more], city, ST[ ZIP][, country]"; {"address_1": text} when the
    line does not read that way (nothing is ever lost)."""
    text = (text or "").strip()
    whole = {"address_1": text} if text else {}
    segments = text.split(", ")
    country = ""
    if len(segments) >= 4 and segments[-1] in _COUNTRIES:
        country = segments.pop()
    if len(segments) < 3 or not all(segments):
        return whole
    found = _STATE_ZIP.fullmatch(segments[-1])
    if not found:
        return whole
    parts = {
        "address_1": segments[0],
        "address_2": ", ".join(segments[1:-2]),
        "city": segments[-2],
        "state_province": found["state"],
        "postal_code": found["zip"] or "",
        "country": country,
    }
    if join_address(parts) != text:
        return whole
    return {k: v for k, v in parts.items() if v}
