"""Japanese formats: Django's own, plus the date inputs Japanese users type."""

from django.conf.locale.ja.formats import *  # noqa: F403

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2025-04-01
    "%Y/%m/%d",  # 2025/04/01
    "%Y年%m月%d日",  # 2025年4月1日
]
