"""The printed safety plan, for the patient to keep: large type, plain words, the patient's
own lines under each step, and the crisis lines on every copy. English or Spanish.

It is its own printout, chosen by the nurse; the care plan's family printout never
carries it.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Patient, SafetyConcern, SafetyFollowUp
from services.core import audit
from services.core.audit import Action
from services.core.clock import clinic_tz, utc_to_local
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.pdf_document import Document
from services.safety.plans import PLAN_FIELDS, SafetyPlanInput, plan_of

LANGUAGES = {"en": "English", "es": "Español"}
LOCALES = {"en": "en_US", "es": "es_US"}
WORDING = {
    "en": {
        "title": "My safety plan",
        "for": "For",
        "made": "Reviewed on",
        "steps": {
            "warning_signs": "1. Warning signs that a crisis may be coming",
            "coping_strategies": "2. Things I can do on my own to feel better",
            "people_and_places": "3. People and places that help me",
            "professionals": "4. Professionals and agencies I can call",
            "means_safety": "5. Making my surroundings safer",
        },
        "none": "(to fill in together)",
        "crisis": "If I am in crisis",
        "lifeline": "Call or text 988: the Suicide & Crisis Lifeline, any time, day or night. "
        "You can also chat at 988lifeline.org.",
        "emergency": "If I am in danger right now, I call 911 or go to the nearest emergency room.",
        "dv": "National Domestic Violence Hotline: 1-800-799-7233, or text START to 88788.",
        "case_manager": "My case manager",
        "keep": "Keep this plan where you can find it quickly.",
    },
    "es": {
        "title": "Mi plan de seguridad",
        "for": "Para",
        "made": "Revisado el",
        "steps": {
            "warning_signs": "1. Señales de que se acerca una crisis",
            "coping_strategies": "2. Lo que puedo hacer por mi cuenta para sentirme mejor",
            "people_and_places": "3. Personas y lugares que me ayudan",
            "professionals": "4. Profesionales y agencias a quienes puedo llamar",
            "means_safety": "5. Cómo hacer más seguro mi entorno",
        },
        "none": "(para completar juntos)",
        "crisis": "Si estoy en crisis",
        "lifeline": "Llame o envíe un mensaje de texto al 988: la Línea de Prevención del "
        "Suicidio y Crisis, a cualquier hora (oprima 2 para español).",
        "emergency": "Si estoy en peligro ahora mismo, llamo al 911 o voy a la sala de "
        "emergencias más cercana.",
        "dv": "Línea Nacional contra la Violencia Doméstica: 1-800-799-7233, o envíe START "
        "al 88788.",
        "case_manager": "Mi coordinador(a) de cuidado",
        "keep": "Guarde este plan donde pueda encontrarlo rápido.",
    },
}
assert set(WORDING["en"]["steps"]) == set(PLAN_FIELDS)


def safety_plan_pdf(
    values: SafetyPlanInput,
    *,
    patient_name: str,
    case_manager: str,
    reviewed_on: date,
    language: str = "en",
    domestic_violence: bool = False,
) -> bytes:
    w = WORDING[language if language in WORDING else "en"]
    pdf = Document(f"{w['title']} · {patient_name}")
    big, body = 20, 15
    pdf.heading(w["title"], 26)
    pdf.para(f"{w['for']}: {patient_name}", body)
    pdf.para(f"{w['made']}: {format_date(reviewed_on, 'medium', locale=LOCALES[language])}", body)
    for name, heading in w["steps"].items():
        pdf.heading(heading, big)
        lines = [x.strip() for x in (getattr(values, name) or "").splitlines() if x.strip()]
        for line in lines or [w["none"]]:
            pdf.para(f"• {line}", body, indent=2)
    pdf.heading(w["crisis"], big)
    pdf.para(w["lifeline"], body, bold=True)
    pdf.para(w["emergency"], body, bold=True)
    if domestic_violence:
        pdf.para(w["dv"], body, bold=True)
    if case_manager:
        pdf.ln(2)
        pdf.para(f"{w['case_manager']}: {case_manager}", body)
    pdf.ln(2)
    pdf.para(w["keep"], body)
    return bytes(pdf.output())


def export_plan_pdf(s: Session, actor: Actor, patient_id: int, language: str = "en") -> bytes:
    """The patient's safety plan as PDF bytes; the export is recorded in the audit trail."""
    require(actor, "records.export")
    if language not in WORDING:
        raise InvalidInput({"language": "Print in English or Spanish."})
    patient = s.get(Patient, patient_id)
    plan = plan_of(s, patient_id)
    if patient is None or plan is None:
        raise NotFound("This patient has no safety plan yet.")
    manager = patient.primary_case_manager
    domestic_violence = bool(
        s.scalar(
            select(SafetyFollowUp.id)
            .where(
                SafetyFollowUp.patient_id == patient_id,
                SafetyFollowUp.concern == SafetyConcern.INTERPERSONAL,
            )
            .limit(1)
        )
    )
    data = safety_plan_pdf(
        SafetyPlanInput.of(plan),
        patient_name=f"{patient.given_name} {patient.family_name}",
        case_manager=manager.display_name if manager else "",
        reviewed_on=utc_to_local(plan.reviewed_at, clinic_tz()).date(),
        language=language,
        domestic_violence=domestic_violence,
    )
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="safety plan",
        entity_id=plan.id,
        patient_id=patient_id,
        category="safety",
        detail={"language": language},
    )
    return data
