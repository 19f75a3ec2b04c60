"""Data out: a ward's checks, grades, events, alerts and prompts for a period, as CSV tables
with a data dictionary, as FHIR bundles, or as a quality summary (``service.ExportService``).
"""
