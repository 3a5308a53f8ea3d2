"""Printable care plans (fpdf2): a plain-language version for the patient and family,
in large type with the fixed wording in English or Spanish, and a clinician version.

Fonts: DejaVu Sans (Debian package `fonts-dejavu-core`) so names with accents print;
without it, fpdf2's core Helvetica is used and characters outside Latin-1 are replaced.
Upcoming appointments come from the calendar.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date, format_skeleton, format_time
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy.orm import Session

from db.base import today
from db.models import ChecklistState, OwnerKind, TaskStatus, User
from services.care_plans import plans as care_plans
from services.care_plans.plans import PlanView
from services.care_plans.teaching import learner_label
from services.core import audit, clock
from services.core.audit import Action
from services.core.contact_data import display_phone
from services.core.identity import Actor, require
from services.scheduling import appointments as scheduling

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
OPEN = (TaskStatus.REQUESTED, TaskStatus.IN_PROGRESS, TaskStatus.ON_HOLD)

WORDING = {
    "en": {
        "title": "My care plan",
        "for": "For",
        "made": "Printed on",
        "goals": "What matters to me: my goals",
        "said": "In my words",
        "said_by": "said by",
        "goal": "Our goal",
        "by": "by",
        "team_does": "What my care team will do",
        "i_do": "What I and my family will do",
        "call": "Who to call",
        "call_note": "Call your case manager first with questions. In an emergency, call 911.",
        "appointments": "Upcoming appointments",
        "no_appointments": "No appointments booked yet. Your case manager will call you.",
        "taught": "What we practised together",
        "next_review": "We will look at this plan together again on",
        "none": "Nothing yet.",
        "case_manager": "Case manager",
    },
    "es": {
        "title": "Mi plan de cuidado",
        "for": "Para",
        "made": "Impreso el",
        "goals": "Lo que me importa: mis metas",
        "said": "En mis palabras",
        "said_by": "dicho por",
        "goal": "Nuestra meta",
        "by": "para el",
        "team_does": "Lo que hará mi equipo de cuidado",
        "i_do": "Lo que haremos yo y mi familia",
        "call": "A quién llamar",
        "call_note": "Llame primero a su coordinador(a) de cuidado si tiene preguntas. "
        "En una emergencia, llame al 911.",
        "appointments": "Próximas citas",
        "no_appointments": "Todavía no hay citas. Su coordinador(a) de cuidado le llamará.",
        "taught": "Lo que practicamos juntos",
        "next_review": "Revisaremos este plan juntos de nuevo el",
        "none": "Nada todavía.",
        "case_manager": "Coordinador(a) de cuidado",
    },
}
LANGUAGES = {"en": "English", "es": "Español"}
LOCALES = {"en": "en_US", "es": "es_US"}  # dates as patients in a US clinic read them


def _day(d: date, language: str) -> str:
    """ "Nov 19, 2026" / "19 nov 2026": month names in the printout's language (CLDR)."""
    return format_date(d, "medium", locale=LOCALES[language])


def _when(local: datetime, language: str) -> str:
    """ "Thu, Dec 3, 2026 9:00 AM" / "jue, 3 de dic de 2026 9:00 a.m." """
    loc, naive = LOCALES[language], local.replace(tzinfo=None)
    text = (
        f"{format_skeleton('yMMMEd', naive, locale=loc)} {format_time(naive, 'short', locale=loc)}"
    )
    return text.replace("\u202f", " ")  # CLDR's narrow no-break space is not in every font


def font_path() -> Path | None:
    for folder in FONT_DIRS:
        if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
            return folder
    return None


