"""Tasks: the to-dos every room creates (care-plan interventions, follow-ups, urgent
alerts) and My day lists. Uses core."""
