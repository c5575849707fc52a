"""The home page, the staff directory, the language switch and the health check."""
