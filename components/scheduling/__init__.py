"""The Calendar page's pieces: the calendar, booking dialogs, rides, reminder calls.
Uses the scheduling room."""
