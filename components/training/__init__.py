"""The training room's pieces: the trainee's checklist (sidebar and Training page), the
trainer's view in Admin, and the scenario editor. Uses services.training."""
