"""The patient and family version of the printed plan: large type, plain words, the
patient's own words first, in English or Spanish.

Only what the nurse marked for the patient prints (services.care_plans.patient_items),
each item in the nurse's wording for the patient in the printout's language; an urgent
safety follow-up never prints here. Every printout ends with who to call: the patient's
coordinator (name and direct phone), the care team, 911 and the 988 crisis line.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_skeleton, format_time

from db.base import today
from db.models import AppointmentKind, OwnerKind, TeamRole
from services.care_plans.goals import CLOSED_GOALS
from services.care_plans.rows import GoalRow, PlanView, TaskRow
from services.core.contact_data import display_phone
from services.core.pdf_document import OPEN, Document

# Fixed wording, written for patients and families (plain, warm, second person).
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
        "coordinator": "My care coordinator",
        "direct": "direct line",
        "no_direct": "ask the clinic's front desk for them",
        "call_note": "Call your care coordinator first with questions or if something changes.",
        "emergency": "In an emergency, call 911.",
        "crisis": "If you are thinking about hurting yourself, or feel you cannot stay safe, "
        "call or text 988 (Suicide & Crisis Lifeline), any time, day or night.",
        "appointments": "Upcoming appointments",
        "no_appointments": "No appointments booked yet. Your care coordinator will call you.",
        "taught": "What we practiced together",
        "next_review": "We will look at this plan together again on",
        "none": "Nothing yet.",
        "due": "by",
    },
    "es": {
        "title": "Mi plan de cuidado",
        "for": "Para",
        "made": "Impreso el",
        "goals": "Lo que me importa: mis metas",
        "said": "En mis palabras",
        "said_by": "lo dijo",
        "goal": "Nuestra meta",
        "by": "para el",
        "team_does": "Lo que hará mi equipo de cuidado",
        "i_do": "Lo que haremos mi familia y yo",
        "call": "A quién llamar",
        "coordinator": "Mi coordinador(a) de cuidado",
        "direct": "línea directa",
        "no_direct": "pida su número en la recepción de la clínica",
        "call_note": "Si tiene preguntas o si algo cambia, llame primero a su coordinador(a) "
        "de cuidado.",
        "emergency": "En caso de emergencia, llame al 911.",
        "crisis": "Si piensa en hacerse daño, o siente que no puede mantenerse a salvo, llame "
        "o envíe un mensaje de texto al 988 (Línea de Prevención del Suicidio y Crisis), a "
        "cualquier hora del día o de la noche.",
        "appointments": "Próximas citas",
        "no_appointments": "Todavía no hay citas. Su coordinador(a) de cuidado le llamará.",
        "taught": "Lo que practicamos juntos",
        "next_review": "Volveremos a revisar este plan juntos el",
        "none": "Nada todavía.",
        "due": "para el",
    },
}
# The kinds of appointment, as a patient reads them.
KINDS = {
    "en": {
        AppointmentKind.MEDICAL: "doctor's appointment",
        AppointmentKind.HOME_VISIT: "home visit",
        AppointmentKind.TRANSPORT: "ride",
        AppointmentKind.TELEHEALTH: "video or phone visit",
        AppointmentKind.FOLLOW_UP_CALL: "phone call from your care team",
        AppointmentKind.CASE_CONFERENCE: "care team meeting",
        AppointmentKind.OTHER: "appointment",
    },
    "es": {
        AppointmentKind.MEDICAL: "cita médica",
        AppointmentKind.HOME_VISIT: "visita a domicilio",
        AppointmentKind.TRANSPORT: "transporte",
        AppointmentKind.TELEHEALTH: "consulta por video o por teléfono",
        AppointmentKind.FOLLOW_UP_CALL: "llamada de su equipo de cuidado",
        AppointmentKind.CASE_CONFERENCE: "reunión del equipo de cuidado",
        AppointmentKind.OTHER: "cita",
    },
}
# The care team's roles, as a patient reads them.
ROLES = {
    "en": {
        TeamRole.CASE_MANAGER: "care coordinator",
        TeamRole.PCP: "primary care doctor",
        TeamRole.SPECIALIST: "specialist",
        TeamRole.HOME_HEALTH: "home health nurse",
        TeamRole.SOCIAL_WORKER: "social worker",
        TeamRole.PHARMACIST: "pharmacist",
        TeamRole.CAREGIVER: "family or caregiver",
    },
    "es": {
        TeamRole.CASE_MANAGER: "coordinador(a) de cuidado",
        TeamRole.PCP: "médico(a) de atención primaria",
        TeamRole.SPECIALIST: "especialista",
        TeamRole.HOME_HEALTH: "enfermero(a) de salud a domicilio",
        TeamRole.SOCIAL_WORKER: "trabajador(a) social",
        TeamRole.PHARMACIST: "farmacéutico(a)",
        TeamRole.CAREGIVER: "familiar o cuidador(a)",
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


def worded(item: GoalRow | TaskRow, language: str) -> str:
    """The item in the nurse's words for the patient, in the printout's language when
    written (else as written on the plan)."""
    wording = item.wording or {}
    fallback = item.description if isinstance(item, GoalRow) else item.title
    return wording.get(language) or wording.get("en") or fallback


def untranslated(view: PlanView, language: str) -> list[str]:
    """The marked items that have no wording in this language (they print as written)."""
    if language == "en":
        return []
    return [
        worded(item, "en")
        for item in [*printed_goals(view), *printed_tasks(view)]
        if not (item.wording or {}).get(language)
    ]


def printed_goals(view: PlanView) -> list[GoalRow]:
    return [g for g in view.goals if g.for_patient and g.lifecycle_status not in CLOSED_GOALS]


def printed_tasks(view: PlanView) -> list[TaskRow]:
    """Open tasks marked for the patient; never an urgent (STAT) follow-up."""
    return [
        t
        for t in view.tasks
        if t.for_patient and t.status in OPEN and t.priority != "stat"
        and (t.source_kind or "") not in ("intake", "safety")
    ]  # fmt: skip


def patient_pdf(
    view: PlanView,
    *,
    language: str = "en",
    appointments: list[tuple[datetime, str, str, str]] | None = None,
    on: date | None = None,
) -> bytes:
    """The plain-language plan: large type, the patient's own words first.

    `appointments` are (local time, kind, title, place) from the calendar."""
    w = WORDING[language]
    on = on or today()
    patient = view.patient
    name = patient.preferred_name or patient.given_name
    pdf = Document(f"{w['title']} · {patient.given_name} {patient.family_name}")
    big, body = 22, 15
    pdf.heading(w["title"], 26)
    pdf.para(f"{w['for']}: {patient.given_name} {patient.family_name} ({name})", body)
    pdf.para(f"{w['made']}: {_day(on, language)}", body)
    _goals(pdf, w, printed_goals(view), language, big, body)
    tasks = printed_tasks(view)
    team_tasks = [t for t in tasks if t.owner_kind in (OwnerKind.STAFF, OwnerKind.CONTACT)]
    own_tasks = [t for t in tasks if t.owner_kind in (OwnerKind.PATIENT, OwnerKind.FAMILY)]
    for title, items in ((w["team_does"], team_tasks), (w["i_do"], own_tasks)):
        pdf.heading(title, big)
        if not items:
            pdf.para(w["none"], body)
        for task in items[:25]:
            due = _day(task.due_on, language)
            pdf.para(f"• {worded(task, language)} ({w['due']} {due})", body, indent=2)
    _who_to_call(pdf, w, view, big, body, language)
    pdf.heading(w["appointments"], big)
    if appointments:
        for when, kind, title, where in appointments:
            what = KINDS[language].get(kind, KINDS[language][AppointmentKind.OTHER])
            if language == "en" and title and title.lower() != str(kind).lower():
                what = f"{what}: {title}"
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


def _goals(pdf: Document, w: dict, goals: list[GoalRow], language: str, big, body) -> None:
    pdf.heading(w["goals"], big)
    if not goals:
        pdf.para(w["none"], body)
    for n, goal in enumerate(goals, 1):
        target = f" ({w['by']} {_day(goal.target_on, language)})" if goal.target_on else ""
        ours = f"{w['goal']}: {worded(goal, language)}{target}"
        if goal.patients_words:
            who = "" if goal.said_by == "patient" else f" ({w['said_by']} {goal.said_by_name})"
            pdf.para(f"{n}. {w['said']}{who}: “{goal.patients_words}”", body, bold=True)
            pdf.para(ours, body, indent=6)
        else:
            pdf.para(f"{n}. {ours}", body, bold=True)
        pdf.ln(2)


def _who_to_call(pdf: Document, w: dict, view: PlanView, big, body, language: str) -> None:
    patient = view.patient
    pdf.heading(w["call"], big)
    if patient.case_manager_name:
        phone = display_phone(patient.case_manager_phone) or w["no_direct"]
        pdf.para(
            f"{w['coordinator']}: {patient.case_manager_name} — {w['direct']}: {phone}",
            body,
            bold=True,
        )
    for m in view.team:
        if m.user_id is not None and m.user_id == patient.primary_case_manager_id:
            continue  # already named above
        phone = f" · {display_phone(m.phone)}" if m.phone else ""
        role = ROLES[language].get(m.role, m.role)
        pdf.para(f"{m.label} — {role}{phone}", body)
    pdf.para(w["call_note"], body)
    pdf.para(w["emergency"], body, bold=True)
    pdf.para(w["crisis"], body, bold=True)
