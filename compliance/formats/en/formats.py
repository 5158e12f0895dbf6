"""English formats: Django's own, plus ISO dates everywhere."""

from django.conf.locale.en.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", *DATE_INPUT_FORMATS]  # noqa: F405
