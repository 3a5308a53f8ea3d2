"""Spreadsheets: caseload, open tasks, appointments, open referrals and the directory as CSV
or Excel files."""

from components.interop.spreadsheets import spreadsheets_view
from components.shared.guard import page_setup

actor = page_setup("Spreadsheets", "records.export")
spreadsheets_view(actor)
