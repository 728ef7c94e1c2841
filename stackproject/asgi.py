"""ASGI entry point: the production server is `uvicorn stackproject.asgi:application`.

API requests (/v1, /v1alpha, /v1beta) go through a lean middleware chain (API_MIDDLEWARE): they
need no session, CSRF token, messages or Django user, and under ASGI each of Django's built-in
middleware classes hands every request to a thread and back, which would cost more than the
request itself. Everything else (the admin, /metrics) goes through the full MIDDLEWARE chain.
"""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stackproject.settings")

django_application = get_asgi_application()

from django.conf import settings  # noqa: E402 - after Django is set up
from django.core.handlers.asgi import ASGIHandler  # noqa: E402

from stackproject.middleware import API_PREFIXES  # noqa: E402


class ApiASGIHandler(ASGIHandler):
    """Django's ASGI handler with the API_MIDDLEWARE chain instead of MIDDLEWARE.

    It also skips the per-request ThreadSensitiveContext: that gives each request a thread of its
    own for its synchronous work (and a second one to join it), which costs more than an API
    request's few short ORM calls. Those then share asgiref's single sync thread instead, which also
    keeps one database connection per process rather than one per request.
    """

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    def load_middleware(self, is_async: bool = False) -> None:
        full_chain = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            super().load_middleware(is_async=is_async)
        finally:
            settings.MIDDLEWARE = full_chain


api_application = ApiASGIHandler()


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"].startswith(API_PREFIXES):
        await api_application(scope, receive, send)
    else:
        await django_application(scope, receive, send)
