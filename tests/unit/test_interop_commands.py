"""The exchange-format operator commands, run as an operator would, on a small demo:
export-fhir, import-fhir, export-ics, export-directory and import-directory."""

from __future__ import annotations

import json
import re
import sqlite3

from tests.unit.fhir_samples import synthea_like_bundle
from tests.unit.test_manage import manage


def _mrns(tmp_path) -> list[str]:
    from db import config

    path = config.load().demo_database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT mrn FROM patient ORDER BY mrn")]


def test_exchange_commands_on_a_small_demo(tmp_path):
    assert manage("seed-demo", "--patients", "5").returncode == 0
    mrns = _mrns(tmp_path)

    out = manage("export-fhir", "--all", "--out", str(tmp_path / "fhir"))
    assert out.returncode == 0, out.stderr
    assert "exported 5 patients" in out.stdout and "all valid" in out.stdout
    files = sorted((tmp_path / "fhir").glob("*.json"))
    assert len(files) == 5
    one = manage("export-fhir", "--patient", mrns[0], "--out", str(tmp_path / "one.json"))
    assert one.returncode == 0
    bundle = json.loads((tmp_path / "one.json").read_text())
    assert bundle["entry"][0]["resource"]["identifier"][0]["value"] == mrns[0]
    assert manage("export-fhir", "--patient", "NOPE", "--out", "x.json").returncode == 2

    generated = tmp_path / "generated.json"
    generated.write_text(json.dumps(synthea_like_bundle(seed=21)))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    dry = manage("import-fhir", str(generated), str(files[0]), str(broken), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert re.search(r"created 1, matched 1, ignored \d+, refused 1", dry.stdout)
    assert "broken.json: REFUSED" in dry.stdout and "nothing was imported" in dry.stdout
    assert len(_mrns(tmp_path)) == 5
    done = manage("import-fhir", str(generated), str(files[0]))
    assert done.returncode == 0 and "1 created, 1 matched" in done.stdout
    assert len(_mrns(tmp_path)) == 6

    ics = manage("export-ics", "--patient", mrns[0], "--out", str(tmp_path / "p.ics"))
    assert ics.returncode == 0 and (tmp_path / "p.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    week = manage(
        "export-ics", "--staff", "nurse", "--week", "2026-03-09", "--out", str(tmp_path / "w.ics")
    )
    assert week.returncode == 0 and "wrote" in week.stdout
    assert manage("export-ics", "--staff", "nurse", "--out", "w.ics").returncode == 2

    hsds = manage("export-directory", "--format", "hsds", "--out", str(tmp_path / "hsds"))
    assert hsds.returncode == 0 and "HSDS 3.0" in hsds.stdout
    tables = sorted(str(p) for p in (tmp_path / "hsds").glob("*.csv"))
    again = manage("import-directory", *tables, "--dry-run")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("0 new,") and "0 with problems" in again.stdout
