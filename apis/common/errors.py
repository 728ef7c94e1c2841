"""The error family of the stack server.

Each error class carries its HTTP status, OpenAI error `type` and default `code`; one handler in
`stackproject.api` renders every one of them as `{"error": {"message", "type", "code", "param"}}`.
"""

from typing import ClassVar


class StackError(Exception):
    """Base of every error the API reports to clients."""

    status_code: ClassVar[int] = 500
    error_type: ClassVar[str] = "server_error"
    default_code: ClassVar[str | None] = None

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code
        self.param = param
        self.headers: dict[str, str] = {}

    def body(self) -> dict[str, dict[str, str | None]]:
        return {"error": {"message": self.message, "type": self.error_type, "code": self.code, "param": self.param}}


class BadRequestError(StackError):
    status_code = 400
    error_type = "invalid_request_error"


class AuthenticationError(StackError):
    status_code = 401
    error_type = "authentication_error"
    default_code = "invalid_api_key"


class AccessDeniedError(StackError):
    status_code = 403
    error_type = "permission_error"
    default_code = "access_denied"


class NotFoundError(StackError):
    """A resource that does not exist (or that the caller may not see)."""

    status_code = 404
    error_type = "invalid_request_error"
    default_code = "not_found"
    resource: ClassVar[str] = "Resource"

    def __init__(self, identifier: str, *, param: str | None = None) -> None:
        super().__init__(f"{self.resource} '{identifier}' not found.", param=param)
        self.identifier = identifier


class RouteNotFoundError(StackError):
    status_code = 404
    error_type = "invalid_request_error"
    default_code = "not_found"


class MethodNotAllowedError(StackError):
    status_code = 405
    error_type = "invalid_request_error"
    default_code = "method_not_allowed"


class ConflictError(StackError):
    status_code = 409
    error_type = "invalid_request_error"
    default_code = "conflict"


class PayloadTooLargeError(StackError):
    status_code = 413
    error_type = "invalid_request_error"
    default_code = "payload_too_large"


class RateLimitError(StackError):
    status_code = 429
    error_type = "rate_limit_error"
    default_code = "rate_limit_exceeded"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.headers["Retry-After"] = str(retry_after)


class InternalServerError(StackError):
    status_code = 500
    error_type = "server_error"
    default_code = "internal_error"


class NotImplementedByProviderError(StackError):
    status_code = 501
    error_type = "server_error"
    default_code = "not_implemented"


class UpstreamError(StackError):
    """The model service answered with an error; its status and message are passed on."""

    error_type = "upstream_error"

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        param: str | None = None,
        error_type: str | None = None,
    ) -> None:
        super().__init__(message, code=code, param=param)
        self.status_code = status_code  # type: ignore[misc]
        if error_type:
            self.error_type = error_type  # type: ignore[misc]


class UpstreamUnavailableError(StackError):
    status_code = 502
    error_type = "upstream_error"
    default_code = "upstream_unavailable"


class ServiceUnavailableError(StackError):
    status_code = 503
    error_type = "server_error"
    default_code = "service_unavailable"


class UpstreamTimeoutError(StackError):
    status_code = 504
    error_type = "upstream_error"
    default_code = "upstream_timeout"


class ModelNotFoundError(NotFoundError):
    resource = "Model"


class ProviderNotFoundError(NotFoundError):
    resource = "Provider"


class StoredFileNotFoundError(NotFoundError):
    resource = "File"


class BatchNotFoundError(NotFoundError):
    resource = "Batch"


class ProviderConfigError(Exception):
    """A provider registration that cannot be instantiated (bad config, missing module...)."""


class ShieldNotFoundError(NotFoundError):
    resource = "Shield"


class VectorDBNotFoundError(NotFoundError):
    resource = "Vector DB"


class ToolGroupNotFoundError(NotFoundError):
    resource = "Tool group"


class ToolNotFoundError(NotFoundError):
    resource = "Tool"


class DatasetNotFoundError(NotFoundError):
    resource = "Dataset"


class ScoringFunctionNotFoundError(NotFoundError):
    resource = "Scoring function"


class BenchmarkNotFoundError(NotFoundError):
    resource = "Benchmark"


class EvalJobNotFoundError(NotFoundError):
    resource = "Eval job"
