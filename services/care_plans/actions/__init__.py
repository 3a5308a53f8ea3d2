"""One function per user action on the Care plan page and the template admin, each in its
own transaction (docs/architecture.md). Callers import the module they need:
`plan` (opening, starting, reviewing and printing the plan), `goals` (goals, options,
tasks, templates), `team` (needs and the care team), `teaching`, `transitions`, and
`templates` (the admin's template editor)."""
