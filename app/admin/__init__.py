"""Administration: units, users, imports and the audit log (admin role only)."""