class _Doc(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="Letter")
        self.footer_text = footer_text
        folder = font_path()
        if folder is not None:
            self.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
            self.family = "DejaVu"
            self.unicode = True
        else:
            self.family = "Helvetica"
            self.unicode = False
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        self.add_page()

    def t(self, text: object) -> str:
        value = "" if text is None else str(text)
        if self.unicode:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def footer(self):
        self.set_y(-13)
        self.set_font(self.family, "", 9)
        self.cell(0, 6, self.t(f"{self.footer_text} · {self.page_no()}"), align="C")

    def heading(self, text: str, size: float):
        self.ln(2)
        self.set_font(self.family, "B", size)
        self.multi_cell(
            0, size * 0.55, self.t(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(1)

    def para(self, text: object, size: float, bold: bool = False, indent: float = 0):
        self.set_font(self.family, "B" if bold else "", size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(
            self.epw - indent,
            size * 0.5,
            self.t(text),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def rows(self, header: tuple[str, ...], rows: list[tuple], size: float, widths=None):
        self.set_font(self.family, "", size)
        with self.table(col_widths=widths, text_align="LEFT", line_height=size * 0.5) as table:
            head = table.row()
            for h in header:
                head.cell(self.t(h))
            for r in rows:
                row = table.row()
                for value in r:
                    row.cell(self.t(value))
        self.ln(2)


def _owner(task, users: dict[int, str]) -> str:
    if task.owner_kind == OwnerKind.STAFF:
        return users.get(task.owner_user_id, "")
    return task.owner_name or ""


def _appointments(s: Session | None, patient_id: int) -> list[tuple[datetime, str, str]]:
    """Upcoming appointments from the calendar as (when, what, where), in clinic time."""
    if s is None:
        return []
    tz = clock.clinic_tz()
    return [
        (
            clock.utc_to_local(a.start_at, tz),
            a.title or str(a.kind),
            a.location or a.provider or "",
        )
        for a in scheduling.upcoming_for_patient(s, patient_id, limit=10)
    ]


def patient_pdf(
    view: PlanView,
    *,
    language: str = "en",
    users: dict[int, str] | None = None,
    appointments: list[tuple[datetime, str, str]] | None = None,
    on: date | None = None,
) -> bytes:
    """The plain-language plan: large type, the patient's own words first."""
    w = WORDING[language]
    users = users or {}
    on = on or today()
    patient = view.patient
    name = patient.preferred_name or patient.given_name
    pdf = _Doc(f"{w['title']} · {patient.given_name} {patient.family_name}")
    big, body = 22, 15
    pdf.heading(w["title"], 26)
    pdf.para(f"{w['for']}: {patient.given_name} {patient.family_name} ({name})", body)
    pdf.para(f"{w['made']}: {_day(on, language)}", body)
    live = [g for g in view.goals if g.lifecycle_status not in care_plans.CLOSED_GOALS]
    pdf.heading(w["goals"], big)
    if not live:
        pdf.para(w["none"], body)
    for n, goal in enumerate(live, 1):
        if goal.patients_words:
            who = "" if goal.said_by == "patient" else f" ({w['said_by']} {goal.said_by_name})"
            pdf.para(f"{n}. {w['said']}{who}: “{goal.patients_words}”", body, bold=True)
        else:
            pdf.para(f"{n}.", body, bold=True)
        target = f" ({w['by']} {_day(goal.target_on, language)})" if goal.target_on else ""
        pdf.para(f"{w['goal']}: {goal.description}{target}", body, indent=6)
        pdf.ln(2)
    open_tasks = [t for t in view.tasks if t.status in OPEN]
    team_tasks = [t for t in open_tasks if t.owner_kind in (OwnerKind.STAFF, OwnerKind.CONTACT)]
    own_tasks = [t for t in open_tasks if t.owner_kind in (OwnerKind.PATIENT, OwnerKind.FAMILY)]
    for title, items in ((w["team_does"], team_tasks), (w["i_do"], own_tasks)):
        pdf.heading(title, big)
        if not items:
            pdf.para(w["none"], body)
        for task in items[:25]:
            pdf.para(f"• {task.title} ({_day(task.due_on, language)})", body, indent=2)
    pdf.heading(w["call"], big)
    manager = patient.primary_case_manager
    if manager is not None:
        pdf.para(f"{w['case_manager']}: {manager.display_name}", body, bold=True)
    for m in view.team:
        phone = f" · {display_phone(m.phone)}" if m.phone else ""
        pdf.para(f"{care_plans.member_label(m)} — {m.role}{phone}", body)
    pdf.para(w["call_note"], body)
    pdf.heading(w["appointments"], big)
    if appointments:
        for when, what, where in appointments:
            place = f" — {where}" if where else ""
            pdf.para(f"• {_when(when, language)}: {what}{place}", body, indent=2)
    else:
        pdf.para(w["no_appointments"], body)
    pdf.heading(w["taught"], big)
    if not view.teach_backs:
        pdf.para(w["none"], body)
    for tb in view.teach_backs[:15]:
        pdf.para(f"• {tb.topic} ({_day(tb.taught_on, language)})", body, indent=2)
    if view.plan and view.plan.next_review_on:
        pdf.ln(3)
        review = _day(view.plan.next_review_on, language)
        pdf.para(f"{w['next_review']} {review}.", body, bold=True)
    return bytes(pdf.output())


def clinician_pdf(
    view: PlanView, *, users: dict[int, str] | None = None, on: date | None = None
) -> bytes:
    """Everything on the plan, in tables, for the chart and the team."""
    users = users or {}
    on = on or today()
    plan, patient = view.plan, view.patient
    pdf = _Doc(f"Care plan · {patient.display_name} · MRN {patient.mrn} · CONFIDENTIAL")
    size = 9.5
    pdf.heading(f"Care plan: {patient.display_name}", 18)
    pdf.para(
        f"MRN {patient.mrn} · born {patient.birth_date} · language {patient.preferred_language}"
        f"{' (interpreter)' if patient.interpreter_needed else ''} · printed {on}",
        size,
    )
    if plan is None:
        pdf.para("No care plan.", size)
        return bytes(pdf.output())
    pdf.para(
        f"{plan.title} · status {plan.status} · start {plan.start_on} · end {plan.end_on or '-'} · "
        f"next review {plan.next_review_on or '-'} · author {users.get(plan.author_id, '')}",
        size,
    )
    pdf.heading("Goals", 13)
    pdf.rows(
        ("#", "In their words (who)", "Measurable goal", "Target", "Status", "Progress", "Source"),
        [
            (
                g.priority_rank,
                f"{g.patients_words or ''} ({g.said_by_name or g.said_by})",
                g.description,
                g.target_on or "",
                g.lifecycle_status,
                g.achievement_status,
                f"{g.source_kind} #{g.source_id}" if g.source_kind else "",
            )
            for g in view.goals
        ],
        size,
        widths=(4, 27, 27, 15, 12, 15, 11),  # dates and one-word statuses on one line
    )
    if view.options:
        goals_by_id = {g.id: g for g in view.goals}
        pdf.heading("Options discussed", 13)
        pdf.rows(
            ("Goal", "Options", "Preference", "Reasons", "Decision", "On"),
            [
                (
                    goals_by_id[o.goal_id].description[:60],
                    o.options_discussed,
                    o.preference or "",
                    o.reasons or "",
                    o.decision or "",
                    o.discussed_on,
                )
                for o in view.options
            ],
            size,
        )
    pdf.heading("Needs, strengths and barriers", 13)
    pdf.rows(
        ("Kind", "Text", "From"),
        [
            (c.kind, c.text, f"{c.source_kind} #{c.source_id}" if c.source_kind else "")
            for c in view.concerns
        ]
        or [("-", "None recorded", "")],
        size,
        widths=(15, 60, 25),
    )
    goal_of = care_plans.task_goal_map(view)
    pdf.heading("Interventions and tasks", 13)
    pdf.rows(
        ("Due", "Task", "Goal", "Owner", "Status", "Repeat"),
        [
            (
                f"{t.due_on}{' OVERDUE' if t.status in OPEN and t.due_on < on else ''}",
                t.title,
                goal_of[t.id].description[:50] if t.id in goal_of else t.source_kind,
                f"{_owner(t, users)} ({t.owner_kind})",
                f"{t.status}{': ' + t.status_reason if t.status_reason else ''}",
                f"every {t.repeat_every_days} d" if t.repeat_every_days else "",
            )
            for t in view.tasks
        ]
        or [("-", "No tasks", "", "", "", "")],
        size,
        widths=(15, 27, 20, 18, 13, 9),
    )
    pdf.heading("Care team", 13)
    pdf.rows(
        ("Role", "Member", "Phone"),
        [(m.role, care_plans.member_label(m), display_phone(m.phone)) for m in view.team]
        or [("-", "No members", "")],
        size,
    )
    pdf.heading("Reviews", 13)
    for r in view.reviews:
        pdf.para(
            f"{r.reviewed_on} by {users.get(r.reviewer_id, '')}: {r.note or ''} "
            f"(next {r.next_review_on})",
            size,
            bold=True,
        )
        for p in r.progress:
            goal = next((g for g in view.goals if g.id == p.goal_id), None)
            what = goal.description[:70] if goal else p.goal_id
            pdf.para(f"- {what}: {p.achievement_status} {p.note or ''}", size, indent=4)
    if not view.reviews:
        pdf.para("No reviews yet.", size)
    pdf.heading("Teach-back education log", 13)
    pdf.rows(
        ("On", "Topic", "Learner", "Language", "Method", "Materials", "Result", "Follow-up"),
        [
            (
                tb.taught_on,
                tb.topic,
                learner_label(tb),
                f"{tb.language}{' + interpreter' if tb.interpreter_used else ''}",
                tb.method,
                tb.materials or "",
                tb.result,
                tb.follow_up_on or "",
            )
            for tb in view.teach_backs
        ]
        or [("-", "Nothing taught yet", "", "", "", "", "", "")],
        size - 1,
    )
    pdf.heading("Transitions", 13)
    for t in view.transitions:
        pdf.para(
            f"{t.facility}: admitted {t.admitted_on}, discharged {t.discharged_on or '-'}, "
            f"LACE {t.lace_score if t.lace_score is not None else '-'}, {t.status}. {t.reason or ''}",
            size,
            bold=True,
        )
        for item in t.items:
            mark = {ChecklistState.DONE: "[x]", ChecklistState.NOT_APPLICABLE: "[n/a]"}.get(
                item.state, "[ ]"
            )
            pdf.para(f"{mark} {item.label} {item.reason or ''}", size, indent=4)
    if not view.transitions:
        pdf.para("No transitions recorded.", size)
    if view.placements:
        pdf.heading("Long-term-care placement", 13)
        pdf.rows(
            ("Facility", "Applied", "Status", "Social worker", "Notes"),
            [
                (
                    p.facility,
                    p.applied_on,
                    p.status,
                    users.get(p.social_worker_id, ""),
                    p.notes or "",
                )
                for p in view.placements
            ],
            size,
        )
    return bytes(pdf.output())


def export_plan_pdf(
    s: Session, actor: Actor, patient_id: int, *, version: str = "patient", language: str = "en"
) -> bytes:
    """Build a printout and record the export in the audit trail."""
    require(actor, care_plans.READ)
    if version not in ("patient", "clinician") or language not in WORDING:
        raise ValueError("version is patient or clinician; language en or es")
    view = care_plans.load_plan_view(s, actor, patient_id)
    users = {u.id: u.display_name for u in s.query(User).all()}
    if version == "patient":
        data = patient_pdf(
            view, language=language, users=users, appointments=_appointments(s, patient_id)
        )
    else:
        data = clinician_pdf(view, users=users)
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="care_plan",
        entity_id=view.plan.id if view.plan else None,
        patient_id=patient_id,
        category="care plan",
        detail={"version": version, "language": language},
    )
    return data
