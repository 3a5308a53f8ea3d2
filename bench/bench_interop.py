"""Exchange-format figures on a demo clinic (default 200 patients; `--patients N`):

- FHIR R4 export of every patient: patients, resources, resources invalid under
  fhir.resources' R4B models (and unresolved references), milliseconds per patient;
- FHIR import of a generated Synthea-like bundle: created / matched / ignored / refused,
  then the same file again;
- the directory as HSDS 3.0 and back into an empty directory: organizations, seconds,
  entries that came back different;
- .ics of every patient's upcoming schedule: events (series counted once), seconds.

Run: python bench/bench_interop.py [--patients N]   (prints the figures; not a test)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=200)
    args = parser.parse_args()
    os.environ["CAREDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="caredesk-bench-")
    os.environ.setdefault("CAREDESK_SECRET_KEY", "bench")

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from db.models import Base, Organization, Patient, User
    from db.session import make_engine
    from services.contacts import directory_export
    from services.contacts.directory_export import org_values
    from services.contacts.directory_import import apply_import as import_directory
    from services.demo import seed_demo
    from services.interop import fhir_export, fhir_import
    from services.interop.fhir_common import validation_problems
    from services.scheduling import ics
    from tests.conftest import actor_for
    from tests.unit.fhir_samples import synthea_like_bundle

    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        started = time.perf_counter()
        seed_demo(s, patients=args.patients)
        print(f"seeded {args.patients} patients in {time.perf_counter() - started:.1f} s")
        nurse = actor_for(s.scalars(select(User).where(User.username == "nurse")).one())
        ids = list(s.scalars(select(Patient.id)))

        started = time.perf_counter()
        resources = invalid = unresolved = 0
        for pid in ids:
            bundle = fhir_export.patient_bundle(s, nurse, pid, check=False)
            resources += len(bundle["entry"])
            invalid += bool(validation_problems(bundle))
            unresolved += len(fhir_export.unresolved(bundle))
        took = time.perf_counter() - started
        print(
            f"FHIR export: {len(ids)} patients, {resources} resources, {invalid} bundles "
            f"invalid, {unresolved} unresolved references, "
            f"{1000 * took / len(ids):.0f} ms per patient (validation included)"
        )

        files = [("generated.json", json.dumps(synthea_like_bundle(seed=1)).encode())]
        for attempt in ("first", "again"):
            counts = fhir_import.preview_import(s, nurse, files).counts()
            result = fhir_import.apply_import(s, nurse, files, region="US")
            print(
                f"FHIR import of a generated bundle ({attempt}): created {counts['created']}, "
                f"matched {counts['matched']}, ignored {counts['ignored']}, refused "
                f"{counts['refused']}; kept {result.family_added} family, "
                f"{result.coverage_added} coverage, {result.outside_added} outside items"
            )

        before = sorted((org_values(o) for o in s.scalars(select(Organization))), key=str)
        started = time.perf_counter()
        package = directory_export.zipped(directory_export.export_hsds(s, nurse))
        for o in s.scalars(select(Organization)):
            o.name_key, o.dedupe_key = "~gone", f"~gone|{o.id}"  # out of the way of matching
        s.flush()
        fresh = make_engine("sqlite://")
        Base.metadata.create_all(fresh)
        with Session(fresh) as t:
            import_directory(t, nurse, [("directory.zip", package)], region="US")
            after = sorted((org_values(o) for o in t.scalars(select(Organization))), key=str)
        changed = sum(a != b for a, b in zip(before, after, strict=False))
        print(
            f"HSDS 3.0: {len(before)} organizations out and into an empty directory in "
            f"{time.perf_counter() - started:.1f} s; {changed} came back different, "
            f"{abs(len(before) - len(after))} missing"
        )

        started = time.perf_counter()
        events = 0
        for pid in ids:
            events += ics.export_patient_schedule(s, nurse, pid, ics.IcsOptions()).count(
                b"BEGIN:VEVENT"
            )
        print(
            f".ics: {events} events for {len(ids)} patients' upcoming schedules in "
            f"{time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    main()
