"""Benchmarks at national scale: a synthetic dataset generator and timed runs (``python -m scorecard.bench``)."""
