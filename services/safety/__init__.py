"""Safety: the urgent safety follow-up a positive suicide-risk item or interpersonal-safety
screen raises, its structured assessment and outcome, and the patient's safety plan and
its printout. Uses core, patients, tasks, scheduling and contacts (who was notified goes
into the contacts room's communication log); intake raises follow-ups, overview lists them."""
