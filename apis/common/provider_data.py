"""What a caller sends for the providers of one request: the `X-LlamaStack-Provider-Data` header.

The header is a JSON object, as Llama Stack clients send it (`provider_data=` of llama-stack-client),
and each provider reads its own keys. The MCP tool runtime, for one, takes `mcp_headers`: for each MCP
endpoint, the HTTP headers to send there, such as the caller's own credentials for that server.

The routes whose providers use it set it for the duration of the call (`caller_provider_data`). It
is parsed only when a provider asks for it, so a malformed header fails only the requests that need it.
"""

import contextvars
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest

from apis.common.errors import BadRequestError

PROVIDER_DATA_HEADER = "X-LlamaStack-Provider-Data"
# For the OpenAPI descriptions of the routes that pass provider data on.
PROVIDER_DATA_DESCRIPTION = (
    f"Headers for an MCP server (its credentials) go in the `{PROVIDER_DATA_HEADER}` header, a JSON object: "
    '`{"mcp_headers": {"<mcp_endpoint uri>": {"Authorization": "Bearer ..."}}}`.'
)

_raw: contextvars.ContextVar[str | None] = contextvars.ContextVar("provider_data", default=None)


@contextmanager
def caller_provider_data(request: HttpRequest) -> Iterator[None]:
    """Makes the request's provider data what `provider_data()` returns until the block ends."""
    token = _raw.set(request.headers.get(PROVIDER_DATA_HEADER))
    try:
        yield
    finally:
        _raw.reset(token)


def provider_data() -> dict[str, Any]:
    """The caller's provider data (empty when none was sent); a malformed header is a 400."""
    raw = _raw.get()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise BadRequestError(f"The {PROVIDER_DATA_HEADER} header must be a JSON object.", param=PROVIDER_DATA_HEADER)
    return data
