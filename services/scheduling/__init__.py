"""Scheduling: appointments and recurrence, rides, reminder calls, the calendar feed and
.ics files, providers from the directory. Uses core, patients, tasks."""
