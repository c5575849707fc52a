"""Commitments: registering, signing under a seal, confirming and tracking."""
