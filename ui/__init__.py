"""Shared Streamlit UI helpers for the scorecard pages (kept outside pages/ so they are never pages)."""
