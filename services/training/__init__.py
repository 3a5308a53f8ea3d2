"""Training: guided scenarios in the training database. A trainee starts a scenario and gets
their own copy of its synthetic patients; each step's check looks at the database and ticks
itself; the trainer sees every trainee's progress and can start anyone over.

Uses every room before it (core, patients, tasks, scheduling, contacts, intake, care_plans,
overview, demo): scenarios are made with the services a nurse uses.
"""
