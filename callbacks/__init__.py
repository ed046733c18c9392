"""Wiring only: read inputs, call queries, call figures. Imported once by app.py."""

from callbacks import overview, shell

__all__ = ["overview", "shell"]
