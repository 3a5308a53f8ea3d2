"""The Admin page's pieces: users and roles, audit report, backups, settings. Uses
services.core and the demo seeder."""
