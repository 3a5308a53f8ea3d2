"""The exchange formats on screen: the FHIR download and import, lists as spreadsheets."""
