"""Fixtures of the inference API tests: the test upstream as provider 'up' with a model per behaviour."""

import pytest

from apis.models.services import model_register
from tests.apis.inference.support import register_upstream
from tests.support.server import free_port
from tests.support.upstream import Upstream

# identifier -> (upstream model, type, metadata)
MODELS = {
    "echo": ("echo-model", "llm", {}),
    "embed": ("embed-model", "embedding", {"embedding_dimension": 8}),
    "fail-400": ("fail-400", "llm", {}),
    "fail-500": ("fail-500", "llm", {}),
    "flaky": ("flaky", "llm", {}),
    "rate-limited": ("rate-limited", "llm", {}),
    "stream-break": ("stream-break", "llm", {}),
    "slow-stream": ("slow-stream", "llm", {}),
}


@pytest.fixture
def models(db: None, upstream: Upstream) -> None:
    """Provider 'up' (the upstream) with MODELS; 'impatient' (0.5 s timeout) serving 'slow'; 'down' (no server)."""
    register_upstream(upstream)
    register_upstream(upstream, provider_id="impatient", timeout=0.5)
    register_upstream(upstream, provider_id="down", base_url=f"http://127.0.0.1:{free_port()}/v1", max_retries=1)
    for identifier, (upstream_model, model_type, metadata) in MODELS.items():
        model_register(
            identifier=identifier,
            provider_id="up",
            provider_resource_id=upstream_model,
            model_type=model_type,
            metadata=metadata,
        )
    model_register(identifier="slow", provider_id="impatient", provider_resource_id="slow")
    model_register(identifier="unreachable", provider_id="down", provider_resource_id="echo-model")
