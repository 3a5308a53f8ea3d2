"""The clinic's region for synthetic data: towns with their real ZIP codes and area codes,
the languages spoken there, and the local insurance programs. One setting picks it
(CAREDESK_DEMO_REGION: boston, chicago or bay-area), so every address, ZIP, phone number
and outside provider in the demo and in the training scenarios is in the same area.

Phone numbers are 555-0100 to 555-0199, the range reserved for fiction in the North
American plan: they pass phone validation, are placed in the right state by it, and
reach nobody.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from db import config


@dataclass(frozen=True)
class Town:
    name: str
    zips: tuple[str, ...]
    area_codes: tuple[str, ...]


@dataclass(frozen=True)
class Region:
    key: str
    label: str
    state: str  # two-letter code
    state_name: str
    timezone: str
    towns: tuple[Town, ...]
    # (language, share of the caseload, usually needs an interpreter)
    languages: tuple[tuple[str, float, bool], ...]
    medicaid: str  # the state's Medicaid program, as plans are named
    county: str  # "Residents of ... County" in eligibility notes


def _t(name: str, zips: str, codes: str) -> Town:
    return Town(name, tuple(zips.split()), tuple(codes.split()))


REGIONS: dict[str, Region] = {
    "boston": Region(
        key="boston",
        label="Greater Boston, Massachusetts",
        state="MA",
        state_name="Massachusetts",
        timezone="America/New_York",
        towns=(
            _t("Boston", "02108 02115 02118 02127 02134 02135", "617 857"),
            _t("Dorchester", "02121 02122 02124 02125", "617 857"),
            _t("Roxbury", "02119 02120", "617 857"),
            _t("Jamaica Plain", "02130", "617 857"),
            _t("Mattapan", "02126", "617 857"),
            _t("East Boston", "02128", "617 857"),
            _t("Hyde Park", "02136", "617 857"),
            _t("Cambridge", "02138 02139 02140 02141", "617 857"),
            _t("Somerville", "02143 02144 02145", "617 857"),
            _t("Chelsea", "02150", "617 857"),
            _t("Everett", "02149", "617 857"),
            _t("Quincy", "02169 02170 02171", "617 857"),
            _t("Brookline", "02445 02446", "617 857"),
            _t("Newton", "02458 02459 02460", "617 857"),
            _t("Malden", "02148", "781 339"),
            _t("Medford", "02155", "781 339"),
            _t("Revere", "02151", "781 339"),
            _t("Lynn", "01901 01902 01904 01905", "781 339"),
            _t("Waltham", "02451 02452 02453", "781 339"),
            _t("Weymouth", "02188 02189 02190 02191", "781 339"),
            _t("Braintree", "02184", "781 339"),
            _t("Randolph", "02368", "781 339"),
            _t("Framingham", "01701 01702", "508 774"),
            _t("Brockton", "02301 02302", "508 774"),
            _t("Lowell", "01850 01851 01852 01854", "978 351"),
            _t("Lawrence", "01840 01841 01843", "978 351"),
        ),
        languages=(
            ("English", 0.62, False),
            ("Spanish", 0.17, True),
            ("Haitian Creole", 0.06, True),
            ("Portuguese", 0.05, True),
            ("Vietnamese", 0.03, True),
            ("Cantonese", 0.03, True),
            ("Russian", 0.02, True),
            ("Arabic", 0.02, True),
        ),
        medicaid="MassHealth",
        county="Suffolk",
    ),
    "chicago": Region(
        key="chicago",
        label="Chicago and suburbs, Illinois",
        state="IL",
        state_name="Illinois",
        timezone="America/Chicago",
        towns=(
            _t("Chicago", "60608 60609 60614 60617 60619 60620 60623 60625", "312 773 872"),
            _t("Chicago", "60629 60632 60637 60640 60647 60651", "773 872"),
            _t("Evanston", "60201 60202", "847 224"),
            _t("Skokie", "60076 60077", "847 224"),
            _t("Des Plaines", "60016 60018", "847 224"),
            _t("Elgin", "60120 60123", "847 224"),
            _t("Waukegan", "60085", "847 224"),
            _t("Schaumburg", "60193 60194", "847 224"),
            _t("Oak Park", "60302 60304", "708"),
            _t("Cicero", "60804", "708"),
            _t("Berwyn", "60402", "708"),
            _t("Harvey", "60426", "708"),
            _t("Calumet City", "60409", "708"),
            _t("Joliet", "60431 60432 60435 60436", "815 779"),
            _t("Aurora", "60505 60506", "630 331"),
            _t("Naperville", "60540 60563 60565", "630 331"),
        ),
        languages=(
            ("English", 0.63, False),
            ("Spanish", 0.22, True),
            ("Polish", 0.05, True),
            ("Arabic", 0.03, True),
            ("Tagalog", 0.02, False),
            ("Korean", 0.02, True),
            ("Russian", 0.02, True),
            ("Mandarin", 0.01, True),
        ),
        medicaid="Illinois Medicaid",
        county="Cook",
    ),
    "bay-area": Region(
        key="bay-area",
        label="San Francisco Bay Area, California",
        state="CA",
        state_name="California",
        timezone="America/Los_Angeles",
        towns=(
            _t("San Francisco", "94102 94103 94109 94110 94112 94115", "415 628"),
            _t("San Francisco", "94116 94121 94122 94124 94133 94134", "415 628"),
            _t("Daly City", "94014 94015", "650"),
            _t("San Mateo", "94401 94403", "650"),
            _t("Redwood City", "94061 94063", "650"),
            _t("Oakland", "94601 94602 94603 94606 94607 94609 94610 94612", "510 341"),
            _t("Berkeley", "94702 94703 94705", "510 341"),
            _t("Richmond", "94801 94804 94805", "510 341"),
            _t("Hayward", "94541 94544 94545", "510 341"),
            _t("Fremont", "94536 94538 94539", "510 341"),
            _t("San Leandro", "94577 94578", "510 341"),
            _t("San Jose", "95110 95112 95116 95122 95127", "408 669"),
            _t("Santa Clara", "95050 95051", "408 669"),
            _t("Vallejo", "94589 94590 94591", "707"),
            _t("Concord", "94518 94519 94520", "925"),
        ),
        languages=(
            ("English", 0.55, False),
            ("Spanish", 0.18, True),
            ("Cantonese", 0.08, True),
            ("Mandarin", 0.05, True),
            ("Vietnamese", 0.05, True),
            ("Tagalog", 0.05, False),
            ("Russian", 0.02, True),
            ("Korean", 0.02, True),
        ),
        medicaid="Medi-Cal",
        county="Alameda",
    ),
}
DEFAULT_REGION = "boston"

STREETS = (
    "Main St",
    "Washington St",
    "Elm St",
    "Maple Ave",
    "Oak St",
    "Pleasant St",
    "Park Ave",
    "Highland Ave",
    "Union St",
    "School St",
    "Church St",
    "Franklin St",
    "Lincoln Ave",
    "Central Ave",
    "Spring St",
    "Chestnut St",
    "Walnut St",
    "Summer St",
    "Prospect St",
    "Water St",
    "Cedar St",
    "Grove St",
    "Hillside Ave",
    "Adams St",
    "Jefferson Ave",
    "Madison St",
    "Cherry St",
    "Center St",
    "Broadway",
    "Columbia Rd",
    "Riverside Dr",
    "Lake St",
    "Mill St",
    "North St",
    "Garden St",
    "Winter St",
    "Bay St",
    "Forest Ave",
    "Willow St",
    "Hancock St",
)


class UnknownRegion(ValueError):
    pass


def current_region() -> Region:
    """The region CAREDESK_DEMO_REGION names (Greater Boston when unset)."""
    key = config.load().demo_region or DEFAULT_REGION
    try:
        return REGIONS[key]
    except KeyError:
        raise UnknownRegion(
            f"CAREDESK_DEMO_REGION={key!r} is not a region CareDesk knows; use one of "
            + ", ".join(REGIONS)
        ) from None


class Places:
    """Draws towns, addresses and phone numbers in one region, reproducibly."""

    def __init__(self, region: Region, rng: random.Random):
        self.region, self.rng = region, rng

    def town(self) -> Town:
        return self.rng.choice(self.region.towns)

    def phone(self, town: Town | None = None) -> str:
        """A fictional number (555-01xx) with one of the town's area codes."""
        code = self.rng.choice((town or self.town()).area_codes)
        return f"+1{code}55501{self.rng.randint(0, 99):02d}"

    def street_line(self) -> str:
        return f"{self.rng.randint(2, 980)} {self.rng.choice(STREETS)}"

    def home(self) -> dict:
        """Address fields for a patient: line, city, state, ZIP, and a phone that fits."""
        town = self.town()
        line = self.street_line()
        if self.rng.random() < 0.3:
            line += f", Apt {self.rng.randint(1, 40)}"
        return {
            "address_line": line,
            "city": town.name,
            "state": self.region.state,
            "postal_code": self.rng.choice(town.zips),
            "phone": self.phone(town),
        }

    def one_line(self, town: Town | None = None, line: str | None = None) -> tuple[str, Town]:
        """An organization's address on one line, and its town (for its phone)."""
        town = town or self.town()
        zip_code = self.rng.choice(town.zips)
        text = f"{line or self.street_line()}, {town.name}, {self.region.state} {zip_code}"
        return text, town
