"""First-run setup is protected by a one-time code printed in the server's terminal.

Whoever opens a new CareDesk first would otherwise get to create its administrator (or
switch it to training mode). The code is made once, kept owner-only in the data folder
(so every app process of the clinic shares it), printed where CareDesk was started (the
way notebook servers print their token) and asked for on the setup page. It is gone once
the first account exists.
"""

from __future__ import annotations

import hmac
import os
import secrets
import sys
from pathlib import Path

from db import config
from services.core.errors import InvalidInput

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
FILE = "setup-code"


def _path() -> Path:
    return config.load().data_dir / FILE


def _format(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def current_code(*, announce: bool = True) -> str:
    """The code (made on first use); printed to the terminal each time it is made."""
    path = _path()
    if path.is_file():
        return path.read_text().strip()
    code = _format("".join(secrets.choice(ALPHABET) for _ in range(12)))
    config.private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(code + "\n")
    if announce:
        print(
            "\n  CareDesk has no accounts yet. To set it up, open it in the browser and enter\n"
            f"  this one-time setup code: {code}\n",
            file=sys.stderr,
            flush=True,
        )
    return code


def matches(typed: str) -> bool:
    wanted = current_code(announce=False).replace("-", "")
    given = (typed or "").strip().upper().replace("-", "").replace(" ", "")
    return bool(given) and hmac.compare_digest(given, wanted)


def check(typed: str) -> None:
    if not matches(typed):
        raise InvalidInput(
            {
                "setup_code": "That is not the setup code. It is printed in the terminal "
                "where CareDesk was started (and kept in the data folder, file setup-code)."
            }
        )


def forget() -> None:
    """Setup is done: the code stops working."""
    _path().unlink(missing_ok=True)
