"""Small builders shared by the contacts service tests."""

from __future__ import annotations

import itertools
from datetime import date

from db.models import Patient
from services.contacts import directory
from services.contacts.directory import OrgInput

_mrn = itertools.count(1)


def patient(s, given="Ana", family="Pérez") -> Patient:
    p = Patient(
        mrn=f"T{next(_mrn):06d}",
        given_name=given,
        family_name=family,
        birth_date=date(1950, 1, 2),
        search_name=f"{given} {family}".lower(),
    )
    s.add(p)
    s.flush()
    return p


def org(s, actor, name="Harbor Home Health", org_type="home health agency", **kw):
    kw.setdefault("phone", "(617) 555-0101")
    return directory.create_organization(
        s, actor, OrgInput(name=name, org_type=org_type, **kw), region="US"
    )
