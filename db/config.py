"""Configuration: environment variables override .streamlit/secrets.toml, which overrides defaults.

Read with plain tomllib so that services and manage.py work without Streamlit. The settings
are read on every database call (about two dozen times a page run), so `load` keeps what
it read until the environment, the working folder or secrets.toml changes, and the
training-mode marker is checked by its file's stamp, read again only when it changed.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
CLINIC_DB_FILE = "caredesk.sqlite3"
DEMO_DB_FILE = "caredesk-demo.sqlite3"
MODE_FILE = "mode"  # holds "demo" while the training database is in use
SECRETS_FILE = PROJECT_DIR / ".streamlit" / "secrets.toml"
# The CAREDESK_* environment variables the settings are read from (load's cache key).
NAMES = (
    "DATA_DIR", "DATABASE_URL", "IDLE_MINUTES", "REGION", "TIMEZONE", "CLINIC_NAME",
    "DEMO_REGION", "SECRET_KEY",
)  # fmt: skip


def private_dir(path: Path) -> Path:
    """A folder only the account running CareDesk can open (it holds PHI and the key)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create (if needed) a file only the account running CareDesk can read."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    return path


def _stamp(path: Path) -> tuple[int, int] | None:
    """When a file last changed and its size; None when there is no such file."""
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (found.st_mtime_ns, found.st_size) if stat.S_ISREG(found.st_mode) else None


def _secrets() -> dict:
    return _read_secrets(_stamp(SECRETS_FILE))


@lru_cache(maxsize=4)
def _read_secrets(stamp: tuple[int, int] | None) -> dict:
    """secrets.toml as it was at `stamp` (the cache key: a changed file is read again)."""
    if stamp is None:
        return {}
    with SECRETS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    # Accept both top-level keys and a [caredesk] table.
    merged = {k.upper(): v for k, v in data.items() if not isinstance(v, dict)}
    merged.update({k.upper(): v for k, v in data.get("caredesk", {}).items()})
    return merged


def _get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"CAREDESK_{name}")
    if value not in (None, ""):
        return value
    value = _secrets().get(name)
    return str(value) if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    clinic_database_url: str
    idle_minutes: int
    region: str
    timezone: str
    clinic_name: str
    demo_region: str = "boston"  # where the synthetic patients and providers live

    @property
    def demo_database_url(self) -> str:
        return f"sqlite:///{self.data_dir / DEMO_DB_FILE}"

    @property
    def demo_mode(self) -> bool:
        """Checked at each use: `manage.py seed-demo` or `reset-demo` may switch it while
        CareDesk runs; the marker is read again only when its stamp changed."""
        marker = self.data_dir / MODE_FILE
        return _says_demo(marker, _stamp(marker))

    @property
    def database_url(self) -> str:
        """The database in use: the training file in demo mode, else the clinic's."""
        return self.demo_database_url if self.demo_mode else self.clinic_database_url

    def set_demo_mode(self, on: bool) -> None:
        private_dir(self.data_dir)
        marker = self.data_dir / MODE_FILE
        if on:
            marker.write_text("demo\n")
        else:
            marker.unlink(missing_ok=True)

    def audit_head_path(self, database_url: str) -> Path:
        """Where the head of a database's audit trail is kept outside it (one per database)."""
        from sqlalchemy.engine import make_url

        name = hashlib.sha256(str(make_url(database_url)).encode()).hexdigest()[:16]
        return self.data_dir / "audit-heads" / f"{name}.json"

    @property
    def secret_key_configured(self) -> bool:
        return bool(_get("SECRET_KEY"))

    @property
    def secret_key(self) -> bytes:
        """Key of the audit chain: from settings, else generated once into data/."""
        configured = _get("SECRET_KEY")
        if configured:
            return configured.encode()
        path = self.data_dir / "secret.key"
        if not path.is_file():
            private_dir(self.data_dir)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        return path.read_text().strip().encode()


@lru_cache(maxsize=64)
def _says_demo(marker: Path, stamp: tuple[int, int] | None) -> bool:
    return stamp is not None and marker.read_text().strip() == "demo"


def load() -> Settings:
    """The settings in force now (cached while nothing they come from has changed)."""
    environment = tuple(os.environ.get(f"CAREDESK_{name}") for name in NAMES)
    return _load(environment, os.getcwd(), _stamp(SECRETS_FILE))


@lru_cache(maxsize=16)
def _load(environment: tuple, cwd: str, secrets_stamp: tuple[int, int] | None) -> Settings:
    """The arguments are only the cache's key: what the settings are read from."""
    data_dir = Path(_get("DATA_DIR", str(PROJECT_DIR / "data"))).resolve()
    return Settings(
        data_dir=data_dir,
        clinic_database_url=_get("DATABASE_URL", f"sqlite:///{data_dir / CLINIC_DB_FILE}"),
        idle_minutes=int(_get("IDLE_MINUTES", "15")),
        region=_get("REGION", "US").upper(),
        timezone=_get("TIMEZONE", "America/New_York"),
        clinic_name=_get("CLINIC_NAME", "CareDesk"),
        demo_region=_get("DEMO_REGION", "boston").lower(),
    )
