"""The patient and family version of the printed plan: large type, plain words, the
patient's own words first, the fixed wording in English or Spanish."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_skeleton, format_time

from db.base import today
from db.models import OwnerKind
from services.care_plans.goals import CLOSED_GOALS
from services.care_plans.rows import PlanView
from services.core.contact_data import display_phone
from services.core.pdf_document import OPEN, Document

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
    pdf = Document(f"{w['title']} · {patient.given_name} {patient.family_name}")
    big, body = 22, 15
    pdf.heading(w["title"], 26)
    pdf.para(f"{w['for']}: {patient.given_name} {patient.family_name} ({name})", body)
    pdf.para(f"{w['made']}: {_day(on, language)}", body)
    live = [g for g in view.goals if g.lifecycle_status not in CLOSED_GOALS]
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
    if patient.case_manager_name is not None:
        pdf.para(f"{w['case_manager']}: {patient.case_manager_name}", body, bold=True)
    for m in view.team:
        phone = f" · {display_phone(m.phone)}" if m.phone else ""
        pdf.para(f"{m.label} — {m.role}{phone}", body)
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
