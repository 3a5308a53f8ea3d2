"""The printed page every printout shares (fpdf2): care plans, safety plans, letters.

Fonts: DejaVu Sans (Debian package `fonts-dejavu-core`) so names with accents print;
without it, fpdf2's core Helvetica is used and characters outside Latin-1 are replaced.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from db.models import TaskStatus

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
OPEN = (TaskStatus.REQUESTED, TaskStatus.IN_PROGRESS, TaskStatus.ON_HOLD)
ROW_LINES = 25  # the most lines a table cell takes before it goes on in the next row


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
        """A table. A table row must fit on one page, so a cell longer than ROW_LINES lines
        (a 10,000-character note) goes on over the rows below it."""
        self.set_font(self.family, "", size)
        shares = list(widths or [1] * len(header))
        columns = [self.epw * w / sum(shares) - 2 * self.c_margin - 1 for w in shares]
        with self.table(col_widths=widths, text_align="LEFT", line_height=size * 0.5) as table:
            head = table.row()
            for h in header:
                head.cell(self.t(h))
            for r in rows:
                pieces = [self._pieces(self.t(v), w, size) for v, w in zip(r, columns, strict=True)]
                for n in range(max(len(p) for p in pieces)):
                    row = table.row()
                    for piece in pieces:
                        row.cell(piece[n] if n < len(piece) else "")
        self.ln(2)

    def _pieces(self, text: str, width: float, size: float) -> list[str]:
        """The text as the cell will wrap it, in pieces of at most ROW_LINES lines."""
        if len(text) < 400:  # short enough for any column
            return [text]
        lines = self.multi_cell(
            max(width, 5), size * 0.5, text, dry_run=True, output=MethodReturnValue.LINES
        )
        return ["\n".join(lines[i : i + ROW_LINES]) for i in range(0, len(lines), ROW_LINES)]
