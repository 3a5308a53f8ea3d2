"""The intake's summary step: alerts, risk tier and scores, then what the intake proposes
(goals, needs, referrals, tasks: each editable in place) and what completing changes in
Contacts. Components never touch the database: the page completes with what this returns.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from components.shared.text import DATE_FORMAT, as_text, esc
from services.contacts.referrals import URGENCIES
from services.intake.suggestions import DUE, Proposal
from services.intake.summary import IntakeSummary

TIER_STYLE = {"urgent": st.error, "high": st.warning, "moderate": st.info, "low": st.success}
LATER = "Choose later in Contacts"
DUE_KEYS = {label: key for key, label in DUE.items()}


def summary_view(summary: IntakeSummary) -> None:
    """Alerts, risk tier and scores (no decisions)."""
    for alert in summary.alerts:
        st.error(
            f"URGENT: {esc(alert)} It stays on My day until someone completes it.",
            icon=":material/emergency:",
        )
    TIER_STYLE[summary.tier.tier](
        f"Risk tier: **{summary.tier.tier.upper()}** — " + esc("; ".join(summary.tier.reasons)),
        icon=":material/monitor_heart:",
    )
    for code, missing in summary.incomplete.items():
        st.warning(f"{esc(summary.titles[code])}: {len(missing)} item(s) not answered yet.")
    if summary.results:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Instrument": summary.titles[c],
                        "Score": r.total,
                        "Result": r.band,
                        "Screen": "positive" if r.positive else "negative",
                        "Flags": ", ".join(r.flags),
                    }
                    for c, r in summary.results.items()
                ]
            ),
            hide_index=True,
            width="stretch",
            alt="Screening scores",
        )


def _editor(
    rows: list[dict], key: str, config: dict, disabled: list[str], *, what: str
) -> list[dict]:
    """The proposals to tick, untick and reword in place; under them, the same rows (as
    edited) as text a screen reader can read."""
    edited = st.data_editor(
        pd.DataFrame(rows),
        key=key,
        hide_index=True,
        width="stretch",
        disabled=[*disabled, "Why"],
        column_config={"key": None, "Add": st.column_config.CheckboxColumn(width="small")} | config,
        alt=f"Proposed {what}: tick Add to keep one",
    )
    records = edited.to_dict("records")
    as_text([{k: v for k, v in r.items() if k != "key"} for r in records], what=f"Proposed {what}")
    return records


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def decisions(
    summary: IntakeSummary, key: str, referral_orgs: dict[str, dict[int, str]], on: date
) -> dict[str, dict]:
    """Accept (tick), edit or dismiss (untick) each proposal; returns the decisions by key."""
    if not summary.suggestions:
        st.caption("No suggestions from this intake.")
        return {}
    by_kind: dict[str, list[Proposal]] = {}
    for p in summary.suggestions:
        by_kind.setdefault("alert" if p.covered_by_alert else p.kind, []).append(p)
    st.header("What the intake proposes")
    st.caption("Untick what does not fit, and change the wording, dates and priorities in place.")
    out: dict[str, dict] = {}
    if goals := by_kind.get("goal"):
        st.markdown("**Goals** (1 = matters most to the patient)")
        rows = _editor(
            [
                {
                    "Add": p.preselected,
                    "In their words": p.patients_words,
                    "Measurable goal": p.text,
                    "Priority": p.priority,
                    "Target date": on + timedelta(weeks=p.target_weeks or 12),
                    "Why": p.source_finding,
                    "key": p.key,
                }
                for p in goals
            ],
            f"{key}_goals",
            {
                "In their words": st.column_config.TextColumn(width="medium"),
                "Measurable goal": st.column_config.TextColumn(
                    width="medium",
                    help="Empty: proposed, to finish with the patient on the care plan.",
                ),
                "Priority": st.column_config.NumberColumn(
                    min_value=1, max_value=99, step=1, width="small"
                ),
                "Target date": st.column_config.DateColumn(
                    format=DATE_FORMAT, min_value=on, width="small"
                ),
                "Why": st.column_config.TextColumn(width="medium"),
            },
            [],
            what="goals",
        )
        by_key = {p.key: p for p in goals}
        for r in rows:
            target = r["Target date"]
            out[r["key"]] = {
                "accepted": bool(r["Add"]),
                "text": _text(r["Measurable goal"]),
                "details": {
                    "patients_words": _text(r["In their words"]),
                    "said_by": by_key[r["key"]].said_by,
                    "said_by_name": by_key[r["key"]].said_by_name,
                    "priority": int(r["Priority"]) if pd.notna(r["Priority"]) else 1,
                    "target_on": pd.Timestamp(target).date().isoformat()
                    if pd.notna(target)
                    else None,
                },
            }
    if needs := by_kind.get("need"):
        st.markdown("**Needs**")
        rows = _editor(
            [{"Add": p.preselected, "Need": p.text, "Why": p.source_finding, "key": p.key}
             for p in needs],
            f"{key}_needs", {}, [], what="needs",
        )  # fmt: skip
        out |= {r["key"]: {"accepted": bool(r["Add"]), "text": _text(r["Need"])} for r in rows}
    if referrals := by_kind.get("referral"):
        out |= _referrals(referrals, f"{key}_referrals", referral_orgs)
    if tasks := by_kind.get("task"):
        st.markdown("**Tasks** for your list, due by their urgency")
        rows = _editor(
            [
                {
                    "Add": p.preselected,
                    "Task": p.text,
                    "Due": DUE[p.due or "7_days"],
                    "Why": p.source_finding,
                    "key": p.key,
                }
                for p in tasks
            ],
            f"{key}_tasks",
            {"Due": st.column_config.SelectboxColumn(options=list(DUE.values()), required=True)},
            [],
            what="tasks",
        )
        out |= {
            r["key"]: {
                "accepted": bool(r["Add"]),
                "text": _text(r["Task"]),
                "details": {"due": DUE_KEYS.get(r["Due"], "7_days")},
            }
            for r in rows
        }
    if covered := by_kind.get("alert"):
        st.caption(
            "Already on My day as the urgent safety follow-up (kept with the care team, "
            "never on the patient's plan): " + esc("; ".join(p.text for p in covered))
        )
    return out


def _referrals(
    proposals: list[Proposal], key: str, referral_orgs: dict[str, dict[int, str]]
) -> dict[str, dict]:
    st.markdown("**Referrals**: drafts in Contacts, ready to send")
    names: list[str] = []
    for orgs in referral_orgs.values():
        names.extend(n for n in orgs.values() if n not in names)
    rows = _editor(
        [
            {
                "Add": p.preselected,
                "Service": p.service,
                "Send to": next(iter(referral_orgs.get(p.key, {}).values()), LATER),
                "Urgency": p.urgency,
                "Why": p.source_finding,
                "key": p.key,
            }
            for p in proposals
        ],
        key,
        {
            "Send to": st.column_config.SelectboxColumn(
                options=[LATER, *names],
                required=True,
                help="Suggested from the Contacts directory by the service.",
            ),
            "Urgency": st.column_config.SelectboxColumn(options=URGENCIES, required=True),
        },
        [],
        what="referrals",
    )
    out = {}
    for r in rows:
        mine = referral_orgs.get(r["key"], {})
        everyone = {n: i for orgs in referral_orgs.values() for i, n in orgs.items()}
        ident = next((i for i, n in mine.items() if n == r["Send to"]), None) or everyone.get(
            r["Send to"]
        )
        out[r["key"]] = {
            "accepted": bool(r["Add"]),
            "text": "",
            "details": {
                "service": _text(r["Service"]),
                "urgency": r["Urgency"] or "routine",
                "organization_id": ident,
            },
            "to": r["Send to"],
        }
    return out


def contacts_changes(changes: list[str], decided: dict[str, dict], summary: IntakeSummary) -> None:
    """What completing changes in Contacts, said before the nurse completes."""
    lines = list(changes)
    for p in summary.suggestions:
        d = decided.get(p.key, {})
        if p.kind == "referral" and d.get("accepted", p.preselected):
            details = d.get("details", {})
            to = d.get("to") if d.get("to") and d.get("to") != LATER else "organization to choose"
            service = details.get("service") or p.service
            lines.append(
                f"A draft referral for {service} ({details.get('urgency', p.urgency)}) "
                f"to {to} waits in Contacts → Referrals, ready to send."
            )
    if lines:
        st.markdown("**What completing changes in Contacts**")
        for line in lines:
            st.caption(esc(line))
