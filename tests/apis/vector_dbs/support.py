"""Helpers of the vector DB and vector IO tests: the test upstream's embedding model, vector IO providers."""

from apis.models.services import model_register
from apis.providers.services import registration_save
from tests.apis.inference.support import register_upstream
from tests.support.upstream import EMBEDDING_DIMENSION, Upstream

EMBEDDING_MODEL = "embed"


def register_embedding_model(upstream: Upstream) -> str:
    """Inference provider 'up' (the test upstream) and its embedding model 'embed' (8 dimensions)."""
    register_upstream(upstream, max_retries=0)
    model_register(
        identifier=EMBEDDING_MODEL,
        provider_id="up",
        provider_resource_id="embed-model",
        model_type="embedding",
        metadata={"embedding_dimension": EMBEDDING_DIMENSION},
    )
    return EMBEDDING_MODEL


def register_vector_io(provider_id: str = "orm", provider_type: str = "inline::orm", **config: object) -> str:
    registration_save(api="vector_io", provider_id=provider_id, provider_type=provider_type, config=config)
    return provider_id
