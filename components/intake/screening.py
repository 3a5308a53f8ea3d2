"""The screening step: choose the instruments, then answer them one at a time.

Compact: each question sits beside its answers, laid out in a row; Tab moves from one
question to the next and the arrow keys choose an answer. A bar says which instrument of
how many, and how many of its questions are answered.
"""

from __future__ import annotations

import streamlit as st

from components.intake.steps import Submitted
from components.shared.forms import show_field_error
from components.shared.text import esc
from services.intake.instruments import Definition, Item


def choose_instruments(available: dict[str, str], chosen: list[str], key: str) -> list[str] | None:
    with st.expander("Instruments for this patient", key=f"{key}_open"), st.form(key):
        picked = st.multiselect(
            "Instruments for this patient",
            list(available),
            default=chosen,
            format_func=lambda c: available[c],
            label_visibility="collapsed",
        )
        use = st.form_submit_button("Use these instruments")
    return picked if use else None


def _item_widget(item: Item, value, key: str):
    label = esc(item.text)
    if item.number:
        low, high, unit = item.number
        return st.number_input(
            f"{label} ({esc(unit)})" if unit and unit not in item.text else label,
            min_value=low,
            max_value=high,
            step=1,
            value=value,
            key=key,
            label_visibility="collapsed",
        )
    values = [v for _, v in item.options]
    labels = dict(enumerate(esc(lab) for lab, _ in item.options))  # options render Markdown
    if value is None:
        value = item.default
    idx = next((n for n, v in enumerate(values) if v == value), None)
    picked = st.radio(
        label,
        list(labels),
        index=idx,
        format_func=lambda n: labels[n],
        horizontal=True,
        key=key,
        label_visibility="collapsed",
    )
    return None if picked is None else values[picked]


def instrument_form(
    definition: Definition,
    saved: list | None,
    errors: dict,
    key: str,
    position: int,
    count: int,
) -> Submitted | None:
    """One instrument's questions; `move` +1 goes on (to the next instrument or step)."""
    saved = list(saved or [])
    answered = sum(1 for v in saved if v is not None)
    st.progress(
        position / count,
        text=f"Instrument {position} of {count}: {esc(definition.title)} · "
        f"{answered} of {len(definition.items)} answered",
    )
    with st.form(key):
        if definition.data.get("instructions"):
            st.caption(esc(definition.data["instructions"]))
        show_field_error(errors, definition.code)
        group = None
        values = []
        for n, item in enumerate(definition.items):
            if item.group and item.group != group:
                st.markdown(f"**{esc(item.group)}**")
            group = item.group
            question, answer = st.columns([2, 3], vertical_alignment="center")
            question.markdown(f"{n + 1}. {esc(item.text)}")
            with answer:
                value = saved[n] if n < len(saved) else None
                values.append(_item_widget(item, value, f"{key}_{definition.code}_{item.id}"))
        back, forward = st.columns(2)
        went_back = back.form_submit_button(
            "Save and go back" if position == 1 else "Save and previous instrument"
        )
        went_on = forward.form_submit_button(
            "Save and next instrument" if position < count else "Save and continue",
            type="primary",
        )
    if went_on:
        return Submitted(values, 1)
    if went_back:
        return Submitted(values, -1)
    return None


def no_instruments(key: str) -> int | None:
    """With no instrument chosen the step can still be left either way."""
    st.caption("No instrument chosen for this patient.")
    with st.form(key, border=False):
        back, forward = st.columns(2)
        if back.form_submit_button("Save and go back"):
            return -1
        if forward.form_submit_button("Save and continue", type="primary"):
            return 1
    return None
