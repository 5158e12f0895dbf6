"""Writes of the remediation app, one module per subject."""
