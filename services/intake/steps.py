"""The intake's eight steps: what each holds and how a step's answers are cleaned.

Each cleaner takes what the form submitted and returns the dict the draft stores, or
raises InvalidInput naming every wrong field; nothing of a step is saved when any is wrong.
"""

from __future__ import annotations

from db import config
from services.contacts.family import RELATIONSHIPS, ROLES
from services.core.contact_data import normalize_phone
from services.core.errors import InvalidInput
from services.intake.instruments import Definition

STEPS: list[tuple[str, str]] = [
    ("identity", "Identity and contact"),
    ("living", "Living situation"),
    ("insurance", "Insurance"),
    ("supports", "Supports"),
    ("matters", "What matters"),
    ("screening", "Screening"),
    ("services", "Services needed"),
    ("summary", "Summary"),
]
STEP_KEYS = [k for k, _ in STEPS]
SETTINGS = ["home", "assisted living", "skilled nursing", "homeless", "other"]
TRANSPORT = ["has own transport", "family or friends drive", "public transport", "needs transport"]
INVOLVEMENT = ["daily", "weekly", "occasionally", "not involved"]
CAREGIVER_ROLES = list(ROLES)  # the roles the caregiver takes in the family list
SERVICES = [
    "home health nurse",
    "personal care aide",
    "transportation",
    "durable medical equipment",
    "meals",
    "behavioral health",
    "social work",
    "long-term-care placement",
    "other",
]
LITERACY_OPTIONS = ["Extremely", "Quite a bit", "Somewhat", "A little bit", "Not at all"]
DEFAULT_INSTRUMENTS = ["phq9", "gad7", "ahc_hrsn", "lace"]
TEXT_LIMIT = 2000

# What the identity step shows and lets the nurse correct (the patient record's fields).
PATIENT_FIELDS = (
    "mrn",
    "birth_date",
    "phone",
    "email",
    "address_line",
    "city",
    "state",
    "postal_code",
    "preferred_language",
    "interpreter_needed",
    "version",
)


def _text(values: dict, key: str, errors: dict, *, required: str | None = None) -> str:
    value = values.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[key] = required
    if len(value) > TEXT_LIMIT:
        errors[key] = f"Keep this under {TEXT_LIMIT} characters."
    return value


def _choice(values: dict, key: str, allowed: list[str], errors: dict, message: str) -> str:
    value = values.get(key) or ""
    if value not in allowed:
        errors[key] = message
    return value


def _clean_living(v: dict) -> dict:
    errors: dict[str, str] = {}
    out = {
        "setting": _choice(v, "setting", SETTINGS, errors, "Choose where the patient lives."),
        "setting_other": _text(v, "setting_other", errors),
        "lives_alone": bool(v.get("lives_alone")),
        "stairs": bool(v.get("stairs")),
        "household": _text(v, "household", errors),
        "transport": _choice(v, "transport", TRANSPORT, errors, "Choose how the patient travels."),
    }
    if out["setting"] == "other" and not out["setting_other"]:
        errors["setting_other"] = "Say what the other living situation is."
    distance = v.get("distance_miles")
    if distance is not None and not (0 <= float(distance) <= 500):
        errors["distance_miles"] = "Give a distance from 0 to 500 miles."
    out["distance_miles"] = None if distance is None else round(float(distance), 1)
    if errors:
        raise InvalidInput(errors)
    return out


def _clean_insurance(v: dict) -> dict:
    """The insurer is picked from the directory (payer_id, with its name in payer) or typed
    when it is not there yet; completing the intake turns this into the coverage."""
    errors: dict[str, str] = {}
    uninsured = bool(v.get("uninsured"))
    payer_id = v.get("payer_id")
    if payer_id is not None and (isinstance(payer_id, bool) or not isinstance(payer_id, int)):
        errors["payer"] = "Choose the insurer from the list, or type its name."
        payer_id = None
    out = {
        "uninsured": uninsured,
        "payer_id": None if uninsured else payer_id,
        "payer": _text(v, "payer", errors, required=None if uninsured else "Enter the payer."),
        "plan_name": _text(v, "plan_name", errors),
        "member_id": _text(
            v, "member_id", errors, required=None if uninsured else "Enter the member ID."
        ),
        "group": _text(v, "group", errors),
    }
    for key, limit in (("payer", 200), ("plan_name", 200), ("member_id", 60), ("group", 60)):
        if len(out[key]) > limit:
            errors[key] = f"Keep this under {limit} characters."
    if errors:
        raise InvalidInput(errors)
    return out


