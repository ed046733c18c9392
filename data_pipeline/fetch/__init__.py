"""Fetching sources by URL: the 360Giving registry, the council's own files, on a schedule.

``registry`` reads the registry (pure), ``http`` fetches politely, ``area`` keeps the grants
that reached the configured area (pure), ``refresh`` puts them together, one load run per
source, under ``lock``; ``alerts`` tells people when a source goes wrong.
"""
