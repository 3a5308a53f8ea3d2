"""The printed page every printout shares (fpdf2): care plans, safety plans, letters.

Fonts: DejaVu Sans (Debian package `fonts-dejavu-core`) so names with accents print;
without it, fpdf2's core Helvetica is used and characters outside Latin-1 are replaced.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from db.models import TaskStatus

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
OPEN = (TaskStatus.REQUESTED, TaskStatus.IN_PROGRESS, TaskStatus.ON_HOLD)


def font_path() -> Path | None:
    for folder in FONT_DIRS:
        if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
            return folder
    return None


class Document(FPDF):
    """A Letter page with a footer line, headings, paragraphs and tables."""

    def __init__(self, footer_text: str):
        super().__init__(format="Letter")
        self.footer_text = footer_text
        folder = font_path()
        if folder is not None:
            self.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
            self.family = "DejaVu"
            self.unicode = True
        else:
            self.family = "Helvetica"
            self.unicode = False
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        self.add_page()

    def t(self, text: object) -> str:
        value = "" if text is None else str(text)
        if self.unicode:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def footer(self):
        self.set_y(-13)
        self.set_font(self.family, "", 9)
        self.cell(0, 6, self.t(f"{self.footer_text} · {self.page_no()}"), align="C")

    def heading(self, text: str, size: float):
        self.ln(2)
        self.set_font(self.family, "B", size)
        self.multi_cell(
            0, size * 0.55, self.t(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(1)

    def para(self, text: object, size: float, bold: bool = False, indent: float = 0):
        self.set_font(self.family, "B" if bold else "", size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(
            self.epw - indent,
            size * 0.5,
            self.t(text),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def rows(self, header: tuple[str, ...], rows: list[tuple], size: float, widths=None):
        self.set_font(self.family, "", size)
        with self.table(col_widths=widths, text_align="LEFT", line_height=size * 0.5) as table:
            head = table.row()
            for h in header:
                head.cell(self.t(h))
            for r in rows:
                row = table.row()
                for value in r:
                    row.cell(self.t(value))
        self.ln(2)
