"""The error a backup or restore refuses with."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason in words an operator can act on."""
