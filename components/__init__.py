"""Reusable layout pieces and the ids callbacks use to reach them."""
