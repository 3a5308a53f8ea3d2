"""nginx in front of several running CareDesk processes, configured from the clinic's own
site file (deploy/nginx-caredesk.conf): the same maps, cookie and hash, with this run's
ports. For the two-process browser test and bench/bench_nginx.py.

nginx runs as a child of the caller (daemon off), with every path under a scratch folder,
so it needs no root and leaves any nginx already running on the machine alone. Its access
log names, per request, the routing key (the browser's caredesk_route cookie, or the new
one it is given) and the process that served it; a test-only response header
X-CareDesk-Upstream says the same to the browser.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx-caredesk.conf"
# One line per request: routing key, process (host:port), status, method and path.
LOG_FORMAT = "'$caredesk_route $upstream_addr $status \"$request\"'"
LINE = re.compile(r'^(\S+) (\S+) (\d+) "(\S+) (\S+)')


def nginx_binary() -> str | None:
    """Debian installs nginx in /usr/sbin, which is not on a normal user's PATH."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _one(text: str, old: str, new: str) -> str:
    """Replace lines of the site file that must be there exactly once (whole lines, not
    the commented HTTPS server's): if the file changes shape, this fails instead of
    testing a different routing."""
    assert text.count(old) == 1, f"{SITE.name} no longer has exactly one {old!r}"
    return text.replace(old, new)


def site_config(backends: list[int], port: int) -> str:
    """The clinic's site file with these backend ports, listening on 127.0.0.1:`port`."""
    text = SITE.read_text()
    servers = "".join(f"    server 127.0.0.1:{p};\n" for p in backends)
    text = _one(text, "\n    server 127.0.0.1:8501;\n    server 127.0.0.1:8502;\n", "\n" + servers)
    text = _one(text, "\n    listen 80;\n", f"\n    listen 127.0.0.1:{port};\n")
    text = _one(text, "\n    listen [::]:80;\n", "\n")
    return _one(
        text,
        "\n        add_header Set-Cookie $caredesk_route_cookie always;\n",
        "\n        add_header Set-Cookie $caredesk_route_cookie always;\n"
        "        add_header X-CareDesk-Upstream $upstream_addr always;\n",
    )


@dataclass
class Requests:
    """The access log, read: one (key, process, status, method, path) per request."""

    rows: list[tuple[str, str, int, str, str]]

    def processes_of(self, key: str) -> set[str]:
        return {r[1] for r in self.rows if r[0] == key}

    def paths_of(self, key: str) -> list[str]:
        return [r[4] for r in self.rows if r[0] == key]


@dataclass
class RunningProxy:
    url: str
    folder: Path
    process: subprocess.Popen

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def requests(self) -> Requests:
        rows = []
        for line in self.access_log.read_text().splitlines():
            m = LINE.match(line)
            if m:
                key, upstream, status, method, path = m.groups()
                rows.append((key, upstream, int(status), method, path))
        return Requests(rows)

    def stop(self) -> None:
        self.process.terminate()  # SIGTERM: nginx's fast shutdown
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_nginx(folder: Path, backends: list[int]) -> RunningProxy:
    """nginx on a free port in front of `backends`, every file under `folder`."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "temp" / sub).mkdir(parents=True, exist_ok=True)
    port = free_port()
    (folder / "caredesk.conf").write_text(site_config(backends, port))
    temp = folder / "temp"
    # As root, nginx's workers would switch to "nobody" and could not write uploads
    # into this (owner-only) folder: keep them as this user.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    log_format caredesk {LOG_FORMAT};\n"
        f"    access_log {folder / 'access.log'} caredesk;\n"
        f"    client_body_temp_path {temp / 'body'};\n"
        f"    proxy_temp_path {temp / 'proxy'};\n"
        f"    fastcgi_temp_path {temp / 'fastcgi'};\n"
        f"    uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"    scgi_temp_path {temp / 'scgi'};\n"
        f"    include {folder / 'caredesk.conf'};\n"
        "}\n"
    )
    log = open(folder / "nginx.log", "w")  # noqa: SIM115 - lives with the process
    process = subprocess.Popen(
        [
            binary,
            "-p",
            str(folder),
            "-c",
            str(folder / "nginx.conf"),
            "-e",
            "stderr",  # not /var/log/nginx, which a normal user cannot open
            "-g",
            f"daemon off; pid {folder / 'nginx.pid'}; error_log stderr;",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped: {(folder / 'nginx.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return RunningProxy(f"http://127.0.0.1:{port}", folder, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"nginx did not listen on {port}")
