"""Benchmarks that print one JSON object per result: `python -m bench NAME`.

They measure; they never fail on timing. Each run creates its own scratch database,
checks the audit and counts oversold units at the end, and drops the database.
"""
