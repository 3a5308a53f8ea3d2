"""Spreadsheets: caseload, tasks, appointments, referrals and directory as CSV or Excel."""

from components.interop.spreadsheets import spreadsheets_view
from components.shared.guard import page_setup

actor = page_setup("Spreadsheets", "records.export")
spreadsheets_view(actor)
