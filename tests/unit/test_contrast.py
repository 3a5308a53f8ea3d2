"""Every color CareDesk chooses meets WCAG 2.1 AA against what is drawn on or around it.

Text 4.5:1 (1.4.3), graphics and the keyboard focus ring 3:1 (1.4.11). A color changed in
.streamlit/config.toml, the calendar's palette or My day's charts fails here before anyone
squints at it. The README (Accessibility) lists the same ratios.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from components.overview import charts
from db.models import AppointmentKind
from services.scheduling import feed

ROOT = Path(__file__).resolve().parents[2]
THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
WHITE = "#ffffff"
SIDEBAR = "#f8f8f7"  # Streamlit's light sidebar while the page backgrounds keep their defaults
WIDGET = "#f1f0ee"  # fields and buttons in the sidebar
# Streamlit's light-theme color names (text on a badge's background), as config.toml's
# [theme] documents them; a name set in config.toml replaces its default.
BADGES = {
    "blue": ("#244fb4", "#edf5ff"),
    "green": ("#0c5a44", "#f1fbf6"),
    "yellow": (THEME.get("yellowTextColor", "#956b0f"), "#fffae5"),
    "violet": ("#6f33b8", "#f8f2ff"),
    "orange": ("#9b4519", "#fff6ed"),
    "red": ("#9e303b", "#fff1f2"),
    "gray": ("#686255", "#f5f4f2"),
    "primary": (THEME["primaryColor"], "#ffffff"),
}


def _channel(c: int) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def rgb(color: str) -> tuple[int, int, int]:
    h = color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def luminance(color: str) -> float:
    r, g, b = (_channel(c) for c in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG 2.1 contrast ratio of two opaque colors (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def over(color: str, opacity: float, background: str) -> str:
    """A color drawn at `opacity` over a background, as the screen shows it."""
    mixed = (
        round(opacity * f + (1 - opacity) * b)
        for f, b in zip(rgb(color), rgb(background), strict=True)
    )
    return "#{:02x}{:02x}{:02x}".format(*mixed)


def test_the_ratio_formula_matches_the_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#2f2d2b", "#ffffff") == pytest.approx(13.72, abs=0.01)
    assert over("#000000", 0.5, "#ffffff") == "#808080"


@pytest.mark.parametrize("background", [WHITE, SIDEBAR, WIDGET])
def test_text_and_captions_read_on_the_page_and_the_sidebar(background):
    text = THEME["textColor"]
    assert contrast(text, background) >= 7
    # st.caption is the text color at 60% opacity (Chromium's computed style): "Signed
    # in as", "10 patient(s) found" and the demo password hint are captions.
    assert contrast(over(text, 0.6, background), background) >= 4.5


@pytest.mark.parametrize("background", [WHITE, SIDEBAR, WIDGET])
def test_the_keyboard_focus_ring_stands_out(background):
    # Buttons, tabs, links and sections show focus as a 3px ring of the primary color at
    # 50% opacity; fields turn their border the full primary color.
    primary = THEME["primaryColor"]
    assert contrast(over(primary, 0.5, background), background) >= 3
    assert contrast(primary, background) >= 4.5
    assert contrast("#ffffff", primary) >= 4.5  # a primary button's label


def test_the_dataframe_header_reads():
    assert contrast(THEME["dataframeHeaderTextColor"], SIDEBAR) >= 4.5


@pytest.mark.parametrize("name", sorted(BADGES))
def test_colored_words_and_legend_chips_read(name):
    text, badge = BADGES[name]
    assert contrast(text, badge) >= 4.5  # a legend chip: colored text on its pale badge
    assert contrast(text, WHITE) >= 4.5  # :red[...] and :orange[...] words on the page
    assert contrast(text, SIDEBAR) >= 4.5


@pytest.mark.parametrize("kind", list(AppointmentKind))
def test_every_appointment_type_carries_its_white_title(kind):
    assert contrast(feed.EVENT_TEXT, feed.COLORS[kind]) >= 4.5


@pytest.mark.parametrize(("badge", "strong"), feed.STAFF_PALETTE)
def test_every_staff_color_carries_its_white_title(badge, strong):
    assert contrast(feed.EVENT_TEXT, strong) >= 4.5
    assert badge in BADGES  # the legend shows the staff member in a readable chip


def test_canceled_and_no_show_read_and_say_so():
    assert contrast(feed.MUTED_TEXT, feed.MUTED) >= 4.5
    assert set(feed.STATUS_WORDS.values()) == {"Canceled", "No-show"}


def test_the_staff_palette_uses_the_themes_primary():
    assert THEME["primaryColor"] == feed.THEME_PRIMARY


@pytest.mark.parametrize(
    "color",
    [
        *charts.TIER_COLORS,
        charts.NOT_CHOSEN,
        *charts.DONE_OVERDUE,
        charts.REFERRALS_BAR,
        charts.MANAGERS_BAR,
    ],
)
def test_chart_bars_stand_out_from_the_page(color):
    assert contrast(color, WHITE) >= 3
