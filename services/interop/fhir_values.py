"""Reading values out of FHIR R4 JSON: references inside a bundle, words of a concept,
languages, phones and e-mails CareDesk can keep, and a current condition, allergy or
medication (kept read-only beside the patient)."""

from __future__ import annotations

from dataclasses import dataclass

from services.core.contact_data import normalize_email, normalize_phone
from services.core.languages import language_name


class Index:
    """Find a resource a reference points at: by fullUrl, "Type/id", or a URL ending so."""

    def __init__(self, entries: list[dict]):
        self.by_url: dict[str, dict] = {}
        for e in entries:
            res = e["resource"]
            if e.get("fullUrl"):
                self.by_url[e["fullUrl"]] = res
            if res.get("id"):
                self.by_url[f"{res['resourceType']}/{res['id']}"] = res

    def get(self, ref: dict | None) -> dict | None:
        target = (ref or {}).get("reference") or ""
        if target in self.by_url:
            return self.by_url[target]
        tail = "/".join(target.rstrip("/").split("/")[-2:])
        return self.by_url.get(tail)


def words(concept: dict | None) -> str:
    concept = concept or {}
    if concept.get("text"):
        return concept["text"]
    codings = concept.get("coding") or []
    return next((c.get("display") or c.get("code") or "" for c in codings), "")


def language_of(communication: list[dict] | None) -> str:
    items = communication or []
    chosen = next((c for c in items if c.get("preferred")), items[0] if items else None)
    if not chosen:
        return ""
    concept = chosen.get("language") or {}
    for coding in concept.get("coding") or []:
        named = language_name(coding.get("code"))
        if named:
            return named
    return words(concept)


def telecom_values(telecom: list[dict] | None) -> tuple[str, str, str, list[str]]:
    """(phone, mobile phone, e-mail, notes) that CareDesk can keep."""
    phone = mobile = email = ""
    notes = []
    for t in telecom or []:
        value = (t.get("value") or "").strip()
        if not value:
            continue
        if t.get("system") == "email" and not email:
            try:
                email = normalize_email(value) or ""
            except ValueError:
                notes.append(f"e-mail {value!r} is not valid: left out")
        elif t.get("system") in ("phone", "sms") and not (phone and mobile):
            try:
                number = normalize_phone(value, "US") or ""
            except ValueError:
                notes.append(f"phone {value!r} is not a valid number: left out")
                continue
            if t.get("use") == "mobile" and not mobile:
                mobile = number
            elif not phone:
                phone = number
            elif not mobile:
                mobile = number
    return phone, mobile, email, notes


@dataclass(frozen=True)
class OutsidePlan:
    """A diagnosis, allergy or medication to keep read-only (db.models.OutsideRecordItem)."""

    kind: str
    text: str
    code: str = ""
    code_system: str = ""
    status: str = ""
    detail: str = ""
    since: str = ""


def status_code(concept_or_code) -> str:
    if isinstance(concept_or_code, str):
        return concept_or_code
    codes = [c.get("code") for c in (concept_or_code or {}).get("coding") or []]
    return codes[0] if codes else ""


def outside_plan(
    res: dict, kind: str, current: tuple[str, ...], index: Index
) -> OutsidePlan | None:
    """A current diagnosis, allergy or medication; None when the file says it is over."""
    status = status_code(res.get("clinicalStatus") or res.get("status"))
    if status and status not in current:
        return None
    concept = res.get("code") or res.get("medicationCodeableConcept")
    if concept is None and res.get("medicationReference"):
        medication = index.get(res["medicationReference"]) or {}
        concept = medication.get("code") or {"text": res["medicationReference"].get("display")}
    named = words(concept)
    if not named:
        return None
    coding = next(iter((concept or {}).get("coding") or []), {})
    detail = []
    if res.get("criticality"):
        detail.append(f"criticality {res['criticality']}")
    for reaction in res.get("reaction") or []:
        detail += [words(m) for m in reaction.get("manifestation") or [] if words(m)]
    for dose in (res.get("dosage") or []) + (res.get("dosageInstruction") or []):
        if dose.get("text"):
            detail.append(dose["text"])
    if res.get("severity"):
        detail.append(words(res["severity"]))
    since = (
        res.get("onsetDateTime")
        or (res.get("effectivePeriod") or {}).get("start")
        or res.get("effectiveDateTime")
        or res.get("authoredOn")
        or res.get("recordedDate")
        or ""
    )
    return OutsidePlan(
        kind=kind,
        text=named,
        code=(coding.get("code") or "")[:64],
        code_system=(coding.get("system") or "")[:200],
        status=status.replace("-", " ")[:40],
        detail="; ".join(detail),
        since=since[:10],
    )
