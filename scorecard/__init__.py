"""Sefton Performance Scorecard engine: KPI register, data build, evaluation. Never imports streamlit."""

SEFTON = "E08000014"
ENGLAND = "E92000001"
