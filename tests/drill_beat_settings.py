"""The product's settings for the beats of the multi-node drill (tests/test_multi_node.py).

The schedule is the product's, with the reminder sweep every few seconds instead of at 09:00, and for the drill's
day (`DRILL_DAY`) rather than today, since the drill's processes keep real time.
"""

import os

from config.settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "sweep-reminders": {
        **CELERY_BEAT_SCHEDULE["sweep-reminders"],  # noqa: F405
        "schedule": float(os.environ.get("DRILL_SWEEP_EVERY", "5")),
        "args": (os.environ["DRILL_DAY"],),
    },
}
