"""Middleware that gives API paths the OpenAI error body even where no view produced one."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from apis.common.errors import MethodNotAllowedError, RouteNotFoundError, StackError

API_PREFIXES = ("/v1/", "/v1alpha/", "/v1beta/")


class ApiErrorBodyMiddleware:
    """Turns Django's plain 404 and 405 answers under the API prefixes into JSON error bodies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
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
