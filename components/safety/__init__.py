"""The urgent safety follow-up (assessment, safety plan and its printout, who was told, the
outcome), drawn the same on My day and on the patient's page. Uses the safety room."""
