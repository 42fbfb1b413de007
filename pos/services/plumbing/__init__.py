"""Plumbing: units of work, the change bus, live listeners, input validation."""
