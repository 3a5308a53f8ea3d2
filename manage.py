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
            seed_demo(s, patients=args.patients, seed=args.seed, progress=_progress)
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
