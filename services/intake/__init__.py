"""The intake assessment: instruments and scoring, risk tiers, the intake itself and its
hand-offs. Uses core, patients, tasks, scheduling, contacts."""
