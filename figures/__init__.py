"""Figures: pure functions from a DataFrame to a plotly Figure, and the chart registry.

Rule: nothing in this package reads the database, files or the network. It imports only
pandas and plotly (and the standard library).
"""
