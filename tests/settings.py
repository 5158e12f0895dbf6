"""Settings for the test suite: the product's own, with test-only speed-ups."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("ACCESS_LOG_CHECKPOINT_KEY", "tests-only-not-a-secret-checkpoint-key")

from config.settings import *  # noqa: F403

# The manifest storage needs collectstatic; the tests do not.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files from the finders, as in development: no collectstatic before the tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The test client speaks plain HTTP; the production settings redirect it (tests/test_production_settings.py).
SECURE_SSL_REDIRECT = False
# Mail goes to django.core.mail.outbox; tasks run in the test's process (the worker tests start a real one).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
EVIDENCE_ROOT = Path(tempfile.mkdtemp(prefix="evidence-"))
# Not in the environment: the product's processes that tests start get a file of their own (tests/real_services.py).
# A test that takes checkpoints points this at its own file, since its entries are rolled back after it.
ACCESS_LOG_CHECKPOINT_FILE = Path(tempfile.mkdtemp(prefix="checkpoints-")) / "access-log-checkpoints.jsonl"
# A budget no test reaches by accident; the throttling test sets its own.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1000000/hour"}}  # noqa: F405
# Tests run in transactions that never commit, so the dashboard's change counter (raised at commit) never moves:
# its cache is off, except in tests/remediation/test_dashboard_cache.py, which makes the triggers fire at once.
DASHBOARD_CACHE_SECONDS = 0
# The tests' webhook receivers listen on 127.0.0.1 over plain HTTP.
WEBHOOK_ALLOW_HTTP_LOOPBACK = True
