"""For the orchestrator: `/healthz` (the process answers) and `/readyz` (it can reach what it needs).

Both answer without signing in, carry no data of any case, and are never cached.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

REDIS_TIMEOUT_SECONDS = 2


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and serving requests."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and Redis (the broker, and the cache where it is Redis) answer: 200, or 503 naming what fails."""
    checks = {"database": _database}
    for name, url in redis_urls().items():
        checks[name] = lambda url=url: _redis(url)
    results = {name: _timed(check) for name, check in checks.items()}
    ready = all(result["ok"] for result in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)


def redis_urls() -> dict[str, str]:
    """The Redis servers this process depends on, by role."""
    urls = {"broker": settings.CELERY_BROKER_URL, "cache": settings.CACHES["default"].get("LOCATION", "")}
    return {
        role: url for role, url in urls.items() if isinstance(url, str) and url.startswith(("redis://", "rediss://"))
    }


def _timed(check: Callable[[], None]) -> dict:
    started = time.monotonic()
    try:
        check()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__, "ms": _ms_since(started)}
    return {"ok": True, "ms": _ms_since(started)}


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
