"""Care plans: plans and goals in the patient's words, templates, teach-back, transitions
and placements, printouts. Uses core, patients, tasks, scheduling, contacts, intake."""
