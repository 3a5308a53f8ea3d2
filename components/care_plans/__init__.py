"""The Care plan page's pieces: goals, tasks, team, reviews, teaching, transitions,
printouts, template admin. Uses the care-plans room."""
