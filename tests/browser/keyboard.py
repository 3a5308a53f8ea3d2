"""Moving through CareDesk with the keyboard alone, as someone who cannot use a mouse does.

Every move is a key press (Tab, Shift+Tab, Enter, Space, the arrow keys, typing); the
page is only looked at, never clicked, to know when the wanted control has the focus.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.helpers import after_rerun, settle

_HAS_FOCUS = "el => el === document.activeElement || el.contains(document.activeElement)"
_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '(nothing)';
    const name = el.getAttribute('aria-label') || el.innerText || el.value || '';
    return `${el.tagName.toLowerCase()} ${el.getAttribute('role') || ''} "${name.slice(0, 60)}"`;
}"""


def focused(pg: Page) -> str:
    """What has the keyboard focus, in a few words (for messages)."""
    return pg.evaluate(_FOCUSED)


def tab_to(pg: Page, target: Locator, *, back: bool = False, limit: int = 300) -> None:
    """Press Tab (Shift+Tab with `back`) until `target` (or something inside it) has the
    focus. Fails when it never does: the control cannot be reached by keyboard."""
    target.first.wait_for()
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        if target.first.evaluate(_HAS_FOCUS):
            return
        pg.keyboard.press(key)
    raise AssertionError(f"{target} was never reached with {key} (focus on {focused(pg)})")


def press(pg: Page, target: Locator, key: str = "Enter", *, back: bool = False) -> None:
    """Tab to a control and press a key on it (Enter for a button or link)."""
    tab_to(pg, target, back=back)
    pg.keyboard.press(key)


def press_and_rerun(pg: Page, target: Locator, key: str = "Enter", *, back: bool = False) -> None:
    """Tab to a control, press a key that makes the page run again, and wait for that run."""
    tab_to(pg, target, back=back)
    after_rerun(pg, lambda: pg.keyboard.press(key))


def type_into(pg: Page, field: Locator, text: str, *, back: bool = False) -> None:
    """Tab to a field, select what is in it and type over it."""
    tab_to(pg, field, back=back)
    pg.keyboard.press("Control+A")
    pg.keyboard.type(text)


_FILTERED = """text => {
    const options = [...document.querySelectorAll('[role=option]')]
        .filter(o => o.innerText.trim() !== 'Select all');
    return options.length > 0 && options.every(o => o.innerText.includes(text));
}"""


def _type_filter(pg: Page, text: str) -> None:
    """Type into a select box's search and wait until its list shows only the matches, so
    that Enter takes one of them (a busy page may still show the whole list)."""
    pg.keyboard.type(text)
    try:
        pg.wait_for_function(_FILTERED, arg=text)
    except PlaywrightTimeout:
        shown = pg.get_by_role("option").all_inner_texts()
        raise AssertionError(f"typing {text!r} in {focused(pg)} left the list at {shown}") from None


def choose(pg: Page, combobox: Locator, text: str, *, back: bool = False) -> None:
    """A select box: Tab to it, type to filter its options, Enter takes the first match."""
    tab_to(pg, combobox, back=back)
    _type_filter(pg, text)
    pg.keyboard.press("Enter")


def add_choice(pg: Page, combobox: Locator, text: str, *, clear: int = 0) -> None:
    """A multiselect: Tab to it, Backspace takes `clear` chosen ones off, typing filters,
    Enter adds the match; Escape closes the list once its chip shows."""
    tab_to(pg, combobox)
    for _ in range(clear):
        pg.keyboard.press("Backspace")
    box = combobox.locator("xpath=ancestor::*[@data-testid='stMultiSelect']")
    chip = box.locator("[data-tag]").filter(has_text=text)
    for attempt in range(3):  # a run landing meanwhile draws the field anew: look, try again
        if chip.count():
            break
        if attempt:
            tab_to(pg, combobox)
            pg.keyboard.press("End")
            pg.keyboard.press("Shift+Home")
            pg.keyboard.press("Delete")
        try:
            _type_filter(pg, text)
        except AssertionError:  # the run the Backspaces started redrew the list meanwhile
            if attempt == 2:
                raise
            settle(pg)
            continue
        pg.keyboard.press("Enter")
        try:
            chip.wait_for(timeout=5_000)
        except PlaywrightTimeout:
            continue
    chip.wait_for()
    pg.keyboard.press("Escape")


def pick_radio(pg: Page, group: Locator, option: str, *, limit: int = 12) -> None:
    """A radio group in a form: Tab into it, then the arrow keys move the choice."""
    tab_to(pg, group)
    wanted = group.get_by_role("radio", name=option, exact=True)
    if not group.get_by_role("radio", checked=True).count():
        pg.keyboard.press("Space")  # nothing chosen yet: take the one with the focus
    for _ in range(limit):
        if wanted.is_checked():
            return
        pg.keyboard.press("ArrowRight")
    raise AssertionError(f"{option!r} never chosen with the arrow keys")


def pick_segment(pg: Page, group: Locator, option: str, *, limit: int = 12) -> None:
    """A segmented control (buttons in a row): Tab into it, the arrow keys move the focus
    along, Space chooses (and the page runs again)."""
    tab_to(pg, group)
    wanted = group.get_by_role("radio", name=option, exact=True)
    for _ in range(limit):
        if wanted.evaluate(_HAS_FOCUS):
            if not wanted.is_checked():
                after_rerun(pg, lambda: pg.keyboard.press("Space"))
            return
        pg.keyboard.press("ArrowRight")
    raise AssertionError(f"{option!r} never reached with the arrow keys")
