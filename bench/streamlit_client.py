"""A light Streamlit client: one browser tab's session over the app's websocket, without
a browser, so a benchmark can drive many sessions against a running server (or several
behind nginx) while the machine's two cores stay with the server.

It speaks the protocol the browser speaks (protobuf BackMsg and ForwardMsg on
`/_stcore/stream`): it asks for a script run (a page, its query string, the widget values
to send) and reads what the run draws until the run finishes. What it does not do: draw,
run components' JavaScript, fetch media. The time of a step is from sending the request
to the server's "script finished": the server's script run plus the loopback round trip.
"""

from __future__ import annotations

import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

RERUN_NEXT = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


@dataclass
class Drawn:
    """What one step drew: its time, the widgets by label, the labels of everything, and
    the message of any exception the script raised."""

    ms: float
    widgets: dict[str, str] = field(default_factory=dict)  # label -> widget id
    labels: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)


class Session:
    """One signed-in tab. `url` is the app's address (a server, or nginx in front of
    several); a cookie the address sets (nginx's route) is sent back, as a browser does."""

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        self.url = url.rstrip("/")
        with urllib.request.urlopen(self.url + "/", timeout=timeout) as answer:
            cookies = [c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie") or []]
        parts = urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        headers = {"Cookie": "; ".join(cookies)} if cookies else {}
        self.ws = connect(
            f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=timeout,
        )
        self.timeout = timeout
        self.pages: dict[str, str] = {}  # url path ("" for My day) -> page script hash
        self.page_hash = ""
        self.first = self.run()

    def close(self) -> None:
        self.ws.close()

    def run(
        self, page: str | None = None, query: str = "", widgets: list[WidgetState] | None = None
    ) -> Drawn:
        """One script run: of `page` (its url path) with `query`, or of the page as it is."""
        if page is not None:
            self.page_hash = self.pages[page]
        ask = BackMsg()
        ask.rerun_script.query_string = query
        ask.rerun_script.page_script_hash = self.page_hash
        ask.rerun_script.widget_states.widgets.extend(widgets or [])
        started = time.perf_counter()
        self.ws.send(ask.SerializeToString())
        drawn = Drawn(0.0)
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(self.ws.recv(timeout=self.timeout))
            kind = msg.WhichOneof("type")
            if kind == "navigation":  # the app's pages, sent on every run
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._read(msg.delta.new_element, drawn)
            elif kind == "script_finished" and msg.script_finished != RERUN_NEXT:
                drawn.ms = (time.perf_counter() - started) * 1000
                return drawn

    @staticmethod
    def _read(element, drawn: Drawn) -> None:
        which = element.WhichOneof("type")
        part = getattr(element, which)
        if which == "exception":
            drawn.exceptions.append(part.message)
            return
        label = getattr(part, "label", "") or getattr(part, "body", "")
        if label:
            drawn.labels.append(label)
        if getattr(part, "id", "") and label:
            drawn.widgets[label] = part.id

    def sign_in(self, username: str, password: str) -> Drawn:
        form = self.first.widgets
        return self.run(
            widgets=[
                WidgetState(id=form["Username"], string_value=username),
                WidgetState(id=form["Password"], string_value=password),
                WidgetState(id=form["Sign in"], trigger_value=True),
            ]
        )
