"""Throttling per API token: each token has its own budget of requests."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token; a browser session counts per person, an anonymous request per address."""

    scope = "token"

    def get_cache_key(self, request, view) -> str:
        token_key = getattr(request.auth, "token_key", None)
        if token_key:
            ident = f"token:{token_key}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"person:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
