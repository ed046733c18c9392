"""Benchmarks: they print figures and ratios, and never fail on time."""
