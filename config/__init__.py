"""The project wiring: settings, the root URL confs, the Celery app, WSGI and the commands that span every layer.

The only package that knows all three apps (compliance ← cases ← remediation); see docs/architecture.md.
"""

from config.celery import app as celery_app

__all__ = ["celery_app"]