def _clean_supports(v: dict) -> dict:
    errors: dict[str, str] = {}
    out = {
        "caregiver_name": _text(v, "caregiver_name", errors),
        "caregiver_relationship": _text(v, "caregiver_relationship", errors),
        "caregiver_phone": _text(v, "caregiver_phone", errors),
        "involvement": v.get("involvement") or "",
        # None: not asked (the family list then decides: primary only if nobody else is)
        "caregiver_roles": None
        if v.get("caregiver_roles") is None
        else [r for r in v["caregiver_roles"] if r in CAREGIVER_ROLES],
        "other_supports": _text(v, "other_supports", errors),
    }
    if len(out["caregiver_name"]) > 200:  # the family list's limit
        errors["caregiver_name"] = "Keep the name under 200 characters."
    if not out["caregiver_name"]:
        out["caregiver_roles"] = None
    if out["caregiver_name"]:
        _choice(v, "involvement", INVOLVEMENT, errors, "Say how involved the caregiver is.")
        # The family list's relationships, so the caregiver can go to Contacts as they are.
        if out["caregiver_relationship"] not in RELATIONSHIPS:
            errors["caregiver_relationship"] = "Choose how the caregiver is related to the patient."
    if out["caregiver_phone"]:
        try:
            out["caregiver_phone"] = normalize_phone(out["caregiver_phone"], config.load().region)
        except ValueError as exc:
            errors["caregiver_phone"] = str(exc)
    elif "emergency contact" in (out["caregiver_roles"] or []):
        errors["caregiver_phone"] = "An emergency contact needs a phone number."
    if errors:
        raise InvalidInput(errors)
    return out


def _clean_matters(v: dict) -> dict:
    errors: dict[str, str] = {}
    out = {
        "what_matters": _text(
            v,
            "what_matters",
            errors,
            required="Write down what matters most to the patient, in their own words.",
        ),
        "said_by": v.get("said_by") or "patient",
        "said_by_name": _text(v, "said_by_name", errors),
        "preferences": _text(v, "preferences", errors),
        "cultural_needs": _text(v, "cultural_needs", errors),
        "language": _text(v, "language", errors) or "English",
        "interpreter": bool(v.get("interpreter")),
        "literacy": v.get("literacy"),
    }
    if out["said_by"] not in ("patient", "caregiver"):
        errors["said_by"] = "Choose who said it."
    elif out["said_by"] == "caregiver" and not out["said_by_name"]:
        errors["said_by_name"] = "Name the caregiver who said it."
    if out["literacy"] is not None and out["literacy"] not in range(len(LITERACY_OPTIONS)):
        errors["literacy"] = "Choose one answer."
    if errors:
        raise InvalidInput(errors)
    return out


def _clean_services(v: dict) -> dict:
    errors: dict[str, str] = {}
    needed = list(v.get("needed") or [])
    unknown = [x for x in needed if x not in SERVICES]
    if unknown:
        errors["needed"] = f"Unknown service: {', '.join(unknown)}."
    out = {"needed": needed, "other": _text(v, "other", errors)}
    if "other" in needed and not out["other"]:
        errors["other"] = "Say which other service is needed."
    if errors:
        raise InvalidInput(errors)
    return out


def fit_answers(answers: list | None, definition: Definition) -> list:
    """Stored answers sized to the definition (a definition may change mid-draft)."""
    answers = list(answers or [])
    n = len(definition.items)
    return (answers + [None] * n)[:n]


def clean_screening(v: dict, defs: dict[str, Definition]) -> dict:
    errors: dict[str, str] = {}
    chosen = [c for c in v.get("instruments") or [] if c != "literacy"]
    unknown = [c for c in chosen if c not in defs]
    if unknown:
        errors["instruments"] = f"Unknown instrument: {', '.join(unknown)}."
        raise InvalidInput(errors)
    answers = {}
    for code, raw in (v.get("answers") or {}).items():
        if code not in chosen:
            continue
        fitted = fit_answers(raw, defs[code])
        for item, value in zip(defs[code].items, fitted, strict=True):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not item.accepts(value):
                errors[code] = f"{defs[code].title}: {item.text}: expected {item.allowed()}."
                break
        answers[code] = fitted
    if errors:
        raise InvalidInput(errors)
    return {"instruments": chosen, "answers": answers}


CLEANERS = {
    "living": _clean_living,
    "insurance": _clean_insurance,
    "supports": _clean_supports,
    "matters": _clean_matters,
    "services": _clean_services,
}


def answers_of(data: dict, defs: dict[str, Definition]) -> dict[str, list]:
    """The draft's answers per chosen instrument (the literacy question is asked in the
    "what matters" step and scored as its own instrument)."""
    screening = data.get("screening") or {}
    found = {
        code: fit_answers(screening.get("answers", {}).get(code), defs[code])
        for code in screening.get("instruments", [])
        if code in defs
    }
    literacy = (data.get("matters") or {}).get("literacy")
    if literacy is not None and "literacy" in defs:
        found["literacy"] = [literacy]
    return found
