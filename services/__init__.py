"""The domain, plain Python: one package (room) per capability plus a small core.

See docs/architecture.md for the map and the rules."""
