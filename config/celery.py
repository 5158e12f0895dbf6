"""The Celery application, configured from Django's settings (the CELERY_ namespace)."""

import os

from celery import Celery, Task

from compliance import clock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
REDBEAT_SETTINGS = ("redbeat_redis_url", "redbeat_redis_options")


class OneDayTask(Task):
    """A task that works on one day throughout, the day it started on (see `compliance.clock`)."""

    def __call__(self, *args, **kwargs):
        with clock.one_day():
            return super().__call__(*args, **kwargs)


app = Celery("compliance", task_cls=OneDayTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
# celery-redbeat asks whether its settings are given by their bare names, which the CELERY_ namespace hides: named
# again here, it uses them as they are instead of warning and falling back to the broker's.
app.conf.update({name: app.conf[name] for name in REDBEAT_SETTINGS if app.conf.get(name) is not None})
app.autodiscover_tasks()
