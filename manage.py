#!/usr/bin/env python
"""CareDesk operator commands. Run `python manage.py --help`."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from db import config, migrate
from db.session import dispose_all, session_scope


def _progress(fraction: float, label: str) -> None:
    width = 30
    filled = int(width * fraction)
    sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%} {label:<40}")
    sys.stdout.flush()
    if fraction >= 1:
        sys.stdout.write("\n")


def cmd_upgrade(args) -> int:
    url = config.load().database_url
    backup = migrate.upgrade(url)
    if backup:
        print(f"backed up to {backup} before migrating")
    print("database is up to date")
    return 0


def cmd_create_user(args) -> int:
    from services.core import auth
    from services.core.errors import InvalidInput
    from services.core.identity import SYSTEM

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        again = password
    else:
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password again: ")
    url = config.load().database_url
    migrate.upgrade(url)
    try:
        with session_scope(url) as s:
            user = auth.create_user(
                s,
                SYSTEM,
                args.username,
                args.display_name or args.username,
                args.role,
                password,
                again,
            )
            print(f"created {user.username} ({user.role})")
    except InvalidInput as exc:
        for field, message in exc.errors.items():
            print(f"{field}: {message}", file=sys.stderr)
        return 2
    return 0


def cmd_seed_demo(args) -> int:
    from services.demo import AlreadySeeded, NotADemoDatabase, seed_demo

    settings = config.load()
    url = settings.demo_database_url
    migrate.upgrade(url)
    started = time.perf_counter()
    try:
        with session_scope(url) as s:
            seed_demo(
                s,
                patients=args.patients,
                seed=args.seed,
                progress=_progress,
                history=args.history == "full",
            )
    except NotADemoDatabase as exc:
        print(exc, file=sys.stderr)
        return 2
    except AlreadySeeded:
        # Reopen it as it is: trainees' practice work stays; reset-demo starts it over.
        settings.set_demo_mode(True)
        print(
            f"the training database {url} already holds demo data; the app now uses it "
            "as it is. To start it over: python manage.py reset-demo --patients N"
        )
        return 0
    settings.set_demo_mode(True)
    print(
        f"seeded {args.patients} synthetic patients in {time.perf_counter() - started:.1f} s "
        f"into {url}; the app now uses the training database (sign in as nurse / demo)"
    )
    return 0


def cmd_reset_demo(args) -> int:
    from services.demo.reset import reset_training_database

    if not args.patients:
        reset_training_database(0)
        print("training database removed; CareDesk is back on the clinic database")
        return 0
    took = reset_training_database(args.patients, args.seed or 42, progress=_progress)
    print(
        f"training database reset with {args.patients} synthetic patients in {took:.1f} s; "
        "the app uses it (sign in as nurse / demo, or trainee1 ... trainee12 / demo)"
    )
    return 0


def cmd_backup(args) -> int:
    from services.core.backup import BackupError, backup

    url = config.load().database_url
    try:
        target = backup(url, Path(args.path))
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backup written to {target}")
    return 0


def cmd_restore(args) -> int:
    from services.core import audit
    from services.core.backup import BackupError, restore

    url = config.load().database_url
    before = (audit.outside_head(url) or {}).get("seq")
    dispose_all()
    try:
        restore(url, Path(args.path))
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    migrate.upgrade(url)
    with session_scope() as s:  # the trail says what was restored and what it rolled back
        event = audit.record_restore(s, Path(args.path).name, before)
    print(f"restored {args.path} (recorded as audit event {event.id})")
    return 0


def cmd_verify_audit(args) -> int:
    from services.core import audit

    with session_scope() as s:
        report = audit.verify(s)
    if report.ok:
        print(f"audit chain OK ({report.count} events)")
        for line in report.rollbacks:
            print(f"  rolled back by a restore: {line}")
        if report.outside == "missing":
            print("  note: no copy of the chain's head outside the database yet")
        return 0
    print(
        f"audit chain BROKEN at event {report.bad_id}: {report.reason} "
        f"({report.count} events verified before it)"
    )
    return 1


# ---------------------------------------------------------------- exchange formats


def _operator():
    """Who the audit trail names for an operator command."""
    from db.models import Role
    from services.core.identity import Actor

    return Actor(id=None, username="operator (manage.py)", display_name="Operator", role=Role.ADMIN)


def _database() -> str:
    url = config.load().database_url
    migrate.upgrade(url)
    return url


def cmd_export_ics(args) -> int:
    from datetime import date

    from sqlalchemy import select

    from db.models import Patient, User
    from services.scheduling import ics

    opts = ics.IcsOptions(
        title=args.title, patient_name=args.patient_name, location=args.location, notes=args.notes
    )
    with session_scope(_database()) as s:
        if args.patient:
            pid = s.scalar(select(Patient.id).where(Patient.mrn == args.patient))
            if pid is None:
                print(f"no patient has MRN {args.patient}", file=sys.stderr)
                return 2
            data = ics.export_patient_schedule(s, _operator(), pid, opts)
        else:
            staff = s.scalar(select(User.id).where(User.username == args.staff))
            if staff is None:
                print(f"no staff account {args.staff}", file=sys.stderr)
                return 2
            try:
                week = date.fromisoformat(args.week or "")
            except ValueError:
                print("--staff needs --week YYYY-MM-DD (a day of the week)", file=sys.stderr)
                return 2
            data = ics.export_staff_week(s, _operator(), staff, week, opts)
    Path(args.out).write_bytes(data)
    events = data.count(b"BEGIN:VEVENT")
    print(f"wrote {events} event{'' if events == 1 else 's'} to {args.out}")
    return 0


def cmd_import_directory(args) -> int:
    from services.contacts.directory_import import apply_import, preview_import
    from services.core.errors import InvalidInput

    files = [(Path(f).name, Path(f).read_bytes()) for f in args.files]
    region = config.load().region
    try:
        with session_scope(_database()) as s:
            preview = preview_import(
                s, _operator(), files, duplicates=args.duplicates, region=region
            )
            for r in preview.rows:
                if r.errors and r.action == "error":
                    problems = "; ".join(f"{k}: {v}" for k, v in r.errors.items())
                    print(f"{r.where}: {r.name} - NOT imported: {problems}")
            counts = {a: preview.count(a) for a in ("new", "merge", "skip", "error")}
            print(
                f"{counts['new']} new, {counts['merge']} to merge, {counts['skip']} to skip, "
                f"{counts['error']} with problems"
            )
            if preview.unknown_columns:
                print("ignored columns: " + ", ".join(preview.unknown_columns))
            if args.dry_run:
                print("dry run: nothing was imported")
                return 0
            result = apply_import(s, _operator(), files, duplicates=args.duplicates, region=region)
    except InvalidInput as exc:
        print(exc.errors.get("file", str(exc)), file=sys.stderr)
        return 2
    print(
        f"imported: {result.added} added, {result.merged} merged, {result.skipped} skipped, "
        f"{result.errors} not imported"
    )
    return 0


def cmd_export_directory(args) -> int:
    from services.contacts import directory_export

    region = config.load().region
    out = Path(args.out)
    with session_scope(_database()) as s:
        if args.format == "hsds":
            files = directory_export.export_hsds(
                s, _operator(), include_archived=args.include_archived, region=region
            )
            out.mkdir(parents=True, exist_ok=True)
            for name, content in files.items():
                (out / name).write_bytes(content)
            rows = files["organizations.csv"].count(b"\n") - 1
            print(f"wrote {rows} organizations as HSDS 3.0 ({len(files)} files) to {out}")
            return 0
        if args.format == "xlsx":
            data = directory_export.export_xlsx(
                s, _operator(), include_archived=args.include_archived, region=region
            )
        else:
            data = directory_export.export_csv(
                s, _operator(), include_archived=args.include_archived, region=region
            ).encode("utf-8-sig")
    out.write_bytes(data)
    print(f"wrote the directory to {out}")
    return 0


def cmd_export_fhir(args) -> int:
    from sqlalchemy import select

    from db.models import Patient
    from services.interop import fhir_export

    out = Path(args.out)
    with session_scope(_database()) as s:
        if args.all:
            wanted = list(s.execute(select(Patient.id, Patient.mrn).order_by(Patient.mrn)))
        else:
            wanted = list(
                s.execute(select(Patient.id, Patient.mrn).where(Patient.mrn == args.patient))
            )
            if not wanted:
                print(f"no patient has MRN {args.patient}", file=sys.stderr)
                return 2
        if args.all:
            out.mkdir(parents=True, exist_ok=True)
        resources = 0
        for n, (pid, mrn) in enumerate(wanted):
            bundle = fhir_export.patient_bundle(s, _operator(), pid)
            resources += len(bundle["entry"])
            target = out / f"patient-{mrn}.fhir.json" if args.all else out
            target.write_text(fhir_export.as_json(bundle), encoding="utf-8")
            if args.all and len(wanted) > 1:
                _progress((n + 1) / len(wanted), f"{n + 1} of {len(wanted)} patients")
    print(
        f"exported {len(wanted)} patient{'' if len(wanted) == 1 else 's'} "
        f"({resources} FHIR R4 resources, all valid) to {out}"
    )
    return 0


def cmd_import_fhir(args) -> int:
    from services.core.errors import DomainError, InvalidInput
    from services.interop import fhir_import

    files = [(Path(f).name, Path(f).read_bytes()) for f in args.files]
    region = config.load().region
    try:
        with session_scope(_database()) as s:
            preview = fhir_import.preview_import(s, _operator(), files)
            for f in preview.files:
                if f.refused:
                    print(f"{f.name}: REFUSED - {f.refused}")
                for p in f.patients:
                    if p.action == "refuse":
                        print(f"{f.name}: {p.plan.label}: NOT imported - {p.reason}")
            c = preview.counts()
            print(
                f"created {c['created']}, matched {c['matched']}, ignored {c['ignored']}, "
                f"refused {c['refused']}"
            )
            if args.dry_run:
                print("dry run: nothing was imported")
                return 0
            result = fhir_import.apply_import(
                s, _operator(), files, duplicates=args.duplicates, region=region
            )
    except (InvalidInput, DomainError) as exc:
        message = exc.errors.get("file", str(exc)) if isinstance(exc, InvalidInput) else str(exc)
        print(message, file=sys.stderr)
        return 2
    print(
        f"imported: {result.created} created, {result.matched} matched, "
        f"{result.family_added} family members and {result.coverage_added} coverages added"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description="CareDesk operator commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "upgrade", help="apply database migrations (backs up SQLite first)"
    ).set_defaults(func=cmd_upgrade)
    p = sub.add_parser("create-user", help="create a staff account")
    p.add_argument("username")
    p.add_argument(
        "--role", required=True, choices=["admin", "nurse", "social_worker", "scheduler", "viewer"]
    )
    p.add_argument("--display-name")
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    p.set_defaults(func=cmd_create_user)
    for name, func, helptext in (
        (
            "seed-demo",
            cmd_seed_demo,
            "fill the training database with synthetic data and switch to it",
        ),
        ("reset-demo", cmd_reset_demo, "delete the training database (reseed with --patients N)"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--patients", type=int, default=200 if name == "seed-demo" else 0)
        p.add_argument("--seed", type=int, default=42)
        if name == "seed-demo":
            p.add_argument(
                "--history",
                choices=["recent", "full"],
                default="recent",
                help="recent: the last eight weeks and the next twelve; full: also two years "
                "of a large clinic's past (about 10 appointments, 20 tasks, 2 intakes and "
                "40 audit events per patient)",
            )
        p.set_defaults(func=func)
    p = sub.add_parser("backup", help="back up the database in use to PATH")
    p.add_argument("path")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="replace the database in use with the backup at PATH")
    p.add_argument("path")
    p.set_defaults(func=cmd_restore)
    sub.add_parser("verify-audit", help="check the audit trail's HMAC chain").set_defaults(
        func=cmd_verify_audit
    )
    p = sub.add_parser("export-fhir", help="a patient (or all) as FHIR R4 bundles")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--patient", metavar="MRN")
    which.add_argument("--all", action="store_true", help="every patient, a file each in --out")
    p.add_argument("--out", required=True, metavar="FILE|DIR", help="a file, or a folder for --all")
    p.set_defaults(func=cmd_export_fhir)
    p = sub.add_parser("import-fhir", help="import patients from FHIR R4 bundles")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="print the counts, import nothing")
    p.add_argument(
        "--duplicates",
        choices=["merge", "skip"],
        default="merge",
        help="a patient already in CareDesk: fill in blanks and add family/insurance (merge), "
        "or leave as is (skip)",
    )
    p.set_defaults(func=cmd_import_fhir)
    p = sub.add_parser(
        "export-ics", help="a patient's upcoming appointments or a staff member's week as .ics"
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--patient", metavar="MRN")
    who.add_argument("--staff", metavar="USERNAME")
    p.add_argument("--week", metavar="YYYY-MM-DD", help="with --staff: a day of the week")
    p.add_argument("--out", required=True, metavar="FILE")
    for flag, what in (
        ("--title", "titles"),
        ("--patient-name", "patient names"),
        ("--location", "locations"),
        ("--notes", "notes"),
    ):
        p.add_argument(flag, action="store_true", help=f"include {what} (left out by default)")
    p.set_defaults(func=cmd_export_ics)
    p = sub.add_parser(
        "import-directory",
        help="import directory CSVs or an Open Referral HSDS datapackage (zip or its CSVs)",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="show what would happen, import nothing")
    p.add_argument("--duplicates", choices=["merge", "skip"], default="merge")
    p.set_defaults(func=cmd_import_directory)
    p = sub.add_parser("export-directory", help="the directory as HSDS 3.0 files, CSV or Excel")
    p.add_argument("--format", choices=["hsds", "csv", "xlsx"], default="hsds")
    p.add_argument("--out", required=True, metavar="DIR|FILE", help="a folder for hsds")
    p.add_argument("--include-archived", action="store_true")
    p.set_defaults(func=cmd_export_directory)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except migrate.DatabaseMissing as exc:
        print(exc, file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
