"""Authenticates API requests, applies the route policy and quotas, and sets who is calling."""


from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse

from apis.access.authentication import authenticate
from apis.access.config import server_config
from apis.access.identity import AccessContext, reset_access, set_access
from apis.access.policy import route_allowed
from apis.access.services import arecheck_policy, current_policy, fresh_policy, quota_consume, quota_record_hit
from apis.common.errors import AccessDeniedError, RateLimitError, StackError
from stackproject.middleware import API_PREFIXES, AsyncCapableMiddleware
from stackproject.observability import QUOTA_HITS

PUBLIC_PATHS = frozenset({"/v1/health", "/v1/version", "/v1/docs", "/v1/openapi.json"})


def guard(request: HttpRequest) -> AccessContext | None:
    """The caller's access context; raises the StackError that refuses the request."""
    if not request.path.startswith(API_PREFIXES) or request.path in PUBLIC_PATHS:
        return None
    authenticated = authenticate(request)
    policy = current_policy()
    user = authenticated.user if authenticated else None
    if not route_allowed(policy.route_rules, user, request.path):
        raise AccessDeniedError(f"Access to {request.path} is not allowed.")
    if authenticated is None:
        return None
    quota = server_config().quota
    verdict = quota_consume(
        subject=authenticated.quota_subject,
        per_minute=authenticated.per_minute or quota.requests_per_minute,
        per_day=authenticated.per_day or quota.requests_per_day,
    )
    if not verdict.allowed:
        QUOTA_HITS.labels(authenticated.quota_subject).inc()
        if authenticated.api_key_id is not None:
            quota_record_hit(api_key_id=authenticated.api_key_id)
        raise RateLimitError(f"Quota exceeded: {verdict.limit}.", retry_after=verdict.retry_after)
    return AccessContext(user=authenticated.user, rules=policy.rules)


def refusal(error: StackError) -> HttpResponse:
    response = JsonResponse(error.body(), status=error.status_code)
    for header, value in error.headers.items():
        response[header] = value
    if error.status_code == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


class AccessMiddleware(AsyncCapableMiddleware):
    def call(self, request: HttpRequest) -> HttpResponse:
        try:
            access = guard(request)
        except StackError as error:
            return refusal(error)
        token = set_access(access)
        try:
            return self.get_response(request)
        finally:
            reset_access(token)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIXES) or request.path in PUBLIC_PATHS:
            return await self.get_response(request)
        if server_config().auth.provider_config is None:
            # Authentication off: only the route policy applies, known without the database but once a
            # second, when one request re-checks it and those arriving meanwhile keep the last one.
            policy = fresh_policy(while_rechecking=True)
            if policy is None:
                policy = await arecheck_policy()
            if not route_allowed(policy.route_rules, None, request.path):
                return refusal(AccessDeniedError(f"Access to {request.path} is not allowed."))
            return await self.get_response(request)
        try:
            access = await sync_to_async(guard)(request)
        except StackError as error:
            return refusal(error)
        token = set_access(access)
        try:
            return await self.get_response(request)
        finally:
            reset_access(token)
