"""The Contacts page's user actions, one function per action, each in its own transaction.

Callers import the module of the theme they need (nothing is re-exported here):
directory (search, entries, people, export, import), patient (a patient's contacts,
family and consent, the FHIR export), insurance (coverage and prior authorizations),
referrals (new, move, detail, the board) and communications (the call log).

They hand back plain values (ids, rows of dicts, small frozen dataclasses), so nothing on
the page holds a database session or a live ORM object. Reads run in `read_scope` and build
their result inside it; anything that records an audit event (a patient view, an export)
or creates rows runs in `session_scope`.
"""
