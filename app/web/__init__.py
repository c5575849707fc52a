"""What every blueprint shares: htmx rendering, access checks, filters, security headers."""
