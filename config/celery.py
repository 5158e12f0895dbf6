"""The Celery application, configured from Django's settings (the CELERY_ namespace)."""

import os

from celery import Celery, Task

from compliance import clock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class OneDayTask(Task):
    """A task that works on one day throughout, the day it started on (see `compliance.clock`)."""

    def __call__(self, *args, **kwargs):
        with clock.one_day():
            return super().__call__(*args, **kwargs)


app = Celery("compliance", task_cls=OneDayTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
