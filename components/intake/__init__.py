"""The Intake page's pieces: the steps, history, instrument admin. Uses the intake room."""
