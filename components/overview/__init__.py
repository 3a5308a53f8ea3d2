"""My day and the patient header every patient page starts with. Uses every room's actions
but the demo's, and the safety room's pieces."""
