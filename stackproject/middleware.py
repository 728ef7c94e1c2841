"""Project middleware: the OpenAI error body where no view produced one, and static files.

Both are async-capable: under ASGI every sync-only middleware in the chain costs each request a
hand-off to a thread and back, which is most of what an API request costs the server.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from whitenoise.middleware import WhiteNoiseMiddleware

from apis.common.errors import MethodNotAllowedError, RouteNotFoundError, StackError

API_PREFIXES = ("/v1/", "/v1alpha/", "/v1beta/")


class AsyncCapableMiddleware:
    """Base of a middleware that runs natively in both modes.

    By default `handle` gets the response to adjust; a middleware that wraps the whole request
    instead overrides `call` (sync) and `__acall__` (async).
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self):
            return self.__acall__(request)
        return self.call(request)

    def call(self, request: HttpRequest) -> HttpResponse:
        return self.handle(request, self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        return self.handle(request, await self.get_response(request))

    def handle(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        return response


class ApiErrorBodyMiddleware(AsyncCapableMiddleware):
    """Turns Django's plain 404 and 405 answers under the API prefixes into JSON error bodies."""

    def handle(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code not in (404, 405) or not request.path.startswith(API_PREFIXES):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        error: StackError
        if response.status_code == 404:
            error = RouteNotFoundError(f"Route {request.method} {request.path} not found.")
        else:
            allowed = response.get("Allow", "")
            error = MethodNotAllowedError(
                f"Method {request.method} is not allowed for {request.path}. Allowed: {allowed}."
            )
        replacement = JsonResponse(error.body(), status=error.status_code, json_dumps_params={"separators": (",", ":")})
        if "Allow" in response:
            replacement["Allow"] = response["Allow"]
        return replacement


class ApiSecurityHeadersMiddleware(AsyncCapableMiddleware):
    """The headers Django's SecurityMiddleware would set that matter for JSON answers."""

    def handle(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, asynchronous for every request that is not for a static file."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        super().__init__(get_response)
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if iscoroutinefunction(self):
            return self.__acall__(request)
        return super().__call__(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.static_prefix):
            if self.autorefresh:
                static_file = await sync_to_async(self.find_file)(request.path_info)
            else:
                static_file = self.files.get(request.path_info)
            if static_file is not None:
                return self.serve(static_file, request)
        return await self.get_response(request)
