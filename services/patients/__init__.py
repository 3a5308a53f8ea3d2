"""The patient registry: find, register, edit, archive and restore patients.
Uses core."""
