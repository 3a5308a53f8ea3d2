"""The Contacts page's pieces: directory, family and consent, insurance, referrals,
call log. Uses the contacts room."""
