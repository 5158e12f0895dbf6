"""The compliance case tracker: the Django project, and the app of companies and people."""

from compliance.celery import app as celery_app

__all__ = ["celery_app"]
