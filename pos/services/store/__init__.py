"""Store: store-wide settings, reports, the audit and health checks."""
