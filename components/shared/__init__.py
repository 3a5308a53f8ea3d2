"""Pieces every page uses: the guard, sign-in and first run, navigation, forms, flash
messages, tables and text. Uses services.core."""
