"""Streamlit pieces, one folder per capability plus shared/; they call the rooms' actions
and return plain data. See docs/architecture.md."""
