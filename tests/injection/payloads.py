"""The corpus's text: the payloads, and `hostile(tag, limit)` to fit them to a field."""

from __future__ import annotations

FORMULA = '=HYPERLINK("https://evil.example/f","F1")'
PAYLOADS = [
    FORMULA,
    '<script>alert("S2")</script>',
    "<img src=x onerror=alert('I3')>",
    '<a href="javascript:alert(4)">A4 link</a>',
    '<iframe src="javascript:alert(5)"></iframe>',
    "[K6 click me](javascript:alert(6))",
    "[P7 phish](https://evil.example/login)",
    "![G8 pic](https://evil.example/x.png)",
    "javascript:alert(9)",
    "**B10** _I10_ `C10` ~~D10~~ :red[R10] :material/bug_report: :skull: $x^2$",
    "Ann\u202egpj.exe",  # right-to-left override
    "Zo\u200be\u200d\u2060y\ufeff",  # zero-width space, joiner, word joiner, BOM
    "https://evil.example/u13 www.evil.example bob@evil.example",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
# What a multi-line field adds: Markdown blocks, and lines a calendar file must not take
# as its own (a folded or unescaped newline would add a property).
LINES = "\n# H15\n- L15\n> Q15\nX-INJECTED:1\r\nATTENDEE:mailto:bob@evil.example\n=1+1"
LONG = "Long" + "x" * 5000 + "<img src=x onerror=alert('long')>" + "y" * 5000
# The markers a Markdown renderer would turn into elements: none may end up inside one.
# (an icon shows its name as its text; an emoji is its own character, 💀)
MARKERS = ["S2", "A4", "K6", "P7", "G8", "B10", "I10", "C10", "D10", "R10", "H15", "L15", "Q15"]
MARKERS += ["bug_report", "\N{SKULL}"]


def hostile(tag: str, limit: int | None = None, *, lines: bool = False, long: bool = False):
    """The corpus for one field: the formula first (a spreadsheet cell must be guarded),
    then the field's tag, then every payload that still fits the column (`limit`)."""
    parts = [FORMULA, f"«{tag}»", *PAYLOADS[1:]]
    text = " ".join(parts) + (LINES if lines else "") + (f" {LONG}" if long else "")
    if limit is None or len(text) <= limit:
        return text
    kept = ""
    for part in parts:
        candidate = f"{kept} {part}" if kept else part
        if len(candidate) > limit:
            break
        kept = candidate
    return kept or text[:limit]
