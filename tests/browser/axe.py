"""axe-core in Chromium, with each finding sorted by whose it is.

The axe test (tests/browser/test_accessibility.py) and the scan (bench/a11y_scan.py)
share this. A violation is CareDesk's own when it sits in what the app draws (titles,
fields, tables, captions, links); it is Streamlit's when it sits in the frame Streamlit
draws around every app (the header, the toolbar, the sidebar's collapse button); it is
the calendar's when it sits inside the streamlit-calendar iframe, which is scanned on
its own. Only the first kind is ours to fix; the others are reported, not failed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from axe_playwright_python.base import AXE_SCRIPT

OWN, SHELL, CALENDAR = "own", "shell", "calendar"
IMPACTS = ("critical", "serious", "moderate", "minor")
# What Streamlit draws around the app, the same on every page (not CareDesk's content).
SHELL_SELECTOR = ", ".join(
    f"[data-testid={testid}]"
    for testid in (
        "stHeader",
        "stToolbar",
        "stDecoration",
        "stStatusWidget",
        "stSidebarHeader",
        "stSidebarCollapseButton",
        "stExpandSidebarButton",
        "stMainMenu",
    )
)
CALENDAR_FRAME = "streamlit_calendar.calendar"  # the component iframe's title (DESIGN §3.8)

# axe runs in the page itself; iframes are scanned one by one (the calendar's), not waited
# for by the page's run. The result is cut down in the page: only what the report needs.
_RUN = """async ([shell, options]) => {
    const result = await axe.run(document, options);
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({
            target: n.target.join(' '), html: n.html.slice(0, 200),
            shell: !!(n.element && n.element.closest(shell)),
            summary: (n.failureSummary || '').slice(0, 300),
        })),
    }));
}"""
# elementRef: each node comes back with its element, to see whose part of the page it is in.
_OPTIONS = {"iframes": False, "resultTypes": ["violations"], "elementRef": True}


@dataclass(frozen=True)
class Finding:
    where: str  # the page or dialog scanned
    owner: str  # OWN, SHELL or CALENDAR
    rule: str
    impact: str
    help: str
    target: str
    html: str
    summary: str

    def line(self) -> str:
        return f"{self.where} [{self.owner}] {self.impact} {self.rule}: {self.target} {self.html}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # everything scanned, in order

    def scan(self, pg, where: str) -> list[Finding]:
        found = scan(pg, where)
        self.pages.append(where)
        self.findings.extend(found)
        return found

    def of(self, owner: str, impacts: tuple[str, ...] = IMPACTS) -> list[Finding]:
        return [f for f in self.findings if f.owner == owner and f.impact in impacts]

    def of_page(self, where: str, owner: str) -> list[Finding]:
        return [f for f in self.findings if f.where == where and f.owner == owner]

    def rules(self, where: str, owner: str = OWN) -> list[str]:
        return sorted({f.rule for f in self.findings if f.where == where and f.owner == owner})


def _inject(frame) -> None:
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE_SCRIPT)


def _findings(raw: list[dict], where: str, owner: str | None) -> list[Finding]:
    return [
        Finding(
            where=where,
            owner=owner or (SHELL if node["shell"] else OWN),
            rule=v["id"],
            impact=v["impact"] or "minor",
            help=v["help"],
            target=node["target"],
            html=node["html"],
            summary=node["summary"],
        )
        for v in raw
        for node in v["nodes"]
    ]


def scan(pg, where: str) -> list[Finding]:
    """Run axe-core on the page as it is now (and in the calendar's frame, when shown)."""
    _inject(pg)
    found = _findings(pg.evaluate(_RUN, [SHELL_SELECTOR, _OPTIONS]), where, None)
    for frame in pg.frames:
        if frame is pg.main_frame or not frame.url.startswith("http"):
            continue
        title = frame.frame_element().get_attribute("title") or ""
        if title != CALENDAR_FRAME:
            continue
        _inject(frame)
        found += _findings(frame.evaluate(_RUN, [SHELL_SELECTOR, _OPTIONS]), where, CALENDAR)
    return found


def as_json(findings: list[Finding]) -> str:
    return json.dumps([f.__dict__ for f in findings], indent=1)
